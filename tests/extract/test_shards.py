"""Extraction split into hash shards of the article id: each shard parses into its own store,
the tables assembled from every shard are those of one shard, a changed article is parsed
again in its shard alone, and tables are never assembled from a shard that is behind."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest

from pipelines.errors import ShardsBehind
from pipelines.extract.incremental import (
    EXTRACTED_TABLES,
    assembled_extraction,
    extract_shard,
    extract_store,
    shard_of,
)
from pipelines.extract.nlp import DEFAULT_MODEL
from tests.helpers import read_tables


@pytest.fixture(scope="module")
def articles(shipped_run) -> pl.DataFrame:
    _, warehouse = shipped_run
    return read_tables(warehouse)["articles"]


def assemble(articles: pl.DataFrame, state, shards: int):
    """What assembled_extraction gives, with every table read."""
    with assembled_extraction(articles, state, model=DEFAULT_MODEL, shards=shards) as result:
        assert result.read_table is not None
        return result, {name: result.read_table(name) for name in EXTRACTED_TABLES}


def extract_all(articles: pl.DataFrame, state, shards: int) -> list:
    return [
        extract_shard(articles, state, model=DEFAULT_MODEL, shard=k, shards=shards, n_process=1)
        for k in range(shards)
    ]


@pytest.fixture(scope="module")
def four(articles, tmp_path_factory):
    state = tmp_path_factory.mktemp("four") / "state"
    runs = extract_all(articles, state, 4)
    return state, runs


def test_shards_are_stable_and_spread(articles):
    ids = articles["article_id"].to_list()
    assert [shard_of(i, 4) for i in ids] == [shard_of(i, 4) for i in ids]
    assert all(shard_of(i, 1) == 0 for i in ids)
    spread = Counter(shard_of(f"{n:016x}", 4) for n in range(4000))
    assert set(spread) == {0, 1, 2, 3}
    assert min(spread.values()) > 900  # about a quarter each


def test_four_shards_give_the_tables_of_one(articles, four, tmp_path):
    state4, runs = four
    assert sum(r.articles_parsed for r in runs) == articles.height
    assert sum(r.articles_total > 0 for r in runs) >= 2  # the rows really come from several
    for k in range(4):
        assert extract_store(state4, k, 4).root == state4 / "extract-4-shards" / str(k)
    extract_all(articles, tmp_path / "state", 1)
    one, one_tables = assemble(articles, tmp_path / "state", 1)
    wide, wide_tables = assemble(articles, state4, 4)
    for name, table in one_tables.items():
        assert table.height > 0, name
        assert wide_tables[name].equals(table), name
    assert (wide.articles_total, wide.articles_reused) == (one.articles_total, 0)


def test_a_changed_article_is_parsed_again_in_its_shard_alone(articles, four):
    state4, _ = four
    changed_id = articles["article_id"][0]
    changed = articles.with_columns(
        pl.when(pl.col("article_id") == changed_id)
        .then(pl.col("text") + " Officials said talks would resume.")
        .otherwise(pl.col("text"))
        .alias("text")
    )
    # The tables are not assembled from a shard that has not extracted the new text.
    with pytest.raises(ShardsBehind) as behind:
        assemble(changed, state4, 4)
    assert behind.value.behind == {shard_of(changed_id, 4): 1}
    segments = [extract_store(state4, k, 4).segment_names() for k in range(4)]
    runs = extract_all(changed, state4, 4)
    assert [r.articles_parsed for r in runs] == [
        int(k == shard_of(changed_id, 4)) for k in range(4)
    ]
    after = [extract_store(state4, k, 4).segment_names() for k in range(4)]
    assert [a == b for a, b in zip(after, segments, strict=True)] == [
        k != shard_of(changed_id, 4) for k in range(4)
    ]
    assembled, _ = assemble(changed, state4, 4)
    assert assembled.articles_parsed == 1
