"""The actors table: one row per actor, merged from the actor rows each article gives."""

from __future__ import annotations

import polars as pl

from schemas import Actors, polars_schema


def merge_actors(per_article: pl.DataFrame) -> pl.DataFrame:
    """One row per actor from the per-article actor rows (in article order): the first
    article's value for each column, and list columns (aliases) merged and sorted."""
    columns = list(polars_schema(Actors))
    key = "actor_id"
    aggs = [
        pl.col(c).list.explode(keep_nulls=False, empty_as_null=False).unique().sort()
        if isinstance(dtype, pl.List)
        else pl.col(c).first()
        for c, dtype in per_article.schema.items()
        if c != key
    ]
    return per_article.group_by(key, maintain_order=True).agg(aggs).sort(key).select(columns)
