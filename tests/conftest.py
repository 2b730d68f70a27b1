"""Shared fixtures: one real materialization of every asset on the shipped raw/ folder."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from tests.helpers import RAW, materialize_all


@pytest.fixture(scope="session")
def shipped_run(tmp_path_factory) -> tuple[dg.ExecuteInProcessResult, Path]:
    warehouse = tmp_path_factory.mktemp("warehouse")
    result = materialize_all(RAW, warehouse)
    assert result.success, "materializing the shipped raw/ folder failed"
    return result, warehouse


@pytest.fixture(scope="session")
def tables(shipped_run) -> dict[str, pl.DataFrame]:
    _, warehouse = shipped_run
    return {
        p.parent.name: pl.read_parquet(p) for p in (warehouse / "parquet").glob("*/part-0.parquet")
    }


@pytest.fixture(scope="session")
def seed(tables) -> dict[str, pl.DataFrame]:
    """The seed article's rows in every table."""
    articles = tables["articles"].filter(pl.col("source_path") == "realist-us-venezuela.txt")
    assert articles.height == 1
    aid = articles["article_id"][0]
    out = {"articles": articles}
    for name in ("events", "claims", "quantities"):
        out[name] = tables[name].filter(pl.col("article_id") == aid)
    return out
