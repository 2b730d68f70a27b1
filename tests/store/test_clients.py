"""The warehouse opens in the tools analysts already use: the DuckDB 1.x CLI from PyPI, and
the Parquet files in pyarrow, polars, pandas and DuckDB with the DuckDB tables' types."""

from __future__ import annotations

import datetime as dt
import subprocess

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq

from pipelines.store import DUCKDB_FILE, table_parts
from schemas import TABLES
from tests.helpers import cli_json, duckdb_cli

# Parquet (arrow) type -> the type DuckDB gives the same column.
ARROW_TO_DUCKDB = {
    "string": "VARCHAR",
    "large_string": "VARCHAR",
    "string_view": "VARCHAR",
    "int64": "BIGINT",
    "double": "DOUBLE",
    "bool": "BOOLEAN",
    "date32[day]": "DATE",
    "timestamp[us, tz=UTC]": "TIMESTAMP WITH TIME ZONE",
    "large_list<item: large_string>": "VARCHAR[]",
    "list<item: string>": "VARCHAR[]",
    "large_list<element: large_string>": "VARCHAR[]",
}


def test_duckdb_1x_cli_opens_the_warehouse(shipped_run, tables):
    _, warehouse = shipped_run
    version = subprocess.run([duckdb_cli(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("v1."), version.stdout
    db = warehouse / DUCKDB_FILE
    for table in TABLES:
        rows = cli_json(db, f'SELECT count(*) AS n FROM "{table}"')
        assert rows == [{"n": tables[table].height}], table
    view = "SELECT actor1_id, actor2_id, events FROM actor_dyads ORDER BY ALL"
    dyads = cli_json(db, view)
    con = duckdb.connect(str(db), read_only=True)
    try:
        expected = [
            dict(zip(("actor1_id", "actor2_id", "events"), r, strict=True))
            for r in con.execute(view).fetchall()
        ]
    finally:
        con.close()
    assert dyads == expected
    assert any(
        d["actor1_id"] == "USAGOV" and d["actor2_id"] == "person:nicolas-maduro" for d in dyads
    )


def test_parquet_types_match_duckdb_in_every_reader(shipped_run):
    _, warehouse = shipped_run
    con = duckdb.connect(str(warehouse / DUCKDB_FILE), read_only=True)
    try:
        for table in TABLES:
            paths = [str(p) for p in table_parts(warehouse, table)]
            db_types = dict(
                con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            )
            arrow = pq.read_table(paths, partitioning=None).schema
            assert arrow.names == list(db_types), table
            for field in arrow:
                assert ARROW_TO_DUCKDB[str(field.type)] == db_types[field.name], (table, field)
            # DuckDB reading the Parquet parts directly sees the same types as its table.
            described = con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)", [paths]
            )
            direct = {row[0]: row[1] for row in described.fetchall()}
            assert direct == db_types, table
            polars_schema = pl.read_parquet(paths, hive_partitioning=False).schema
            assert polars_schema == pl.Schema(
                {n: c.dtype.type for n, c in TABLES[table].to_schema().columns.items()}
            )
    finally:
        con.close()


def test_pandas_reads_dates_as_dates_and_booleans_as_booleans(shipped_run):
    _, warehouse = shipped_run
    # A table's folder, as an analyst reads it: its parts (and their month, from the folder
    # names, as a column of pandas' own).
    events = pd.read_parquet(warehouse / "parquet" / "events")
    dates = events["event_date"].dropna()
    assert len(dates) > 0 and all(isinstance(d, dt.date) for d in dates)
    claims = pd.read_parquet(warehouse / "parquet" / "claims")
    assert claims["anonymous"].dtype == bool
    assert claims["direct_quote"].dtype == bool
    articles = pd.read_parquet(warehouse / "parquet" / "articles")
    assert str(articles["ingested_at"].dtype).startswith("datetime64")
    assert str(articles["ingested_at"].dt.tz) == "UTC"
