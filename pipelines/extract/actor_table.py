"""The actors table: one row per actor, merged from the actor rows each article gives."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from schemas import Actors, polars_schema

KEY = "actor_id"


def merge_actors(per_article: pl.DataFrame) -> pl.DataFrame:
    """One row per actor from the per-article actor rows (in article order): the first
    article's value for each column, and list columns (aliases) merged and sorted."""
    return merge_actor_chunks([per_article])


def merge_actor_chunks(chunks: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """merge_actors of the chunks' rows one after another (in article order), holding one
    chunk and the actors merged so far: the per-article rows of every article at once were
    about 1 GB at 200,000 articles. Merging the merged actors again with the next chunk's
    gives the same: the first value of the earlier chunk stays first, and a union of sorted
    distinct aliases is the sorted distinct aliases of all."""
    merged: pl.DataFrame | None = None
    for chunk in chunks:
        merged = _merged(chunk if merged is None else pl.concat([merged, _merged(chunk)]))
    if merged is None:
        raise ValueError("merge_actor_chunks: no chunk, not even an empty one")
    return merged.sort(KEY).select(list(polars_schema(Actors)))


def _merged(rows: pl.DataFrame) -> pl.DataFrame:
    aggs = [
        pl.col(c).list.explode(keep_nulls=False, empty_as_null=False).unique().sort()
        if isinstance(dtype, pl.List)
        else pl.col(c).first()
        for c, dtype in rows.schema.items()
        if c != KEY
    ]
    return rows.group_by(KEY, maintain_order=True).agg(aggs)
