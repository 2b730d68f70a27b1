"""What the reading room shows, read from the warehouse (DuckDB, read-only) as it is needed.

Nothing here holds a whole table: DuckDB joins each row with what a reader wants next to it
(actor names, the article's title and outlet, the claim an event rests on, its figures),
digests the rows behind each day and article file, and hands Python one batch of days or
articles at a time. Shaping rows into pages is pages.py's work."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.store.warehouse import DUCKDB_FILE, SANDBOXED

UNDATED = "undated"  # the day key of events with neither an event nor a publication date
BATCH_ROWS = 10_000  # rows handed from DuckDB to Python at a time
BATCH_MENTIONS = 50_000  # a day page's rows are read for this many mentions at a time
# DuckDB's own share: past it, sorts and joins spill to a folder beside the warehouse file.
DUCKDB_MEMORY = "512MB"

Row = dict[str, Any]

# Every event mention with its actors' names, its article's title, outlet and publication
# date, and the day it is shown on: its own date, else its article's (the basis says which).
_EVENTS = """
CREATE TEMP VIEW room_events AS
SELECT
    e.*,
    coalesce(n1.name, e.actor1_text) AS actor1,
    coalesce(n2.name, e.actor2_text) AS actor2,
    a.published_date, a.title, a.outlet,
    coalesce(e.event_date, a.published_date) AS day
FROM events AS e
JOIN articles AS a USING (article_id)
LEFT JOIN actors AS n1 ON n1.actor_id = e.actor1_id
LEFT JOIN actors AS n2 ON n2.actor_id = e.actor2_id
"""

_CLAIMS = """
CREATE TEMP VIEW room_claims AS
SELECT
    c.*, coalesce(n.name, c.speaker_text) AS speaker, a.outlet, a.published_date
FROM claims AS c
JOIN articles AS a USING (article_id)
LEFT JOIN actors AS n ON n.actor_id = c.speaker_actor_id
"""

# The day each event (cluster) is shown on: its date, else its earliest mention's day. One
# row per cluster, so that a day's mentions are found without sorting every mention.
_CARD_DAYS = f"""
CREATE TEMP TABLE room_card_days AS
SELECT
    e.cluster_id,
    coalesce(any_value(k.event_date), min(e.day)) AS card_day,
    coalesce(strftime(coalesce(any_value(k.event_date), min(e.day)), '%Y-%m-%d'),
             '{UNDATED}') AS day_key
FROM room_events AS e
LEFT JOIN event_clusters AS k ON k.cluster_id = e.cluster_id
GROUP BY e.cluster_id
"""

# What a card shows of an event mention, and what a claim beside it shows.
EVENT_COLUMNS = [
    "event_id", "article_id", "cluster_id", "trigger", "event_type", "event_mode", "quad_class",
    "actor1_text", "actor1_id", "actor1", "actor2_text", "actor2_id", "actor2", "event_date",
    "date_end", "date_precision", "date_basis", "date_text", "location_text",
    "location_country", "location_basis", "location_precision", "modality", "claim_id",
    "confidence", "day",
]  # fmt: skip
CLAIM_COLUMNS = [
    "claim_id", "article_id", "start_char", "speaker_text", "speaker_actor_id", "speaker",
    "speaker_kind", "anonymous", "stance", "content", "direct_quote", "reported_via", "outlet",
    "published_date",
]  # fmt: skip
TOLL_COLUMNS = ["kind", "value", "qualifier", "text", "scope", "scope_text"]
CLUSTER_COLUMNS = [
    "cluster_id", "event_type", "mentions", "articles", "outlets", "outlet_names", "first_seen",
    "last_seen", "event_date", "actor1_id", "actor2_id", "location_country", "on_record",
    "anonymous_only",
]  # fmt: skip


def _struct(alias: str, columns: list[str]) -> str:
    return "struct_pack(" + ", ".join(f"{c} := {alias}.{c}" for c in columns) + ")"


_ARTICLE_COLUMNS = ["title", "outlet", "published_date"]


def _set_digest(h: str) -> str:
    """A digest of a set of row hashes, whatever their order (the rows' order on a page
    follows from their contents), kept in a few numbers rather than a list per group."""
    return f"md5(concat_ws('|', count(*), bit_xor({h}), sum({h}::HUGEINT)))"


# A day page is made of exactly these rows: each mention with its card's day, its claim,
# its figures, its cluster and its article's title. Its digest joins their hashes (not the
# rows: the claims' texts would be held for the join).
_DAY_DIGESTS = f"""
WITH ch AS (SELECT claim_id, hash({_struct("c", CLAIM_COLUMNS)}) AS h FROM room_claims AS c),
     th AS (SELECT event_id, {_set_digest("hash(" + _struct("q", TOLL_COLUMNS) + ")")} AS h
            FROM quantities AS q WHERE event_id IS NOT NULL GROUP BY event_id),
     kh AS (SELECT cluster_id, hash({_struct("k", CLUSTER_COLUMNS)}) AS h
            FROM event_clusters AS k)
SELECT d.day_key, count(*) AS n,
       {_set_digest(f"hash({_struct('e', EVENT_COLUMNS + _ARTICLE_COLUMNS)}, ch.h, th.h, kh.h)")}
           AS digest
FROM room_events AS e
JOIN room_card_days AS d ON d.cluster_id IS NOT DISTINCT FROM e.cluster_id
LEFT JOIN ch ON ch.claim_id = e.claim_id
LEFT JOIN th ON th.event_id = e.event_id
LEFT JOIN kh ON kh.cluster_id = e.cluster_id
GROUP BY d.day_key, d.card_day
ORDER BY d.card_day NULLS LAST
"""

# The rows of the days in room_days: the day's events first (few), then only their claims
# and figures, so that no whole table is held for a join. Their clusters are read apart
# (_DAY_CLUSTERS), once per cluster rather than once per mention.
_MENTIONS = f"""
WITH ev AS MATERIALIZED (
    SELECT d.day_key, d.card_day, e.*
    FROM room_events AS e
    JOIN (SELECT * FROM room_card_days WHERE day_key IN (SELECT day_key FROM room_days)) AS d
      ON d.cluster_id IS NOT DISTINCT FROM e.cluster_id
),
cl AS (SELECT * FROM room_claims WHERE claim_id IN (SELECT claim_id FROM ev)),
tolls AS (
    SELECT event_id,
           list({_struct("q", TOLL_COLUMNS)} ORDER BY q.start_char, q.quantity_id) AS tolls
    FROM quantities AS q
    WHERE event_id IN (SELECT event_id FROM ev)
    GROUP BY event_id
)
SELECT
    e.day_key, e.card_day,
    {", ".join(f"e.{c}" for c in EVENT_COLUMNS)},
    e.start_char, e.title, e.outlet AS article_outlet, e.published_date AS article_published,
    CASE WHEN c.claim_id IS NOT NULL THEN {_struct("c", CLAIM_COLUMNS)} END AS claim,
    t.tolls
FROM ev AS e
LEFT JOIN cl AS c ON c.claim_id = e.claim_id
LEFT JOIN tolls AS t ON t.event_id = e.event_id
-- within a day, mentions in the order of their own day, then article and place in it
ORDER BY e.card_day NULLS LAST, e.day NULLS LAST, e.article_id, e.start_char, e.event_id
"""

# The clusters whose cards are on the days in room_days.
_DAY_CLUSTERS = f"""
SELECT {", ".join(CLUSTER_COLUMNS)}
FROM event_clusters
WHERE cluster_id IN (
    SELECT cluster_id FROM room_card_days WHERE day_key IN (SELECT day_key FROM room_days)
)
"""

# An article page is made of its row and its own rows in the other tables (no joined names).
# The article's row is hashed before the join: joined whole, the texts went with it into
# the join (past DuckDB's 512 MB at 100,000 articles, which the join could not spill).
_ARTICLE_DIGESTS = f"""
WITH e AS (SELECT article_id, {_set_digest("hash(e)")} AS h FROM events AS e GROUP BY 1),
     c AS (SELECT article_id, {_set_digest("hash(c)")} AS h FROM claims AS c GROUP BY 1),
     q AS (SELECT article_id, {_set_digest("hash(q)")} AS h FROM quantities AS q GROUP BY 1)
SELECT a.article_id,
       md5(concat_ws('|', a.h, e.h, c.h, q.h)) AS digest
FROM (SELECT article_id, hash(a) AS h FROM articles AS a) AS a
LEFT JOIN e USING (article_id)
LEFT JOIN c USING (article_id)
LEFT JOIN q USING (article_id)
"""


class Facts:
    """The warehouse opened read-only (sandboxed like `eventwire sql`: no other file or
    network), with the room's views over it. Use as a context manager."""

    def __init__(self, warehouse_dir: Path | str):
        path = Path(warehouse_dir) / DUCKDB_FILE
        config = SANDBOXED | {"memory_limit": DUCKDB_MEMORY}
        self.con = duckdb.connect(str(path), read_only=True, config=config)
        # Speakers are told apart as Python folds case ("Straße" and "STRASSE" are one).
        self.con.create_function("casefold", _casefold, ["VARCHAR"], "VARCHAR")
        for statement in (_EVENTS, _CLAIMS, _CARD_DAYS):
            self.con.execute(statement)

    def __enter__(self) -> Facts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    def rows(self, sql: str, params: list | None = None) -> Iterator[Row]:
        """The query's rows as dicts, a batch at a time."""
        reader = self.con.sql(sql, params=params or None).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            yield from batch.to_pylist()

    def value(self, sql: str, params: list | None = None) -> Any:
        return self.con.execute(sql, params or []).fetchall()[0][0]

    def register(self, name: str, column: str, values: Iterable[Any]) -> None:
        """A one-column table of values the next queries can join with."""
        self.con.register(name, pa.table({column: pa.array(list(values), pa.string())}))

    def day_digests(self) -> dict[str, tuple[str, int]]:
        """day (as the timeline keys it) -> (digest of the rows its page is made from, its
        mentions), in the timeline's day order (undated last)."""
        return {d: (digest, n) for d, n, digest in self.con.execute(_DAY_DIGESTS).fetchall()}

    def article_digests(self) -> Iterator[tuple[str, str]]:
        """(article_id, digest of the rows its page is made from)."""
        reader = self.con.sql(_ARTICLE_DIGESTS).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            yield from zip(
                batch.column("article_id").to_pylist(),
                batch.column("digest").to_pylist(),
                strict=True,
            )

    def mentions_by_day(self, days: list[str], sizes: dict[str, int]) -> Iterator[list[Row]]:
        """The mentions of each of `days` (given in the timeline's order), one day's list at
        a time; days are read in batches of about BATCH_MENTIONS mentions."""
        batches: list[list[str]] = []
        rows = 0
        for day in days:
            if not batches or rows + sizes[day] > BATCH_MENTIONS:
                batches.append([])
                rows = 0
            batches[-1].append(day)
            rows += sizes[day]
        for batch in batches:
            self.register("room_days", "day_key", batch)
            by_day: dict[str, list[Row]] = {day: [] for day in batch}
            # One dict per cluster, shared by its mentions (converting it from Arrow once
            # per mention was half the conversion's cost).
            clusters = {k["cluster_id"]: k for k in self.rows(_DAY_CLUSTERS)}
            for row in self.rows(_MENTIONS):
                row["cluster"] = clusters.get(row["cluster_id"])
                by_day[row["day_key"]].append(row)
            self.con.unregister("room_days")
            for day in batch:
                yield by_day.pop(day)


def _casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()
