"""The reading room's data without a browser: when a room is written, how it is swapped in,
what it calls new, and which claims it sets against each other."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.report import ROOM_INDEX, build_reading_room
from pipelines.report.changes import take_snapshot, whats_new
from pipelines.report.facts import Facts, read_facts
from pipelines.report.pages import timeline
from pipelines.report.room import ROOM_DATA
from pipelines.report.sources import contradictions
from pipelines.store import DUCKDB_FILE


@pytest.fixture(scope="module")
def facts(shipped_run) -> Facts:
    return read_facts(shipped_run[1])


def _without(facts: Facts, article_id: str) -> Facts:
    keep = pl.col("article_id") != article_id
    return Facts(
        articles=facts.articles.filter(keep),
        events=facts.events.filter(keep),
        claims=facts.claims.filter(keep),
        quantities=facts.quantities.filter(keep),
        clusters=facts.clusters,
    )


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


def test_what_is_new_is_what_the_previous_warehouse_lacked(facts, seed):
    aid = seed["articles"]["article_id"][0]
    before = _without(facts, aid)
    snapshot = take_snapshot(before, timeline(before), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    new = whats_new(snapshot, facts, timeline(facts))
    assert not new["first"] and new["since"] == "2026-01-01T00:00:00+00:00"
    assert [a[0] for a in new["articles"]["rows"]] == [aid]
    assert new["mentions"] == seed["events"].height
    assert new["claims"]["total"] == seed["claims"].height
    assert {c["id"] for c in new["claims"]["rows"]} == set(seed["claims"]["claim_id"])
    assert new["removed"] == {"articles": 0, "events": 0, "claims": 0}
    # And the other way: the seed's rows are gone.
    gone = whats_new(take_snapshot(facts, timeline(facts), dt.datetime.now(dt.UTC)), before,
                     timeline(before))  # fmt: skip
    assert gone["removed"]["articles"] == 1 and gone["articles"]["total"] == 0


def test_a_changed_toll_is_reported(facts):
    tl = timeline(facts)
    card = next(c for d in tl.day_order for c in tl.days[d] if c["tolls"])
    kind, value = next(iter(card["tolls"].items()))
    events = set(card["members"])
    lower = facts.quantities.with_columns(
        pl.when(pl.col("event_id").is_in(events) & (pl.col("kind") == kind))
        .then(pl.col("value") - 1)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    before = Facts(facts.articles, facts.events, facts.claims, lower, facts.clusters)
    snapshot = take_snapshot(before, timeline(before), dt.datetime.now(dt.UTC))
    changed = whats_new(snapshot, facts, tl)["tolls"]
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


def _many_denials(seed: int = 7) -> Facts:
    """Claims and events enough that every way of pairing finds many pairs, some of them
    twice (an event's pair also found in its article or through its actor), some undated."""
    rng = random.Random(seed)
    actors = ["A", "B", "C"]
    claims, events = [], []
    for i in range(400):
        article = f"art{i // 4:03d}"
        day = None if rng.random() < 0.05 else dt.date(2026, 1, 1) + dt.timedelta(rng.randrange(60))
        stance = rng.choice(["accuse", "assert", "deny", "reject", "neutral"])
        claims.append(
            {
                "claim_id": f"c{i:04d}", "article_id": article, "start_char": i % 4 * 10,
                "speaker_text": None, "speaker_actor_id": rng.choice([*actors, None]),
                "speaker": f"s{rng.randrange(5)}", "speaker_kind": "government",
                "anonymous": rng.random() < 0.2, "stance": stance,
                "content": rng.choice(["troops crossed border village", "border troops shelled"]),
                "direct_quote": False, "reported_via": None, "outlet": "o", "published_date": day,
            }
        )  # fmt: skip
        for _ in range(rng.randrange(3)):
            events.append(
                {
                    "event_type": rng.choice(["fight", "assault"]),
                    "actor1_id": rng.choice(actors), "actor1": "x",
                    "actor2_id": rng.choice([*actors, None]),
                    "modality": rng.choice(["asserted", "denied"]), "claim_id": f"c{i:04d}",
                    "day": day if rng.random() < 0.8 else None,
                }
            )  # fmt: skip
    empty = pl.DataFrame()
    return Facts(empty, pl.DataFrame(events), pl.DataFrame(claims), empty, empty)


@pytest.mark.parametrize("limit", [0, 1, 50])
def test_denials_past_the_listed_ones_are_counted_as_listing_them_would(limit):
    # Past the limit, pairs are counted by date without being built: the count must be the
    # number of distinct pairs that listing every one of them finds.
    facts = _many_denials()
    everything = contradictions(facts, limit=10**9)
    rows = everything["rows"]
    assert everything["total"] == len(rows) > 1000
    assert len({(p["accusation"]["id"], p["denial"]["id"]) for p in rows}) == len(rows)
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
