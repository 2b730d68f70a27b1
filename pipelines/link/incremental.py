"""Linking only what new articles touch, with the result a link over every article gives.

Two mentions can only be joined when they are within a window of days of each other
(PUBLISHED_WINDOW for events, CLAIM_WINDOW for claims, see clusters.py), and whether they
are joined depends only on their own rows and their articles' dates and outlets. So when the
only change since the last link is articles added (none removed, none re-extracted), every
join among the old mentions is as it was, and the new joins all involve a new mention and a
mention within the window of its day. The pass runs over the mentions of those days only,
starting from the old clusters (each old mention joined to its cluster's id, the smallest id
of its members); clusters it merges or extends get their rows recomputed, the others are kept.
A cluster's id stays the smallest id of its members, as in a full link.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.link.clusters import (
    CLAIM_WINDOW,
    PUBLISHED_WINDOW,
    _claim_cluster_table,
    _claim_rows,
    _event_cluster_table,
    _event_rows,
    _link_claims,
    _link_events,
    _UnionFind,
)


def relink_claims(
    claims: pl.DataFrame,
    articles: pl.DataFrame,
    previous: pl.DataFrame,
    previous_table: pl.DataFrame,
    added: set[str],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """cluster_claims(claims, articles), given its result before the articles in `added`
    were extracted: `previous` (claim_id, claim_cluster_id) and `previous_table`. Raises
    NotAnUpdate when `previous` does not cover exactly the other claims."""
    meta = articles.select("article_id", "outlet", "published_date")
    return _relink(
        claims,
        lambda some: _claim_rows(some, meta),
        lambda lo, hi: pl.col("article_id").is_in(_published_between(meta, lo, hi)),
        previous,
        previous_table,
        added,
        ids=("claim_id", "claim_cluster_id"),
        window=CLAIM_WINDOW,
        link=_link_claims,
        table=lambda members: _claim_cluster_table(members, meta),
    )


def relink_events(
    events: pl.DataFrame,
    claims: pl.DataFrame,
    articles: pl.DataFrame,
    previous: pl.DataFrame,
    previous_table: pl.DataFrame,
    added: set[str],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """cluster_events(events, claims, articles), given its result before the articles in
    `added` were extracted: `previous` (event_id, cluster_id) and `previous_table`."""
    meta = articles.select("article_id", "outlet", "published_date")
    return _relink(
        events,
        lambda some: _event_rows(some, meta),
        # a mention's day is its own date or its article's publication date
        lambda lo, hi: (
            pl.col("event_date").is_between(lo, hi)
            | pl.col("article_id").is_in(_published_between(meta, lo, hi))
        ),
        previous,
        previous_table,
        added,
        ids=("event_id", "cluster_id"),
        window=PUBLISHED_WINDOW,
        link=_link_events,
        table=lambda members: _event_cluster_table(members, claims, meta),
    )


class NotAnUpdate(ValueError):
    """`previous` is not the link of the mentions outside the added articles."""


def _published_between(meta: pl.DataFrame, lo: dt.date, hi: dt.date) -> pl.Series:
    return meta.filter(pl.col("published_date").is_between(lo, hi))["article_id"]


def _relink(frame, rows_of, near, previous, previous_table, added, *, ids, window, link, table):
    """rows_of(mentions): what linking compares of them, each with its day; near(lo, hi):
    true of every mention whose day can fall between lo and hi. The rows are made only for
    the mentions near the new ones' days: at 200,000 articles those of every event held
    1.3 GB."""
    id_col, cluster_col = ids
    is_new = pl.col("article_id").is_in(list(added))
    old_ids = frame.filter(~is_new).select(id_col)
    if old_ids.height != previous.height or old_ids.join(previous, on=id_col, how="anti").height:
        raise NotAnUpdate(f"the previous {cluster_col}s are not those of the other mentions")
    new_days = rows_of(frame.filter(is_new))["day"]
    uf = _UnionFind()
    if new_days.len():
        lo = new_days.min() - dt.timedelta(days=window)
        hi = new_days.max() + dt.timedelta(days=window)
        region = rows_of(frame.filter(near(lo, hi))).filter(pl.col("day").is_between(lo, hi))
        old = region.filter(~is_new).select(id_col).join(previous, on=id_col, how="left")
        for member, cluster in old.iter_rows():
            uf.union(member, cluster)
        # Whether two old mentions are the same depends on their rows alone, which have not
        # changed: the last link compared them. Only pairs with a new mention are compared.
        link(region, uf, set(region.filter(is_new)[id_col].to_list()))
    base = frame.select(id_col).join(previous, on=id_col, how="left")[cluster_col]
    base = base.fill_null(frame[id_col])  # a new mention starts as a cluster of its own
    joined = {node: uf.find(node) for node in uf.parent}
    final = base.replace(joined) if joined else base
    out = frame.with_columns(final.alias(cluster_col))
    # Clusters to recompute: every cluster the pass touched, and the new mentions' own.
    touched = set(joined.values()) | set(out.filter(is_new)[cluster_col].to_list())
    stale = touched | set(joined)
    kept = previous_table.filter(~pl.col(cluster_col).is_in(list(stale)))
    fresh = table(out.filter(pl.col(cluster_col).is_in(list(touched))))
    return out, pl.concat([kept, fresh]).sort(cluster_col)
