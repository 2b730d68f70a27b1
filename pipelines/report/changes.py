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
import pyarrow.parquet as pq

from pipelines.report.facts import CLAIM_COLUMNS, Facts
from pipelines.report.pages import LIST_LIMIT, Row, Timeline, claim_brief, first_n, iso, public
from pipelines.store.atomic import write_bytes_atomic

Snapshot = dict[str, Any]  # taken_at, running totals, and the folder of the ids and tolls
ID_TABLES = {"articles": "article_id", "events": "event_id", "claims": "claim_id"}


def take_snapshot(facts: Facts, tl: Timeline, taken_at: dt.datetime, folder: Path) -> Snapshot:
    """Write the warehouse's ids and the events' tolls into `folder` (a new one, named by
    the room's generation); what the room's record keeps of them."""
    building = folder.with_name(f".{folder.name}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    for table, column in ID_TABLES.items():
        ids = facts.con.sql(f"SELECT {column} FROM {table}").fetch_arrow_table()
        pq.write_table(ids.rename_columns(["id"]), building / f"{table}.parquet")
    tolls = [
        {"members": brief["members"], "tolls": brief["tolls"]}
        for day in tl.day_order
        for brief in tl.days[day]
        if brief["tolls"]
    ]
    write_bytes_atomic(building / "tolls.json", json.dumps(tolls, separators=(",", ":")).encode())
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return {"taken_at": iso(taken_at), "running": running_totals(facts), "folder": folder.name}


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
    events = [
        public(brief, new=new_events[brief["id"]])
        for day in reversed(tl.day_order)
        for brief in tl.days[day]
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
    old_tolls = json.loads((folder / "tolls.json").read_bytes()) if folder else []
    return {
        "since": previous.get("taken_at") if previous else None,
        "first": previous is None,
        "articles": {"total": n_articles, "rows": articles},
        "events": first_n(events),
        "claims": {"total": n_claims, "rows": claims},
        "mentions": sum(new_events.values()),
        "removed": removed,
        "tolls": changed_tolls(old_tolls, tl),
        "running": changed_running(previous["running"] if previous else {}, running_totals(facts)),
    }


def _no_ids() -> pa.Table:
    return pa.table({"id": pa.array([], pa.string())})


def changed_tolls(old: list[Row], tl: Timeline) -> list[Row]:
    """Events whose toll changed: each cluster now set against the earlier cluster that
    shares most of its mentions."""
    owner: dict[str, int] = {}
    for i, entry in enumerate(old):
        for member in entry["members"]:
            owner[member] = i
    out = []
    for day in tl.day_order:
        for brief in tl.days[day]:
            shared = Counter(owner[m] for m in brief["members"] if m in owner)
            if not shared:
                continue
            was, now = old[shared.most_common(1)[0][0]]["tolls"], brief["tolls"]
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
