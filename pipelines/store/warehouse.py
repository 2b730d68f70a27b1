"""The DuckDB warehouse: built beside the old file from the Parquet tables, then renamed over
it. An analyst holding the old file open keeps a consistent view and never blocks the build."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.store.parquet import table_path

DUCKDB_FILE = "eventwire.duckdb"
VIEWS_DIR = Path(__file__).parent / "views"
# Written in the 1.0 storage format so DuckDB 1.x clients (the PyPI CLI, DBeaver) can open it.
STORAGE_VERSION = "v1.0.0"


@dataclass
class WarehouseBuild:
    path: Path
    row_counts: dict[str, int]
    views: list[str]


def build_warehouse(warehouse_dir: Path | str, tables: list[str]) -> WarehouseBuild:
    warehouse_dir = Path(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    final = warehouse_dir / DUCKDB_FILE
    tmp = warehouse_dir / f".{DUCKDB_FILE}.building"
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)  # an interrupted earlier build
    counts: dict[str, int] = {}
    views: list[str] = []
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{_sql_path(tmp)}' AS wh (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("USE wh")
        for table in tables:
            src = table_path(warehouse_dir, table)
            if not src.is_file():
                raise FileNotFoundError(f"cannot build the warehouse: {src} is missing")
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM read_parquet(?)', [str(src)])
            counts[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for view_file in sorted(VIEWS_DIR.glob("*.sql")):
            con.execute(view_file.read_text(encoding="utf-8"))
            views.append(view_file.stem)
        con.execute("CHECKPOINT")
        con.execute("USE memory")
        con.execute("DETACH wh")
    finally:
        con.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    return WarehouseBuild(final, counts, views)


def _sql_path(path: Path) -> str:
    # Paths are ours (warehouse folder + fixed name), but quote defensively all the same.
    return str(path).replace("'", "''")


def query(warehouse_dir: Path | str, sql: str) -> pl.DataFrame:
    """Run one statement on the warehouse opened read-only."""
    path = Path(warehouse_dir) / DUCKDB_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}: run `eventwire run` first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()
