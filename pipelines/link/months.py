"""Linking over the tables' month parts, so that no step holds every mention at once.

clusters.py links tables held whole; here the same joins are made from the staged parts
(state/staged/extracted_events|claims/month=.../part-0.parquet) and the linked tables are
handed back a month at a time (`LinkedTable.parts`, computed when asked for), with the
cluster tables, which are much smaller, whole.

- A full link writes what linking compares of each month's mentions to a work folder, has
  DuckDB sort them all (out of core, its memory capped) and streams them through the window
  pass of clusters.py, joining row positions in an array (a string id per joined mention
  held 0.7 GB at 200,000 articles). A cluster's id is then its smallest member id, as in
  clusters.py. The cluster rows are made in buckets of a hash of the cluster id: each
  month's members are written to their buckets, then one bucket at a time is aggregated.
- A relink (articles only added since the last link, see incremental.py for why that is
  enough) reads the previous cluster ids (two columns of the linked table) and the mentions
  near the added ones' days, links the pairs with a new mention, and rewrites only the
  months in which a row's cluster id changed or an article was added, and the clusters the
  pass touched.

Both give the tables clusters.py gives over the whole tables (tests/link/test_link_months.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.link.clusters import (
    _CLAIM_FIELDS,
    _EVENT_FIELDS,
    CLAIM_MEMBER_FIELDS,
    CLAIM_ORDER,
    CLAIM_SPAN,
    CLAIM_WINDOW,
    EVENT_MEMBER_FIELDS,
    EVENT_ORDER,
    EVENT_SPAN,
    PUBLISHED_WINDOW,
    _claim_rows,
    _event_rows,
    _UnionFind,
    claim_cluster_rows,
    claim_members,
    component_spans,
    event_cluster_rows,
    event_members,
    join_claims,
    join_events,
)
from pipelines.store.parquet import TableFiles, article_months

# Mentions per cluster bucket (each bucket's members are held while it is aggregated).
BUCKET_ROWS = 250_000
BATCH_ROWS = 50_000  # rows fetched from DuckDB's sort at a time
DUCKDB_MEMORY = "256MB"  # DuckDB spills its sort to the work folder past this


class NotAnUpdate(ValueError):
    """The previous link does not cover exactly the mentions outside the added articles."""


@dataclass
class LinkedTable:
    """A linked table: `parts` gives each month's rows when asked (the months to write;
    with `whole`, the table's other months are gone), `clusters` its cluster table whole."""

    parts: Mapping[str, pl.DataFrame]
    whole: bool
    clusters: pl.DataFrame
    # id -> component (the smallest id it is joined to) of every mention joined to a smaller
    # one: what a later relink starts from (a cluster is a span of its component's days).
    components: pl.DataFrame


@dataclass(frozen=True)
class _Kind:
    source: str  # the staged table
    id_col: str
    cluster_col: str
    fields: tuple[str, ...]  # what the compare rows are made from
    order: list[str]
    window: int
    span: int


EVENTS = _Kind(
    "extracted_events",
    "event_id",
    "cluster_id",
    _EVENT_FIELDS,
    EVENT_ORDER,
    PUBLISHED_WINDOW,
    EVENT_SPAN,
)
CLAIMS = _Kind(
    "extracted_claims",
    "claim_id",
    "claim_cluster_id",
    _CLAIM_FIELDS,
    CLAIM_ORDER,
    CLAIM_WINDOW,
    CLAIM_SPAN,
)


class _ArrayUnionFind:
    """Components over row positions 0..n-1, in an array of machine integers (8 bytes a
    mention; a Python list would hold an object per mention, numpy is slow one item at a
    time)."""

    def __init__(self, n: int) -> None:
        self.parent = array("q", range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def roots(self) -> np.ndarray:
        parent = np.frombuffer(self.parent, dtype=np.int64).copy()
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                return parent
            parent = up


# -- a full link --------------------------------------------------------------------------


def link_claims(staged: TableFiles, meta: pl.DataFrame, work: Path) -> LinkedTable:
    """The claims linked over every article, a month at a time."""
    meta = meta.select("article_id", "outlet", "published_date")
    return _link_all(
        CLAIMS,
        staged,
        work,
        rows_of=lambda part: _claim_rows(part, meta, whole=False),
        members_of=lambda rows, month: claim_members(rows, meta),
        aggregate=claim_cluster_rows,
    )


def link_events(staged: TableFiles, meta: pl.DataFrame, work: Path) -> LinkedTable:
    """The events linked over every article, a month at a time."""
    meta = meta.select("article_id", "outlet", "published_date")
    return _link_all(
        EVENTS,
        staged,
        work,
        rows_of=lambda part: _event_rows(part, meta, whole=False),
        members_of=lambda rows, month: event_members(rows, _anonymity(staged, [month]), meta),
        aggregate=event_cluster_rows,
    )


def _link_all(kind: _Kind, staged: TableFiles, work: Path, *, rows_of, members_of, aggregate):
    """rows_of(a month's staged rows): what linking compares of them; members_of(a month's
    rows with their cluster ids, the month): what their clusters' rows are made from."""
    name = kind.source.removeprefix("extracted_")
    mapping, components = _full_mapping(kind, staged, rows_of, work / name)
    months = list(staged.months(kind.source))
    fields = EVENT_MEMBER_FIELDS if kind is EVENTS else CLAIM_MEMBER_FIELDS
    clusters = _bucketed_clusters(
        months,
        lambda month: members_of(
            _with_clusters(_read(staged, kind.source, month, fields), kind, mapping), month
        ),
        kind.cluster_col,
        aggregate,
        work / f"{name}-buckets",
        _bucket_count(staged, kind.source),
    )
    return LinkedTable(_Months(staged, kind, months, mapping), True, clusters, components)


def _full_mapping(
    kind: _Kind, staged: TableFiles, rows_of: Callable[[pl.DataFrame], pl.DataFrame], work: Path
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """id -> cluster id of every mention not its own cluster (the others are alone, or give
    their cluster its id), and id -> component of every mention not its component's id."""
    import duckdb

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    paths = []
    for i, month in enumerate(staged.months(kind.source)):
        rows = rows_of(_read(staged, kind.source, month, list(kind.fields)))
        path = work / f"rows-{i}.parquet"
        rows.write_parquet(path)
        paths.append(str(path))
    con = duckdb.connect(str(work / "sort.duckdb"))
    try:
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        con.execute("SET temp_directory = ?", [str(work / "spill")])
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        comparable = "day IS NULL" if kind is EVENTS else "false"
        order = ", ".join(f'"{c}"' for c in kind.order)
        con.execute(
            "CREATE TABLE r AS SELECT *, row_number() OVER "
            f"(ORDER BY {comparable}, {order}) - 1 AS pos FROM read_parquet(?)",
            [paths],
        )
        n = con.execute("SELECT count(*) FROM r").fetchall()[0][0]
        uf = _ArrayUnionFind(n)
        if kind is EVENTS:
            query = (
                "SELECT r.*, m.pos AS mention_pos FROM r LEFT JOIN r AS m "
                "ON m.event_id = r.mention_of ORDER BY r.pos"
            )
        else:
            query = "SELECT * FROM r ORDER BY pos"
        reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
        if kind is EVENTS:
            join_events(_event_stream(reader, uf), uf)
        else:
            join_claims(_claim_stream(reader), uf)
        del reader
        # The ids in position order, read on their own: a column kept from the batches above
        # keeps every column of its batch (DuckDB hands them over in one block of strings),
        # 520 MB more at 200,000 articles.
        ids = con.sql(f'SELECT "{kind.id_col}", day FROM r ORDER BY pos').to_arrow_table()
    finally:
        con.close()
    roots = uf.roots()
    del uf
    frame = pl.from_arrow(ids).rename({kind.id_col: "id"}).with_columns(root=pl.Series(roots))
    del ids, roots
    shutil.rmtree(work, ignore_errors=True)
    frame = frame.with_columns(component=pl.col("id").min().over("root")).drop("root")
    frame = frame.with_columns(cluster=component_spans(frame, kind.span))
    components = frame.filter(pl.col("component") != pl.col("id")).select("id", "component")
    mapping = frame.filter(pl.col("cluster") != pl.col("id")).select("id", "cluster")
    return mapping, components


def _event_stream(reader, uf: _ArrayUnionFind) -> Iterator[dict]:
    """Each comparable mention as a dict whose event_id is its position; a mention that
    points at an earlier one in its article is joined to it on the way."""
    for batch in reader:
        frame = pl.from_arrow(batch)
        rows = frame.with_columns(pl.col("pos").alias("event_id")).drop("pos")
        for row in rows.iter_rows(named=True):
            if row["day"] is None:
                continue  # no day: never compared, and it follows every mention with one
            if row["mention_pos"] is not None:
                uf.union(row["mention_pos"], row["event_id"])
            yield row


def _claim_stream(reader) -> Iterator[tuple]:
    for batch in reader:
        frame = pl.from_arrow(batch)
        yield from frame.select("speaker_key", "day", "pos", "article_id", "content").iter_rows()


def _anonymity(staged: TableFiles, months: list[str]) -> pl.DataFrame:
    """Whether each claim of these months is anonymous (what an event cluster asks of the
    claims its mentions rest on, which are in the same articles)."""
    claims = staged.read_months(CLAIMS.source, months, columns=["claim_id", "anonymous"])
    if claims is None:  # months with events and no claims
        return pl.DataFrame(schema={"claim_id": pl.String, "anonymous": pl.Boolean})
    return claims


def _bucket_count(staged: TableFiles, table: str) -> int:
    return max(1, -(-staged.row_count(table) // BUCKET_ROWS))


def _bucketed_clusters(
    months: list[str],
    members_of: Callable[[str], pl.DataFrame],
    cluster_col: str,
    aggregate: Callable[[pl.DataFrame], pl.DataFrame],
    work: Path,
    buckets: int,
) -> pl.DataFrame:
    """The cluster table, made a bucket of clusters at a time: each month's members are
    written to the buckets of their clusters, then each bucket is aggregated."""
    if buckets == 1:
        frames = [members_of(m) for m in months]
        if not frames:
            raise ValueError("no month to link: the staged table has no part")
        return aggregate(pl.concat(frames))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    bucket = (pl.col(cluster_col).hash(seed=7) % buckets).alias("_bucket")
    for i, month in enumerate(months):
        members = members_of(month).with_columns(bucket)
        for (b,), rows in members.partition_by("_bucket", as_dict=True).items():
            rows.drop("_bucket").write_parquet(work / f"b{b}-m{i}.parquet")
        del members
    tables = []
    for b in range(buckets):
        paths = sorted(work.glob(f"b{b}-m*.parquet"))
        if paths:
            tables.append(aggregate(pl.read_parquet(paths)))
    shutil.rmtree(work, ignore_errors=True)
    return pl.concat(tables).sort(cluster_col)


# -- a relink -----------------------------------------------------------------------------


def relink_claims(
    staged: TableFiles,
    files: TableFiles,
    meta: pl.DataFrame,
    added: set[str],
    components: pl.DataFrame,
) -> LinkedTable:
    """The claims linked again after the articles in `added` were extracted, from the last
    link's tables in `files` and its `components` (LinkedTable.components)."""
    meta = meta.select("article_id", "outlet", "published_date")

    def near(lo: dt.date, hi: dt.date) -> pl.Expr:
        return pl.col("article_id").is_in(_published_between(meta, lo, hi))

    def days_of(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.select("claim_id", "article_id").join(
            meta.select("article_id", day="published_date"), on="article_id", how="left"
        )

    return _relink(
        CLAIMS,
        staged,
        files,
        meta,
        added,
        components,
        rows_of=lambda some: _claim_rows(some, meta),
        days_of=days_of,
        near=near,
        link=lambda rows, uf, fresh: join_claims(rows.iter_rows(), uf, fresh),
        members_of=lambda rows, months: claim_members(rows, meta),
        member_fields=CLAIM_MEMBER_FIELDS,
        table="claims",
        cluster_table="claim_clusters",
        aggregate=claim_cluster_rows,
    )


def relink_events(
    staged: TableFiles,
    files: TableFiles,
    meta: pl.DataFrame,
    added: set[str],
    components: pl.DataFrame,
) -> LinkedTable:
    """The events linked again after the articles in `added` were extracted."""
    meta = meta.select("article_id", "outlet", "published_date")

    def near(lo: dt.date, hi: dt.date) -> pl.Expr:
        # a mention's day is its own date or its article's publication date
        return pl.col("event_date").is_between(lo, hi) | pl.col("article_id").is_in(
            _published_between(meta, lo, hi)
        )

    def link(rows: pl.DataFrame, uf, fresh) -> None:
        for event_id, first in rows.select("event_id", "mention_of").drop_nulls().iter_rows():
            uf.union(first, event_id)
        join_events(rows.iter_rows(named=True), uf, fresh)

    def members_of(rows: pl.DataFrame, months: list[str]) -> pl.DataFrame:
        return event_members(rows, _anonymity(staged, months), meta)

    return _relink(
        EVENTS,
        staged,
        files,
        meta,
        added,
        components,
        rows_of=lambda some: _event_rows(some, meta),
        days_of=lambda rows: _event_rows(rows, meta, whole=False),
        near=near,
        link=link,
        members_of=members_of,
        member_fields=EVENT_MEMBER_FIELDS,
        table="events",
        cluster_table="event_clusters",
        aggregate=event_cluster_rows,
    )


def _relink(
    kind: _Kind,
    staged: TableFiles,
    files: TableFiles,
    meta: pl.DataFrame,
    added: set[str],
    components: pl.DataFrame,
    *,
    rows_of,
    days_of,
    near,
    link,
    members_of,
    member_fields: list[str],
    table: str,
    cluster_table: str,
    aggregate,
) -> LinkedTable:
    id_col, cluster_col = kind.id_col, kind.cluster_col
    month_of = article_months(meta)
    added_list = sorted(added)
    is_new = pl.col("article_id").is_in(added_list)
    new_months = sorted(
        set(month_of.filter(pl.col("article_id").is_in(added_list))["month"].to_list())
    )
    previous = files.read(table, columns=[id_col, cluster_col, "article_id"])
    new = staged.read_months(kind.source, new_months, columns=list(kind.fields))
    new = new.filter(is_new) if new is not None else _staged_empty(kind, staged)
    total = staged.row_count(kind.source)
    if total - new.height != previous.height:
        raise NotAnUpdate(
            f"the previous {cluster_col}s ({previous.height}) are not those of the other "
            f"{total - new.height} mentions"
        )
    # Every mention: its cluster and component before (a new one: alone), and its month.
    ids = (
        pl.concat(
            [
                previous.select(id_col, "article_id", before=pl.col(cluster_col)),
                new.select(id_col, "article_id", before=pl.col(id_col)),
            ]
        )
        .join(
            components.select(pl.col("id").alias(id_col), "component"),
            on=id_col,
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("component").fill_null(pl.col(id_col)))
        .join(month_of, on="article_id", how="left", maintain_order="left")
        .drop("article_id")
    )
    del previous
    new_days = rows_of(new)["day"]
    uf = _UnionFind()
    if new_days.len():
        lo = new_days.min() - dt.timedelta(days=kind.window)
        hi = new_days.max() + dt.timedelta(days=kind.window)
        nearby = (
            pl.scan_parquet(staged.part_paths(kind.source), hive_partitioning=False)
            .filter(near(lo, hi))
            .select(kind.fields)
            .collect()
        )
        region = rows_of(nearby).filter(pl.col("day").is_between(lo, hi))
        del nearby
        old = region.filter(~is_new).select(id_col).join(ids, on=id_col, how="left")
        if old["before"].null_count():
            raise NotAnUpdate(f"mentions near the added ones have no previous {cluster_col}")
        for member, component in old.select(id_col, "component").iter_rows():
            uf.union(member, component)
        # Whether two old mentions are the same depends on their rows alone, which have not
        # changed: the last link compared them. Only pairs with a new mention are compared.
        link(region, uf, set(region.filter(is_new)[id_col].to_list()))
    joined = {node: uf.find(node) for node in uf.parent}
    if joined:
        ids = ids.with_columns(pl.col("component").replace(joined))
    # The components the pass touched, and the new mentions': their spans are cut again.
    touched = set(joined.values()) | set(
        ids.filter(pl.col(id_col).is_in(new[id_col]))["component"].to_list()
    )
    members = ids.filter(pl.col("component").is_in(list(touched)))
    member_months = sorted(set(members["month"].to_list()))
    fields = list(dict.fromkeys([*member_fields, *kind.fields]))
    rows = staged.read_months(kind.source, member_months, columns=fields)
    rows = rows.filter(pl.col(id_col).is_in(members[id_col]))
    days = days_of(rows).select(pl.col(id_col).alias("id"), "day")
    spans = members.select(pl.col(id_col).alias("id"), "component").join(
        days, on="id", how="left", maintain_order="left"
    )
    spans = spans.with_columns(cluster=component_spans(spans, kind.span))
    ids = ids.join(
        spans.select(pl.col("id").alias(id_col), "cluster"), on=id_col, how="left"
    ).with_columns(after=pl.coalesce("cluster", "before"))
    months = sorted(
        set(ids.filter(pl.col("after") != pl.col("before"))["month"].to_list()) | set(new_months)
    )
    mapping = ids.filter(pl.col("month").is_in(months) & (pl.col("after") != pl.col(id_col)))
    mapping = mapping.select(id=pl.col(id_col), cluster=pl.col("after"))
    # Clusters made again: every cluster a member of a touched component was in, replaced
    # by the clusters of those components' spans.
    stale = set(members["before"].to_list())
    rows = rows.select(member_fields).with_columns(
        pl.col(id_col)
        .replace_strict(spans["id"], spans["cluster"], return_dtype=pl.String)
        .alias(cluster_col)
    )
    fresh = aggregate(members_of(rows, member_months))
    kept = files.read(cluster_table).filter(~pl.col(cluster_col).is_in(list(stale)))
    clusters = pl.concat([kept, fresh]).sort(cluster_col)
    components = ids.filter(pl.col("component") != pl.col(id_col)).select(
        id=pl.col(id_col), component=pl.col("component")
    )
    return LinkedTable(_Months(staged, kind, months, mapping), False, clusters, components)


def _staged_empty(kind: _Kind, staged: TableFiles) -> pl.DataFrame:
    return pl.read_parquet(staged.part_paths(kind.source)[0], columns=list(kind.fields)).head(0)


def _published_between(meta: pl.DataFrame, lo: dt.date, hi: dt.date) -> pl.Series:
    return meta.filter(pl.col("published_date").is_between(lo, hi))["article_id"]


# -- the months handed to the writer -------------------------------------------------------


def _read(staged: TableFiles, table: str, month: str, columns: list[str] | None = None):
    df = staged.read_months(table, [month], columns=columns)
    if df is None:
        raise FileNotFoundError(f"{staged.uri(table)} has no part for {month}")
    return df


def _with_clusters(df: pl.DataFrame, kind: _Kind, mapping: pl.DataFrame) -> pl.DataFrame:
    """The rows with their cluster ids: the mapping's, else their own id."""
    ids = df[kind.id_col]
    clusters = ids.replace(mapping["id"], mapping["cluster"]) if mapping.height else ids
    return df.with_columns(clusters.alias(kind.cluster_col))


class _Months(Mapping[str, pl.DataFrame]):
    """Each month's linked rows, made from its staged part when asked for."""

    def __init__(self, staged: TableFiles, kind: _Kind, months: list[str], mapping):
        self._staged, self._kind, self._months, self._mapping = staged, kind, months, mapping

    def __getitem__(self, month: str) -> pl.DataFrame:
        if month not in self._months:
            raise KeyError(month)
        return _with_clusters(
            _read(self._staged, self._kind.source, month), self._kind, self._mapping
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._months)

    def __len__(self) -> int:
        return len(self._months)
