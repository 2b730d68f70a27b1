"""What is new since the previous run: each reading room keeps a snapshot of what the
warehouse held (ids of articles, events and claims as Parquet files; the tolls of events and
running totals), and the next room compares the warehouse with the snapshot of the last
different warehouse.

Ids are stable (hashes of article and span), so an id not in the snapshot is a row the
previous run did not have; DuckDB sets the warehouse's ids against the snapshot's, so that
neither is held in Python. Event clusters are matched through their members, since a
cluster's id can change when an article joins it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.report.facts import CLAIM_COLUMNS, Facts
from pipelines.report.pages import LIST_LIMIT, Row, Timeline, claim_brief, first_n, iso, public

Snapshot = dict[str, Any]  # taken_at, running totals, and the folder of the ids and tolls
ID_TABLES = {"articles": "article_id", "events": "event_id", "claims": "claim_id"}


def take_snapshot(
    facts: Facts,
    tl: Timeline,
    taken_at: dt.datetime,
    snapshots: Path,
    name: str,
    previous: Snapshot | None,
) -> Snapshot:
    """Write the warehouse's ids and the events' tolls into snapshots/name; what the room's
    record keeps of them. The tolls of days not built this time (tl.briefs) are those of the
    previous snapshot, which an unchanged day is taken from."""
    folder = snapshots / name
    building = folder.with_name(f".{folder.name}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    for table, column in ID_TABLES.items():
        ids = facts.con.sql(f"SELECT {column} FROM {table}").fetch_arrow_table()
        pq.write_table(ids.rename_columns(["id"]), building / f"{table}.parquet")
    tolls = pa.Table.from_pylist(
        [
            {"day": day, "members": brief["members"], "tolls": json.dumps(brief["tolls"])}
            for day, briefs in tl.briefs.items()
            for brief in briefs
            if brief["tolls"]
        ],
        schema=_TOLLS,
    )
    kept = [day for day in tl.day_order if day not in tl.briefs]
    if kept and previous:
        old = pq.read_table(snapshots / previous["folder"] / "tolls.parquet")
        tolls = pa.concat_tables(
            [old.filter(pc.is_in(old["day"], pa.array(kept, pa.string()))), tolls]
        )
    pq.write_table(tolls, building / "tolls.parquet")
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return {"taken_at": iso(taken_at), "running": running_totals(facts), "folder": folder.name}


_TOLLS = pa.schema(
    [("day", pa.string()), ("members", pa.list_(pa.string())), ("tolls", pa.string())]
)


def running_totals(facts: Facts) -> dict[str, float]:
    """The largest figure of each running total, by kind, period and country ("killed since
    september (VEN)"): the same tally as the stories give it, run after run."""
    out: dict[str, float] = {}
    for kind, scope_text, value, where in facts.con.execute(
        """
        SELECT q.kind, q.scope_text, q.value, e.location_country
        FROM quantities AS q LEFT JOIN events AS e ON e.event_id = q.event_id
        WHERE q.scope = 'cumulative'
        ORDER BY q.article_id, q.start_char, q.quantity_id
        """
    ).fetchall():
        period = (scope_text or "").casefold().strip()
        key = f"{kind} {period}".strip() + (f" ({where})" if where else "")
        out[key] = max(out.get(key, 0.0), float(value))
    return out


def whats_new(previous: Snapshot | None, snapshots: Path, facts: Facts, tl: Timeline) -> Row:
    """New articles, event clusters with a new mention, new claims, rows gone, and tolls and
    running totals whose figure changed. With no previous snapshot everything is new.
    `snapshots`: the folder of the snapshots' folders."""
    folder = snapshots / previous["folder"] if previous else None
    for table in ID_TABLES:
        old = pq.read_table(folder / f"{table}.parquet") if folder else _no_ids()
        facts.con.register(f"old_{table}", old)
    new_articles = """
        SELECT article_id FROM articles ANTI JOIN old_articles AS o ON o.id = article_id
    """
    articles = [
        [a["article_id"], a["title"], a["outlet"], iso(a["published_date"]), iso(a["ingested_at"])]
        for a in facts.rows(
            "SELECT article_id, title, outlet, published_date, ingested_at FROM articles "
            f"WHERE article_id IN ({new_articles}) "
            "ORDER BY ingested_at DESC NULLS LAST, published_date DESC NULLS LAST, article_id "
            "LIMIT ?",
            [LIST_LIMIT],
        )
    ]  # fmt: skip
    n_articles = facts.value(f"SELECT count(*) FROM ({new_articles})")
    new_events: dict[str, int] = dict(
        facts.con.execute(
            "SELECT cluster_id, count(*) FROM events ANTI JOIN old_events AS o ON o.id = event_id "
            "GROUP BY cluster_id"
        ).fetchall()
    )
    # A day taken from the previous room has no new mention: only the days built hold any.
    events = [
        public(brief, new=new_events[brief["id"]])
        for day in reversed(tl.day_order)
        for brief in tl.briefs.get(day, [])
        if brief["id"] in new_events
    ]
    new_claims = "SELECT claim_id FROM claims ANTI JOIN old_claims AS o ON o.id = claim_id"
    claims = [
        claim_brief(c)
        for c in facts.rows(
            f"SELECT {', '.join(CLAIM_COLUMNS)} FROM room_claims "
            f"WHERE claim_id IN ({new_claims}) "
            "ORDER BY published_date DESC NULLS LAST, article_id, start_char, claim_id LIMIT ?",
            [LIST_LIMIT],
        )
    ]
    removed = {
        table: facts.value(
            f"SELECT count(*) FROM old_{table} ANTI JOIN {table} AS t ON t.{column} = id"
        )
        for table, column in ID_TABLES.items()
    }
    n_claims = facts.value(f"SELECT count(*) FROM ({new_claims})")
    for table in ID_TABLES:
        facts.con.unregister(f"old_{table}")
    return {
        "since": previous.get("taken_at") if previous else None,
        "first": previous is None,
        "articles": {"total": n_articles, "rows": articles},
        "events": first_n(events),
        "claims": {"total": n_claims, "rows": claims},
        "mentions": sum(new_events.values()),
        "removed": removed,
        "tolls": changed_tolls(folder / "tolls.parquet" if folder else None, tl),
        "running": changed_running(previous["running"] if previous else {}, running_totals(facts)),
    }


def _no_ids() -> pa.Table:
    return pa.table({"id": pa.array([], pa.string())})


def changed_tolls(old_tolls: Path | None, tl: Timeline) -> list[Row]:
    """Events whose toll changed: each cluster now set against the earlier cluster that
    shares most of its mentions. Only the days built this time can hold one (a day taken
    from the previous room has that room's clusters), so only the earlier clusters that
    share a mention with those days are read from the snapshot."""
    members = [m for briefs in tl.briefs.values() for brief in briefs for m in brief["members"]]
    owner: dict[str, int] = {}
    old: dict[int, dict[str, int]] = {}
    if old_tolls is not None and members:
        table = pq.read_table(old_tolls)
        entries = pa.array(range(table.num_rows), pa.int64())
        flat = pa.table(
            {
                "member": pc.list_flatten(table["members"]),
                "entry": pc.take(entries, pc.list_parent_indices(table["members"])),
            }
        )
        hits = flat.filter(pc.is_in(flat["member"], pa.array(members, pa.string())))
        owner = dict(zip(hits["member"].to_pylist(), hits["entry"].to_pylist(), strict=True))
        tolls = table["tolls"]
        old = {i: json.loads(tolls[i].as_py()) for i in set(owner.values())}
    out = []
    for day in tl.day_order:
        for brief in tl.briefs.get(day, []):
            shared = Counter(owner[m] for m in brief["members"] if m in owner)
            if not shared:
                continue
            was, now = old[shared.most_common(1)[0][0]], brief["tolls"]
            for kind in sorted(set(was) | set(now)):
                if was.get(kind) != now.get(kind):
                    out.append(public(brief, kind=kind, before=was.get(kind), after=now.get(kind)))
    return out


def changed_running(old: dict[str, float], new: dict[str, float]) -> list[Row]:
    return [
        {"total": key, "before": old[key], "after": value}
        for key, value in sorted(new.items())
        if key in old and old[key] != value
    ]
