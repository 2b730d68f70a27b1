"""The reading room's data without a browser: when a room is written, how it is swapped in,
what it calls new, and which claims it sets against each other."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.report import ROOM_INDEX, build_reading_room
from pipelines.report.facts import Facts
from pipelines.report.pages import map_page, timeline
from pipelines.report.room import ROOM_DATA
from pipelines.report.sources import (
    ACCUSATIONS,
    DENIALS,
    SHARED_WORDS,
    contradictions,
    speakers,
    stems,
)
from pipelines.store import DUCKDB_FILE


@pytest.fixture(scope="module")
def facts(shipped_run):
    with Facts(shipped_run[1]) as facts:
        yield facts


def _warehouse(shipped_run, folder: Path, *statements: str) -> Path:
    """A copy of the shipped warehouse with the statements run on it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(shipped_run[1] / DUCKDB_FILE, folder / "copy")
    con = duckdb.connect(str(folder / "copy"))
    for statement in statements:
        con.execute(statement)
    con.close()
    (folder / "copy").replace(folder / DUCKDB_FILE)  # a new file, as a rebuild swaps one in
    return folder


def _without(article_id: str) -> list[str]:
    return [
        f"DELETE FROM {table} WHERE article_id = '{article_id}'"
        for table in ("quantities", "events", "claims", "articles")
    ]


def _room_data(warehouse: Path, key: str) -> dict:
    (generation,) = _generations(warehouse)
    text = (warehouse / ROOM_DATA / generation / f"{key}.js").read_text(encoding="utf-8")
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def _generations(warehouse) -> list[str]:
    return sorted(p.name for p in (warehouse / ROOM_DATA).iterdir())


def test_a_room_is_written_once_per_warehouse_and_swapped_whole(shipped_run, tmp_path):
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    shutil.copy(shipped_run[1] / DUCKDB_FILE, warehouse / DUCKDB_FILE)
    first = build_reading_room(warehouse)
    assert first.rebuilt and first.index == warehouse / ROOM_INDEX
    (generation,) = _generations(warehouse)
    page = first.index.read_text(encoding="utf-8")
    assert f'data-room="room/{generation}"' in page
    assert "/*APP*/" not in page and "RR.put" in page  # the script is inlined
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from the network
    # The same warehouse file: nothing written.
    assert not build_reading_room(warehouse).rebuilt
    assert _generations(warehouse) == [generation]
    # A new warehouse file (a rebuild renames one over it): a new generation replaces the old.
    shutil.copy(shipped_run[1] / DUCKDB_FILE, warehouse / "copy")
    (warehouse / "copy").replace(warehouse / DUCKDB_FILE)
    second = build_reading_room(warehouse)
    assert second.rebuilt
    (newer,) = _generations(warehouse)
    assert newer != generation and f"room/{newer}" in second.index.read_text(encoding="utf-8")
    # Every day and article has its own file, the index only counts and filters.
    index = (warehouse / ROOM_DATA / newer / "index.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index(",") + 1 : index.rindex(")")])
    days = (warehouse / ROOM_DATA / newer / "days").glob("*.js")
    assert sorted(d.stem for d in days) == sorted(d for d, _, _ in data["days"])
    assert len(list((warehouse / ROOM_DATA / newer / "articles").glob("*.js"))) == second.articles
    assert set(data) >= {"counts", "days", "facets", "facet_days", "new"}
    # The warehouse was the same data: the second room has nothing new to say.
    assert data["new"] == {
        "since": data["new"]["since"],
        "first": False,
        "articles": 0,
        "mentions": 0,
        "claims": 0,
    }


def test_what_is_new_is_what_the_previous_warehouse_lacked(shipped_run, seed, tmp_path):
    aid = seed["articles"]["article_id"][0]
    warehouse = _warehouse(shipped_run, tmp_path / "wh", *_without(aid))
    build_reading_room(warehouse)
    _warehouse(shipped_run, warehouse)  # the seed article arrives
    build_reading_room(warehouse)
    new = _room_data(warehouse, "changes")
    assert not new["first"] and new["since"]
    assert [a[0] for a in new["articles"]["rows"]] == [aid]
    assert new["mentions"] == seed["events"].height
    assert sum(e["new"] for e in new["events"]["rows"]) == seed["events"].height
    assert new["claims"]["total"] == seed["claims"].height
    assert {c["id"] for c in new["claims"]["rows"]} == set(seed["claims"]["claim_id"])
    assert new["removed"] == {"articles": 0, "events": 0, "claims": 0}
    # And the other way: the seed's rows are gone.
    _warehouse(shipped_run, warehouse, *_without(aid))
    build_reading_room(warehouse)
    gone = _room_data(warehouse, "changes")
    assert gone["removed"]["articles"] == 1 and gone["articles"]["total"] == 0
    assert gone["removed"]["claims"] == seed["claims"].height


def test_a_changed_toll_is_reported(shipped_run, facts, tmp_path):
    tl = timeline(facts)
    card = next(c for d in tl.day_order for c in tl.briefs[d] if c["tolls"])
    kind, value = next(iter(card["tolls"].items()))
    members = ", ".join(f"'{m}'" for m in card["members"])
    lower = (
        f"UPDATE quantities SET value = value - 1 WHERE event_id IN ({members}) AND kind = '{kind}'"
    )
    warehouse = _warehouse(shipped_run, tmp_path / "wh", lower)
    build_reading_room(warehouse)
    _warehouse(shipped_run, warehouse)
    build_reading_room(warehouse)
    changed = _room_data(warehouse, "changes")["tolls"]
    assert [(t["id"], t["kind"], t["before"], t["after"]) for t in changed] == [
        (card["id"], kind, value - 1, value)
    ]


def test_denials_are_set_against_what_they_answer(facts):
    pairs = contradictions(facts)["rows"]
    assert pairs  # the shipped articles have denials (Turkey's ministry, Chile's minister …)
    for p in pairs:
        assert p["denial"]["stance"] in ("deny", "reject")
        assert p["accusation"]["stance"] in ("accuse", "assert")
        assert p["accusation"]["id"] != p["denial"]["id"]
        assert p["basis"] in ("same event", "same article", "same actor")


@pytest.fixture(scope="module")
def many_denials(shipped_run, tmp_path_factory):
    """A warehouse of claims and events enough that every way of pairing finds many pairs,
    some of them twice (an event's pair also found in its article or through its actor),
    some undated; and the same rows as dicts."""
    rng = random.Random(7)
    actors = ["A", "B", "C"]
    articles, claims, events = {}, [], []
    for i in range(400):
        article = f"art{i // 4:03d}"
        day = None if rng.random() < 0.05 else dt.date(2026, 1, 1) + dt.timedelta(rng.randrange(60))
        articles.setdefault(article, day)
        day = articles[article]
        stance = rng.choice(["accuse", "assert", "deny", "reject", "neutral"])
        claims.append(
            {
                "claim_id": f"c{i:04d}", "article_id": article, "start_char": i % 4 * 10,
                "speaker_text": f"s{rng.randrange(5)}",
                "speaker_actor_id": rng.choice([*actors, None]),
                "anonymous": rng.random() < 0.2, "stance": stance,
                "content": rng.choice(["troops crossed border village", "border troops shelled"]),
                "published_date": day,
            }
        )  # fmt: skip
        for j in range(rng.randrange(3)):
            events.append(
                {
                    "event_id": f"e{i:04d}{j}", "article_id": article, "start_char": i % 4 * 10 + j,
                    "cluster_id": f"k{i:04d}{j}",
                    "event_type": rng.choice(["fight", "assault"]),
                    "actor1_id": rng.choice(actors), "actor1_text": "x",
                    "actor2_id": rng.choice([*actors, None]),
                    "modality": rng.choice(["asserted", "denied"]), "claim_id": f"c{i:04d}",
                    "event_date": day if rng.random() < 0.8 else None,
                }
            )  # fmt: skip
    art = pl.DataFrame(
        {"article_id": list(articles), "published_date": list(articles.values())},
        schema={"article_id": pl.String, "published_date": pl.Date},
    )
    cl, ev = pl.DataFrame(claims).drop("published_date"), pl.DataFrame(events)
    warehouse = _warehouse(
        shipped_run,
        tmp_path_factory.mktemp("denials"),
        *[f"DELETE FROM {t}" for t in ("quantities", "events", "claims", "articles", "actors")],
    )
    con = duckdb.connect(str(warehouse / DUCKDB_FILE))
    for name, frame in (("articles", art), ("claims", cl), ("events", ev)):
        con.register("new_rows", frame.to_arrow())
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM new_rows")
        con.unregister("new_rows")
    con.close()
    for e in events:
        e["day"] = e["event_date"] or articles[e["article_id"]]
    return warehouse, claims, events


def _every_pair(claims: list[dict], events: list[dict]) -> set[tuple[str, str]]:
    """Every (accusation, denial) pair, found by reading every pair of rows."""

    def key(c: dict) -> str:
        who = c["speaker_actor_id"] or c["speaker_text"].casefold()
        return f"anonymous|{who}" if c["anonymous"] else who

    def near(a, b) -> bool:
        return a is None or b is None or abs((a - b).days) <= 14

    by_id = {c["claim_id"]: c for c in claims}
    pairs = set()
    for d in events:
        for a in events:
            if (
                d["modality"] == "denied" and a["modality"] == "asserted"
                and (a["event_type"], a["actor1_id"]) == (d["event_type"], d["actor1_id"])
                and key(by_id[a["claim_id"]]) != key(by_id[d["claim_id"]])
                and near(a["day"], d["day"]) and a["claim_id"] != d["claim_id"]
            ):  # fmt: skip
                pairs.add((a["claim_id"], d["claim_id"]))
    for d in claims:
        if d["stance"] not in DENIALS:
            continue
        for c in claims:
            if (
                c["article_id"] == d["article_id"] and c["start_char"] < d["start_char"]
                and key(c) != key(d)
                and (c["stance"] == "accuse" or (
                    c["stance"] in ACCUSATIONS
                    and len(stems(c["content"]) & stems(d["content"])) >= SHARED_WORDS))
            ):  # fmt: skip
                pairs.add((c["claim_id"], d["claim_id"]))
        involved = {
            e["claim_id"]
            for e in events
            if by_id[e["claim_id"]]["stance"] == "accuse"
            and d["speaker_actor_id"] in (e["actor1_id"], e["actor2_id"])
        }
        for cid in involved if d["speaker_actor_id"] else ():
            c = by_id[cid]
            if c["article_id"] != d["article_id"] and near(
                c["published_date"], d["published_date"]
            ):
                pairs.add((cid, d["claim_id"]))
    return pairs


@pytest.mark.parametrize("limit", [0, 1, 50])
def test_denials_are_counted_and_listed_as_reading_every_pair_finds_them(many_denials, limit):
    # DuckDB counts the pairs past the limit without building them: the count must be the
    # number of distinct pairs that comparing every two rows finds.
    warehouse, claims, events = many_denials
    expected = _every_pair(claims, events)
    with Facts(warehouse) as facts:
        everything = contradictions(facts, limit=10**9)
        rows = everything["rows"]
        assert everything["total"] == len(rows) == len(expected) > 1000
        assert {(p["accusation"]["id"], p["denial"]["id"]) for p in rows} == expected
        assert {p["basis"] for p in rows} == {"same event", "same article", "same actor"}
        assert contradictions(facts, limit=limit) == {"total": len(rows), "rows": rows[:limit]}


def test_the_room_is_plain_python():
    # Domain code: the Dagster asset that calls it is the only Dagster in sight.
    folder = Path(__file__).resolve().parents[2] / "pipelines" / "report"
    for path in folder.glob("*.py"):
        assert not re.search(r"^\s*(import|from) dagster", path.read_text(), re.M), path


def _files(folder: Path) -> dict[str, os.stat_result]:
    return {str(p.relative_to(folder)): p.stat() for p in folder.rglob("*.js")}


def test_a_changed_warehouse_rewrites_only_the_files_whose_rows_changed(shipped_run, tmp_path):
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    shutil.copy(shipped_run[1] / DUCKDB_FILE, warehouse / DUCKDB_FILE)
    build_reading_room(warehouse)
    (old,) = _generations(warehouse)
    before = _files(warehouse / ROOM_DATA / old)
    # One article retitled: its page and the days whose cards cite it change, nothing else.
    con = duckdb.connect(str(warehouse / DUCKDB_FILE))
    ((aid,),) = con.sql("SELECT article_id FROM articles ORDER BY article_id LIMIT 1").fetchall()
    con.execute("UPDATE articles SET title = 'A new title' WHERE article_id = ?", [aid])
    con.close()
    room = build_reading_room(warehouse)
    (new,) = _generations(warehouse)
    after = _files(warehouse / ROOM_DATA / new)
    assert new != old and set(after) == set(before)
    rewritten = {k for k in after if after[k].st_ino != before[k].st_ino}
    article = f"articles/{aid}.js"
    assert article in rewritten
    assert "A new title" in (warehouse / ROOM_DATA / new / article).read_text(encoding="utf-8")
    citing = {
        k
        for k in after
        if k.startswith("days/")
        and f'"{aid}":["A new title"' in (warehouse / ROOM_DATA / new / k).read_text("utf-8")
    }
    assert citing  # the article's events are on the timeline
    per_file = {"index.js", "changes.js", "article-list.js", "sources.js", "map.js", "world.js"}
    assert rewritten == {article} | citing | per_file
    assert room.reused == len(after) - len(rewritten)
    # What was taken as it was is what a room written from nothing holds.
    kept = {k: (warehouse / ROOM_DATA / new / k).read_bytes() for k in after}
    index = _index_data(warehouse / ROOM_DATA / new / "index.js")
    assert build_reading_room(warehouse, force=True).reused == 0
    (whole,) = _generations(warehouse)
    for key in set(after) - {"index.js", "changes.js"}:  # these name their generation
        assert (warehouse / ROOM_DATA / whole / key).read_bytes() == kept[key], key
    # The index (its filters and day counts come from the days' cards, kept in brief for the
    # unchanged days) is the same but for its generation and time.
    assert index == _index_data(warehouse / ROOM_DATA / whole / "index.js")
    assert index["facets"] and index["days"]


def _index_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text[text.index(",") + 1 : text.rindex(")")])
    return {k: v for k, v in data.items() if k not in ("generation", "generated_at")}


def _map_by_reading_every_event(facts: Facts) -> dict:
    """The map as counting every located event in the events' order gives it."""
    points: dict = {}
    countries: Counter = Counter()
    for e in facts.rows(
        "SELECT * FROM room_events ORDER BY day NULLS LAST, article_id, start_char, event_id"
    ):
        if e["location_country"]:
            countries[e["location_country"]] += 1
        if e["latitude"] is None or e["longitude"] is None:
            continue
        key = (round(e["latitude"], 2), round(e["longitude"], 2))
        p = points.setdefault(key, {
            "lat": key[0], "lon": key[1], "label": e["location_text"] or e["location_country"],
            "country": e["location_country"], "precision": e["location_precision"], "n": 0,
            "types": Counter(), "events": [],
        })  # fmt: skip
        p["n"] += 1
        p["types"][e["event_type"]] += 1
        if e["location_text"] and e["location_basis"] == "stated":
            p["label"] = e["location_text"]
        if len(p["events"]) < 12:
            p["events"].append([e["event_id"], e["article_id"], e["event_type"], e["actor1"],
                                e["actor2"], e["trigger"], e["day"] and e["day"].isoformat()])  # fmt: skip
    out = sorted(points.values(), key=lambda p: -p["n"])
    for p in out:
        p["types"] = dict(p["types"].most_common())
    return {"points": out, "countries": dict(countries.most_common())}


def test_the_map_is_what_reading_every_event_gives(shipped_run, tmp_path):
    # DuckDB tallies exact coordinates, Python merges those that round to one point: move
    # every event to one of a few places that round alike, with stated and other places.
    warehouse = _warehouse(
        shipped_run,
        tmp_path / "wh",
        "UPDATE events SET latitude = 10.0 + (hash(event_id) % 7) * 0.001, "
        "longitude = 20.0 + (hash(event_id) % 3) * 0.004, "
        "location_basis = CASE WHEN hash(event_id) % 2 = 0 THEN 'stated' ELSE 'context' END "
        "WHERE location_text IS NOT NULL",
    )
    with Facts(warehouse) as facts:
        expected = _map_by_reading_every_event(facts)
        assert len(expected["points"]) >= 2 and max(p["n"] for p in expected["points"]) > 12
        assert map_page(facts) == expected


def test_speakers_are_what_counting_every_claim_gives(facts):
    claims = list(facts.rows("SELECT * FROM room_claims ORDER BY article_id, start_char"))
    by_speaker: dict = {}
    for c in claims:
        who = c["speaker_actor_id"] or (c["speaker_text"] or "(unnamed)").casefold()
        by_speaker.setdefault(f"anonymous|{who}" if c["anonymous"] else who, []).append(c)
    expected = []
    for key, rows in by_speaker.items():
        rows.sort(key=lambda c: c["published_date"] or dt.date.min, reverse=True)
        resolved = rows[0]["speaker"] or "(unnamed)"
        name = resolved
        if rows[0]["anonymous"]:
            words = Counter(c["speaker_text"] for c in rows if c["speaker_text"]).most_common(1)
            said = words[0][0] if words else resolved
            name = said if resolved.casefold() in said.casefold() else f"{said} ({resolved})"
        expected.append({
            "key": key, "name": name,
            "kind": Counter(c["speaker_kind"] for c in rows).most_common(1)[0][0],
            "anon": all(c["anonymous"] for c in rows), "n": len(rows),
            "stances": dict(Counter(c["stance"] for c in rows).most_common()),
            "outlets": sorted({c["outlet"] for c in rows if c["outlet"]}),
            "via": sorted({c["reported_via"] for c in rows if c["reported_via"]}),
            "claims": [c["claim_id"] for c in rows[:8]],
        })  # fmt: skip
    expected.sort(key=lambda s: (-s["n"], s["name"]))
    got = speakers(facts, limit=10**6)
    assert got["total"] == len(expected) > 3
    assert [{**s, "claims": [c["id"] for c in s["claims"]]} for s in got["rows"]] == expected
