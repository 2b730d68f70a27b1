"""A smoke run of `make bench-scale` at 300 articles: the key line is printed and the tables
the three runs leave are valid and complete. Nothing here asserts a timing."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines.bench.scale import main
from pipelines.store import DUCKDB_FILE, TableFiles
from schemas import TABLES

KEYS = [
    "scale_articles",
    "post_extract_peak_rss_mb",
    "cold_nonparse_s",
    "noop_s",
    "plus1pct_nonparse_s",
]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    work = tmp_path_factory.mktemp("scale") / "work"
    printed: list[str] = []
    code = main(["--n", "300", "--workdir", str(work)], print_=printed.append)
    return code, printed, work / "warehouse"


def test_prints_the_key_line_last(smoke):
    code, printed, _ = smoke
    assert code == 0, printed
    pairs = dict(kv.split("=", 1) for kv in printed[-1].split())
    assert list(pairs) == KEYS
    assert pairs["scale_articles"] == "300"
    for key in KEYS[1:]:
        assert float(pairs[key]) > 0, key


def test_tables_are_valid_and_hold_the_new_articles(smoke):
    _, _, warehouse = smoke
    files = TableFiles(warehouse)
    for table, model in TABLES.items():
        model.validate(files.read(table))
    articles = files.read("articles")
    assert articles.height == 303  # 300, then 1% more
    events = files.read("events")
    assert set(events["article_id"]) <= set(articles["article_id"])
    assert events.filter(pl.col("article_id").is_in(articles["article_id"][300:])).height > 0
    # mentions of the same story in several articles were linked
    assert events["cluster_id"].n_unique() < events.height
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(events.height,)]
    finally:
        con.close()
