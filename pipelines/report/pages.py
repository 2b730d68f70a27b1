"""The reading room's data, shaped for the pages: plain dicts and lists, ready to be written as
JSON. One function per view (the sources view is in sources.py); nothing here reads or
writes a file.

Keys are short where a value repeats for every event (a day of a 5,000-article warehouse holds
thousands of mentions), and spelled out where it appears once."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pipelines.report.facts import Facts

TOLL_KINDS = ("killed", "injured", "arrested", "displaced")
CONTENT_CHARS = 300  # a claim's content beside an event; the reader shows it whole
FACET_ACTORS = 400  # actors offered as timeline filters, most events first
FACET_PAIRS = 300
LIST_LIMIT = 300  # rows per list in the sources and new views; the page says how many more

Row = dict[str, Any]


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def clip(text: str | None, limit: int = CONTENT_CHARS) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def by_key(rows: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    out: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def claim_brief(c: Row) -> Row:
    """A claim as shown beside an event or in a list: who, how, what, through whom."""
    return {
        "id": c["claim_id"],
        "art": c["article_id"],
        "sp": c["speaker_text"] or c["speaker"],  # as written: "two U.S. officials"
        "kind": c["speaker_kind"],
        "anon": c["anonymous"],
        "stance": c["stance"],
        "via": c["reported_via"],
        "outlet": c["outlet"],
        "ct": clip(c["content"]),
        "quote": c["direct_quote"],
        "day": iso(c["published_date"]),
    }


def toll(q: Row) -> list[Any]:
    return [q["kind"], q["value"], q["qualifier"], q["text"], q["scope"], q["scope_text"]]


def sourcing(claim: Row | None) -> str:
    """named: an identified source; anonymous; outlet: stated in the outlet's own voice."""
    if claim is None:
        return "outlet"
    return "anonymous" if claim["anonymous"] else "named"


@dataclass
class DaySummary:
    """What the timeline keeps of a day besides its page: how many cards and mentions it has,
    its anonymous-only cards as the sources view lists them, and for each filter key its
    cards carry, how many do and the label (the last card's). Small: an unchanged day's
    summary is kept between runs instead of its cards."""

    cards: int
    mentions: int
    anonymous: list[Row]
    facets: dict[str, tuple[int, str]]


@dataclass
class Timeline:
    """The timeline's filters, each day's summary, and the cards in brief of the days built
    this time (the full cards are handed to `write_day` one day at a time, so a large
    warehouse's cards are never all in memory)."""

    briefs: dict[str, list[Row]] = field(default_factory=dict)  # day built -> card briefs
    facets: dict[str, list[list[Any]]] = field(default_factory=dict)  # kind -> [key, label, n]
    facet_days: dict[str, list[int]] = field(default_factory=dict)  # facet key -> day indices
    day_order: list[str] = field(default_factory=list)
    summaries: dict[str, DaySummary] = field(default_factory=dict, repr=False)


def timeline(
    facts: Facts,
    days: dict[str, tuple[str, int]] | None = None,
    write_day: Callable[[str, Row], None] | None = None,
    kept: Callable[[str], DaySummary | None] | None = None,
) -> Timeline:
    """Cards by day: each real-world event (cluster) on its date, else its first mention's
    day. days: facts.day_digests(), when the caller has them. write_day(day, page) receives
    each day's page: its cards and the articles they cite. kept(day): the day's summary when
    its page is as an earlier run made it (its cards are then neither built nor handed to
    write_day, and its rows not read)."""
    days = facts.day_digests() if days is None else days
    out = Timeline()
    for day in days:
        summary = kept(day) if kept is not None else None
        if summary is not None:
            out.summaries[day] = summary
    to_build = [day for day in days if day not in out.summaries]
    sizes = {day: n for day, (_, n) in days.items()}
    for day, rows in zip(to_build, facts.mentions_by_day(to_build, sizes), strict=True):
        out.summaries[day], out.briefs[day] = day_cards(day, rows, write_day)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    day_keys: list[set[str]] = []
    for day in days:
        summary = out.summaries[day]
        for key, (n, label) in summary.facets.items():
            kind = key.split(":", 1)[0]
            labels[kind][key] = label
            counts[kind][key] += n
        out.day_order.append(day)
        day_keys.append(set(summary.facets))
    limits = {"a": FACET_ACTORS, "p": FACET_PAIRS}
    for kind, counter in counts.items():
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], labels[kind][kv[0]]))
        out.facets[kind] = [[k, labels[kind][k], n] for k, n in ranked[: limits.get(kind)]]
    offered = {k for rows in out.facets.values() for k, _, _ in rows}
    days_of: dict[str, list[int]] = defaultdict(list)
    for i, keys in enumerate(day_keys):
        for key in sorted(keys & offered):
            days_of[key].append(i)
    out.facet_days = dict(days_of)
    return out


def day_cards(
    day: str, rows: list[Row], write_day: Callable[[str, Row], None] | None
) -> tuple[DaySummary, list[Row]]:
    """A day's cards from its mentions (facts.mentions_by_day), handed to write_day as the
    day's page: its summary and its cards in brief."""
    claims = {r["claim_id"]: r["claim"] for r in rows if r["claim"] is not None}
    tolls = {r["event_id"]: r["tolls"] for r in rows if r["tolls"]}
    titles = {r["article_id"]: [r["title"], r["article_outlet"], iso(r["article_published"])]
              for r in rows}  # fmt: skip
    clusters = {r["cluster_id"]: r["cluster"] for r in rows}
    cards = [
        event_card(clusters.get(cluster_id), mentions, claims, tolls)
        for cluster_id, mentions in by_key(rows, "cluster_id").items()
    ]
    cards.sort(key=lambda c: (-len(c["m"]), c["type"], c["id"]))
    facets: dict[str, tuple[int, str]] = {}
    for card in cards:
        for key, label in card.pop("facet_labels"):  # a later label of a key wins
            facets[key] = (facets.get(key, (0, ""))[0] + 1, label)
    if write_day is not None:
        refs = sorted({m["art"] for c in cards for m in c["m"]})
        write_day(day, {"day": day, "cards": cards, "articles": {a: titles[a] for a in refs}})
    briefs = [card_brief(c, day) for c in cards]
    summary = DaySummary(
        cards=len(briefs),
        mentions=sum(len(b["members"]) for b in briefs),
        anonymous=[public(b) for b in briefs if b["src"] == "anonymous"],
        facets=facets,
    )
    return summary, briefs


def event_card(
    cluster: Row | None,
    mentions: list[Row],
    claims: dict[str, Row],
    tolls: dict[str, list[Row]],
) -> Row:
    """One real-world event: what its mentions agree on, its toll (each article's largest
    figure, then the lowest across articles, as casualties_by_day counts it) and sourcing."""
    first = mentions[0]
    ms, facet_labels = [], []
    per_article: dict[str, dict[str, int]] = defaultdict(dict)
    sources = set()
    for e in mentions:
        claim = claims.get(e["claim_id"]) if e["claim_id"] else None
        sources.add(sourcing(claim))
        figures = tolls.get(e["event_id"], [])
        for q in figures:
            if q["kind"] in TOLL_KINDS and q["scope"] == "event" and e["modality"] == "asserted":
                best = per_article[e["article_id"]]
                best[q["kind"]] = max(best.get(q["kind"], 0), int(q["value"]))
        ms.append(
            {
                "id": e["event_id"],
                "art": e["article_id"],
                "tr": e["trigger"],
                "a1": e["actor1_text"],
                "a2": e["actor2_text"],
                "mo": e["modality"],
                "mode": e["event_mode"],
                "date": [
                    iso(e["event_date"]),
                    iso(e["date_end"]),
                    e["date_precision"],
                    e["date_basis"],
                    e["date_text"],
                ],
                "loc": [
                    e["location_text"],
                    e["location_country"],
                    e["location_basis"],
                    e["location_precision"],
                ],
                "q": [toll(q) for q in figures],
                "claim": claim_brief(claim) if claim else None,
                "conf": e["confidence"],
            }
        )
        facet_labels.append((f"t:{e['event_type']}", e["event_type"]))
        facet_labels.append((f"m:{e['modality']}", e["modality"]))
        for role in ("actor1", "actor2"):
            if e[f"{role}_id"]:
                facet_labels.append((f"a:{e[f'{role}_id']}", e[role]))
        if e["actor1_id"] and e["actor2_id"]:
            facet_labels.append(
                (f"p:{e['actor1_id']}|{e['actor2_id']}", f"{e['actor1']} → {e['actor2']}")
            )
        if e["location_country"]:
            facet_labels.append((f"c:{e['location_country']}", e["location_country"]))
    cluster_tolls: dict[str, int] = {}
    for figures in per_article.values():
        for kind, value in figures.items():
            cluster_tolls[kind] = min(cluster_tolls.get(kind, value), value)
    days = [e["day"] for e in mentions if e["day"] is not None]
    day = (cluster or {}).get("event_date") or (min(days) if days else None)
    names = {e["actor1_id"]: e["actor1"] for e in mentions} | {
        e["actor2_id"]: e["actor2"] for e in mentions
    }
    a1 = (cluster or {}).get("actor1_id") or first["actor1_id"]
    a2 = (cluster or {}).get("actor2_id") or first["actor2_id"]
    outlets = (cluster or {}).get("outlet_names") or []
    if cluster and cluster["anonymous_only"]:
        src = "anonymous"
    elif "named" in sources:
        src = "named"
    else:
        src = "outlet" if "outlet" in sources else "anonymous"
    place = next((e["location_text"] for e in mentions if e["location_text"]), None)
    country = (cluster or {}).get("location_country") or first["location_country"]
    return {
        "id": first["cluster_id"],
        "day": iso(day),
        "type": first["event_type"],
        "quad": first["quad_class"],
        "a1": [a1, names.get(a1, first["actor1_text"])],
        "a2": [a2, names.get(a2, first["actor2_text"])],
        "country": country,
        "place": place,
        "src": src,
        "outlets": list(outlets),
        "articles": len({e["article_id"] for e in mentions}),
        "tolls": cluster_tolls,
        "f": sorted({k for k, _ in facet_labels}),
        "facet_labels": sorted(set(facet_labels)),
        "m": ms,
    }


def article_page(article: Row, events: list[Row], claims: list[Row], quantities: list[Row]):
    """An article's text and every row read from it, with the spans to highlight: events
    (trigger), claims (cue, and content), quantities, and the date and place phrases."""
    spans: list[list[Any]] = []
    ev, cl, qu = [], [], []
    speakers = {c["claim_id"]: c["speaker_text"] for c in claims}
    for i, e in enumerate(events):
        spans.append([e["start_char"], e["end_char"], "e", i])
        if e["date_text_start"] is not None:
            spans.append([e["date_text_start"], e["date_text_end"], "d", i])
        if e["location_text_start"] is not None:
            spans.append([e["location_text_start"], e["location_text_end"], "l", i])
        ev.append(
            {
                "id": e["event_id"],
                "type": e["event_type"],
                "mode": e["event_mode"],
                "quad": e["quad_class"],
                "trigger": e["trigger"],
                "actor1": e["actor1_text"],
                "actor1_id": e["actor1_id"],
                "actor2": e["actor2_text"],
                "actor2_id": e["actor2_id"],
                "date": iso(e["event_date"]),
                "date_end": iso(e["date_end"]),
                "date_precision": e["date_precision"],
                "date_basis": e["date_basis"],
                "date_text": e["date_text"],
                "place": e["location_text"],
                "country": e["location_country"],
                "location_basis": e["location_basis"],
                "modality": e["modality"],
                "speaker": speakers.get(e["claim_id"]),  # of the claim it is reported under
                "claim_id": e["claim_id"],
                "cluster_id": e["cluster_id"],
                "confidence": e["confidence"],
                "extractor_version": e["extractor_version"],
            }
        )
    for i, c in enumerate(claims):
        spans.append([c["start_char"], c["end_char"], "c", i])
        if c["content_start"] is not None and c["content_end"] > c["content_start"]:
            spans.append([c["content_start"], c["content_end"], "t", i])
        cl.append(
            {
                "id": c["claim_id"],
                "speaker": c["speaker_text"],
                "speaker_id": c["speaker_actor_id"],
                "speaker_kind": c["speaker_kind"],
                "anonymous": c["anonymous"],
                "cue": c["cue"],
                "stance": c["stance"],
                "kind": c["kind"],
                "content": c["content"],
                "direct_quote": c["direct_quote"],
                "reported_via": c["reported_via"],
                "channel": c["channel"],
                "platform": c["platform"],
                "confidence": c["confidence"],
                "extractor_version": c["extractor_version"],
            }
        )
    for i, q in enumerate(quantities):
        spans.append([q["start_char"], q["end_char"], "q", i])
        qu.append(
            {
                "id": q["quantity_id"],
                "kind": q["kind"],
                "value": q["value"],
                "unit": q["unit"],
                "qualifier": q["qualifier"],
                "text": q["text"],
                "scope": q["scope"],
                "period": q["scope_text"],
                "as_of": iso(q["as_of_date"]),
                "event_id": q["event_id"],
                "claim_id": q["claim_id"],
                "extractor_version": q["extractor_version"],
            }
        )
    return {
        "id": article["article_id"],
        "title": article["title"],
        "outlet": article["outlet"],
        "outlets": list(article["outlets"] or []),
        "url": article["url"],
        "author": article["author"],
        "dateline": article["dateline"],
        "published": iso(article["published_date"]),
        "published_source": article["published_source"],
        "language": article["language"],
        "duplicate_of": article["duplicate_of"],
        "source": article["source_path"]
        + (f" [{article['source_record']}]" if article["source_record"] else ""),
        "ingested_at": iso(article["ingested_at"]),
        "text": article["text"],
        "spans": sorted(spans, key=lambda s: (s[0], -s[1])),
        "events": ev,
        "claims": cl,
        "quantities": qu,
    }


def article_list(facts: Facts) -> list[list[Any]]:
    """[id, title, outlet, published, events, claims, quantities, near-duplicate of]."""
    counts = " ".join(
        f"LEFT JOIN (SELECT article_id, count(*) AS n FROM {table} GROUP BY article_id) "
        f"AS {alias} USING (article_id)"
        for alias, table in (("e", "events"), ("c", "claims"), ("q", "quantities"))
    )
    return [
        [a["article_id"], a["title"], a["outlet"], iso(a["published_date"]),
         a["e"], a["c"], a["q"], a["duplicate_of"]]
        for a in facts.rows(
            "SELECT a.article_id, a.title, a.outlet, a.published_date, coalesce(e.n, 0) AS e, "
            "coalesce(c.n, 0) AS c, coalesce(q.n, 0) AS q, a.duplicate_of "
            f"FROM articles AS a {counts} "
            "ORDER BY a.published_date DESC NULLS LAST, a.article_id"
        )
    ]  # fmt: skip


def first_n(rows: Iterable[Any], limit: int = LIST_LIMIT) -> Row:
    rows = list(rows)
    return {"total": len(rows), "rows": rows[:limit]}


def card_brief(card: Row, day: str) -> Row:
    """An event card without its mentions' details: enough for a list and a link, plus its
    mentions' ids and toll, which what-is-new compares."""
    claims = [m["claim"] for m in card["m"] if m["claim"]]
    return {
        "id": card["id"],
        "day": day,
        "type": card["type"],
        "a1": card["a1"][1],
        "a2": card["a2"][1],
        "tr": card["m"][0]["tr"],
        "mo": card["m"][0]["mo"],
        "art": card["m"][0]["art"],
        "ev": card["m"][0]["id"],
        "src": card["src"],
        "outlets": card["outlets"],
        # The sources the anonymous-only list names; others are in the day's page.
        "claims": claims[:3] if card["src"] == "anonymous" else [],
        "tolls": card["tolls"],
        "members": [m["id"] for m in card["m"]],
    }


def public(brief: Row, **extra: Any) -> Row:
    """A brief as a page lists it: without its members' ids."""
    return {k: v for k, v in brief.items() if k != "members"} | extra


MAP_EVENTS = 12  # events listed under a point

# Events with coordinates, numbered in the events' order (their day, article, place in it).
_PLACES = """
CREATE OR REPLACE TEMP TABLE room_places AS
SELECT latitude, longitude, location_text, location_country, location_precision,
       location_basis, event_type, event_id, article_id, actor1, actor2, trigger, day,
       row_number() OVER (ORDER BY day NULLS LAST, article_id, start_char, event_id) AS pos
FROM room_events
WHERE latitude IS NOT NULL AND longitude IS NOT NULL
"""


def map_page(facts: Facts) -> Row:
    """Event places: one point per place (coordinates to a hundredth of a degree), with its
    events by type and a few to open; and events per country. DuckDB tallies each exact
    coordinate pair; Python rounds them (as Python rounds) and merges the pairs of a point:
    its first event gives its label, a later one's stated place replaces it."""
    con = facts.con
    con.execute(_PLACES)
    points: dict[tuple[float, float], Row] = {}
    stated: dict[tuple[float, float], tuple[int, str]] = {}
    types: dict[tuple[float, float], dict[str, list[int]]] = {}
    for lat, lon, n, text, country, precision, last_pos, last_text in con.execute(
        """
        SELECT latitude, longitude, count(*),
               first(location_text ORDER BY pos), first(location_country ORDER BY pos),
               first(location_precision ORDER BY pos),
               max(pos) FILTER (WHERE location_text <> '' AND location_basis = 'stated'),
               arg_max(location_text, pos)
                   FILTER (WHERE location_text <> '' AND location_basis = 'stated')
        FROM room_places GROUP BY latitude, longitude ORDER BY min(pos)
        """
    ).fetchall():
        key = (round(lat, 2), round(lon, 2))
        if key not in points:
            points[key] = {"lat": key[0], "lon": key[1], "label": text or country,
                           "country": country, "precision": precision, "n": 0, "types": {},
                           "events": []}  # fmt: skip
            types[key] = {}
        points[key]["n"] += n
        if last_pos is not None and last_pos > stated.get(key, (-1, ""))[0]:
            stated[key] = (last_pos, last_text)
    for lat, lon, event_type, n, first in con.execute(
        "SELECT latitude, longitude, event_type, count(*), min(pos) FROM room_places GROUP BY ALL"
    ).fetchall():
        tally = types[(round(lat, 2), round(lon, 2))].setdefault(event_type, [0, first])
        tally[0] += n
        tally[1] = min(tally[1], first)
    listed: dict[tuple[float, float], list[tuple[int, list[Any]]]] = {}
    for lat, lon, pos, *event in con.execute(
        "SELECT latitude, longitude, pos, event_id, article_id, event_type, actor1, actor2, "
        "trigger, day FROM room_places "
        f"QUALIFY row_number() OVER (PARTITION BY latitude, longitude ORDER BY pos) <= {MAP_EVENTS}"
    ).fetchall():
        event[-1] = iso(event[-1])
        listed.setdefault((round(lat, 2), round(lon, 2)), []).append((pos, event))
    countries = con.execute(
        """
        SELECT location_country, count(*) FROM (
            SELECT location_country,
                   row_number() OVER (ORDER BY day NULLS LAST, article_id, start_char, event_id)
                       AS pos
            FROM room_events WHERE location_country <> '')
        GROUP BY 1 ORDER BY count(*) DESC, min(pos)
        """
    ).fetchall()
    con.execute("DROP TABLE room_places")
    for key, p in points.items():
        if key in stated:
            p["label"] = stated[key][1]
        ranked = sorted(types[key].items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        p["types"] = {t: n for t, (n, _) in ranked}
        p["events"] = [e for _, e in sorted(listed[key], key=lambda x: x[0])[:MAP_EVENTS]]
    # Most events first; ties as first seen (points were made in their first event's order).
    out = sorted(points.values(), key=lambda p: -p["n"])
    return {"points": out, "countries": dict(countries)}
