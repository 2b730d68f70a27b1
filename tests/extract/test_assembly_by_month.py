"""The extract step writes its tables a month at a time (read back from the state per month):
the parts are byte for byte those of the table written whole, a month no longer there is
removed, and a month that fails validation stops every table from being written."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.bench.scale_corpus import generate
from pipelines.definitions import ASSETS
from pipelines.defs.extract import UNLINKED, extracted_tables
from pipelines.defs.resources import EventwireSettings, build_resources, table_files
from pipelines.extract.actor_table import merge_actor_chunks, merge_actors
from pipelines.extract.incremental import (
    EXTRACT_STATE,
    EXTRACTED_TABLES,
    assembled_extraction,
    input_keys,
)
from pipelines.extract.nlp import DEFAULT_MODEL
from pipelines.store import TableFiles, state_dir
from pipelines.store.parquet import PART_NAME, TableMonths
from pipelines.store.state import KEY

N = 60
# Publication dates over three months and none (the corpus puts every article in a few days).
DATES = [dt.date(2026, 1, 5), dt.date(2026, 3, 9), None, dt.date(2026, 2, 1)]


def _corpus(edit_quantities=None):
    corpus = generate(N, model=DEFAULT_MODEL)
    articles = corpus.articles.with_columns(
        pl.Series("published_date", [DATES[i % len(DATES)] for i in range(N)], pl.Date)
    )
    keys = input_keys(articles)  # the dates are extraction inputs
    index = corpus.index.with_columns(pl.col(KEY).replace_strict(keys).alias("input_key"))
    tables = dict(corpus.tables)
    if edit_quantities is not None:
        tables["quantities"] = edit_quantities(tables["quantities"], articles)
    return articles, index, tables


def _seed(warehouse: Path, edit_quantities=None) -> pl.DataFrame:
    articles, index, tables = _corpus(edit_quantities)
    TableFiles(warehouse).write("articles", articles)
    EXTRACT_STATE.store(state_dir(warehouse)).append(index, tables)
    return articles


def _run(warehouse: Path) -> dg.ExecuteInProcessResult:
    settings = EventwireSettings(raw_dir=str(warehouse / "raw"), warehouse_dir=str(warehouse))
    return dg.materialize(
        ASSETS,
        selection=[extracted_tables],
        resources=build_resources(settings),
        raise_on_error=False,
    )


def _files(warehouse: Path) -> dict[str, bytes]:
    """Every table file the step wrote (the staged events and claims too), by path."""
    roots = [warehouse / "parquet", state_dir(warehouse) / "staged"]
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for root in roots
        if root.is_dir()
        for p in sorted(root.rglob("*.parquet"))
        if not p.relative_to(root).as_posix().startswith("articles/")
    }


def test_the_parts_are_those_of_the_tables_written_whole(tmp_path):
    warehouse, whole = tmp_path / "step", tmp_path / "whole"
    articles = _seed(warehouse)
    # a part of a month the tables no longer have
    stale = warehouse / "parquet" / "quantities" / "month=1999-01" / PART_NAME
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"not a part")
    assert _run(warehouse).success
    assert not stale.exists()
    # As the step wrote them before: each table read whole, then cut into parts.
    TableFiles(whole).write("articles", articles)
    settings = EventwireSettings(warehouse_dir=str(whole))
    with assembled_extraction(articles, state_dir(warehouse), model=DEFAULT_MODEL) as result:
        for table in EXTRACTED_TABLES:
            files = table_files(settings, staged=table in UNLINKED)
            files.write(UNLINKED.get(table, table), result.read_table(table))
    expected = _files(whole)
    assert {p.split("/")[0] for p in expected} == {
        "extracted_events",
        "extracted_claims",
        "quantities",
        "actors",
    }
    assert sum(p.startswith("quantities/month=") for p in expected) == 4  # 3 months, undated
    got = _files(warehouse)
    got.pop(f"extraction_errors/month=undated/{PART_NAME}")  # no failure: empty, one part
    assert got.keys() == expected.keys()
    for path, data in expected.items():
        assert got[path] == data, path


def _one_invalid(quantities: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """A negative value in a quantity of a March article."""
    march = articles.filter(pl.col("published_date") == DATES[1])["article_id"]
    row = quantities.with_row_index().filter(pl.col(KEY).is_in(march))["index"][0]
    value = pl.when(pl.int_range(pl.len()) == row).then(-1.0).otherwise(pl.col("value"))
    return quantities.with_columns(value.alias("value"))


def _repeated_across_months(quantities: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """A January quantity's id given to a February quantity as well."""
    month = dict(zip(articles["article_id"], articles["published_date"], strict=True))
    dates = quantities[KEY].replace_strict(month, return_dtype=pl.Date)
    january = quantities.filter(dates == DATES[0])["quantity_id"][0]
    first_february = (dates == DATES[3]).arg_true()[0]
    ids = pl.when(pl.int_range(pl.len()) == first_february).then(pl.lit(january))
    return quantities.with_columns(ids.otherwise(pl.col("quantity_id")).alias("quantity_id"))


def _repeated_within_a_month(quantities: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """A January quantity's id given to another January quantity."""
    month = dict(zip(articles["article_id"], articles["published_date"], strict=True))
    january = (quantities[KEY].replace_strict(month, return_dtype=pl.Date) == DATES[0]).arg_true()
    first, second = january[0], january[1]
    ids = pl.when(pl.int_range(pl.len()) == second).then(pl.col("quantity_id").gather(first))
    return quantities.with_columns(ids.otherwise(pl.col("quantity_id")).alias("quantity_id"))


@pytest.mark.parametrize(
    ("edit", "says", "not_says"),
    [
        (_one_invalid, "month 2026-03: column 'value'", "quantity_id"),
        (
            _repeated_across_months,
            "column 'quantity_id': check field_uniqueness failed across",
            "month 20",
        ),
        (_repeated_within_a_month, "month 2026-01: column 'quantity_id'", "across"),
    ],
)
def test_a_month_that_fails_validation_writes_no_table(tmp_path, edit, says, not_says):
    warehouse = tmp_path / "w"
    _seed(warehouse, edit)
    result = _run(warehouse)
    assert not result.success
    [check] = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and not e.asset_check_evaluation_data.passed
    ]
    assert check.asset_key == dg.AssetKey("quantities")
    assert says in check.description
    assert not_says not in check.description
    assert _files(warehouse) == {}


def test_actors_merged_a_chunk_at_a_time_are_those_merged_at_once():
    _, _, tables = _corpus()
    rows = tables["actors"].drop(KEY)
    # aliases: some null, some empty, the same actor in several chunks
    rows = rows.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 0)
        .then(None)
        .when(pl.int_range(pl.len()) % 5 == 0)
        .then(pl.lit([], pl.List(pl.String)))
        .otherwise(pl.col("aliases"))
        .alias("aliases")
    )
    at_once = merge_actors(rows)
    cut = [0, 1, rows.height // 3, rows.height // 2, rows.height]
    chunks = [rows[a:b] for a, b in itertools.pairwise(cut)]
    assert merge_actor_chunks(chunks).equals(at_once)
    assert at_once.height < rows.height  # actors do repeat across articles


def test_a_table_read_a_month_at_a_time_gives_its_rows_in_table_order(tmp_path):
    articles, _, _ = _corpus()
    files = TableFiles(tmp_path)
    files.write("articles", articles)
    months = list(TableMonths(files, "articles", ["article_id", "published_date"]))
    assert len(months) == 4
    assert pl.concat(months).equals(files.read("articles", ["article_id", "published_date"]))
    with pytest.raises(FileNotFoundError):
        list(TableMonths(files, "events"))
