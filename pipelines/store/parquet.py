"""One Parquet file per table under <warehouse>/parquet/<table>/, written atomically."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.store.atomic import replace_atomically

PART_NAME = "part-0.parquet"


def table_path(warehouse_dir: Path | str, table: str) -> Path:
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    return Path(warehouse_dir) / "parquet" / table / PART_NAME


def write_table(warehouse_dir: Path | str, table: str, df: pl.DataFrame) -> Path:
    """Write beside the target, fsync, then rename over it: readers see the old file or the
    new one, never a partial one. Identical content leaves the old file untouched, so an
    unchanged table keeps its modification time and the DuckDB build can be skipped."""
    path = table_path(warehouse_dir, table)
    replace_atomically(
        path,
        lambda tmp: df.write_parquet(tmp, compression="zstd", statistics=True),
        keep_if_same=True,
    )
    return path


def read_table(warehouse_dir: Path | str, table: str) -> pl.DataFrame:
    path = table_path(warehouse_dir, table)
    if not path.is_file():
        raise FileNotFoundError(f"table {table!r} has not been written yet: {path} is missing")
    return pl.read_parquet(path)
