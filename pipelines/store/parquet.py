"""One Parquet file per table under <warehouse>/parquet/<table>/, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

PART_NAME = "part-0.parquet"


def table_path(warehouse_dir: Path | str, table: str) -> Path:
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    return Path(warehouse_dir) / "parquet" / table / PART_NAME


def write_table(warehouse_dir: Path | str, table: str, df: pl.DataFrame) -> Path:
    """Write to a temporary file beside the target, fsync, then rename over it: readers see
    the old file or the new one, never a partial one."""
    path = table_path(warehouse_dir, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{table}-", suffix=".parquet.tmp", dir=path.parent)
    os.close(fd)
    try:
        df.write_parquet(tmp, compression="zstd", statistics=True)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_table(warehouse_dir: Path | str, table: str) -> pl.DataFrame:
    path = table_path(warehouse_dir, table)
    if not path.is_file():
        raise FileNotFoundError(f"table {table!r} has not been written yet: {path} is missing")
    return pl.read_parquet(path)
