"""Storage: Parquet files are the source of truth; the DuckDB file is rebuilt from them and
swapped in atomically, so a reader never sees a half-written warehouse. The state folder keeps
per-file and per-article results between runs, so a run only does new work.

Layout of a warehouse folder:
  parquet/<table>/month=YYYY-MM/part-0.parquet
                                   the tables, in parts by month (parquet.py); the source of
                                   truth (or at an object-store URL)
  eventwire.duckdb                 the serving copy, rebuilt from Parquet and swapped in
  state/ingest/, state/extract/    results kept between runs (state.py, incremental.py)
  state/staged/                    events and claims before linking adds cluster ids
  state/locks/                     one lock per writing stage
"""

from pathlib import Path

from pipelines.store.parquet import TableFiles, read_table, table_parts, write_table
from pipelines.store.warehouse import DUCKDB_FILE, build_warehouse, inspect_warehouse, query


def state_dir(warehouse_dir: Path | str) -> Path:
    return Path(warehouse_dir) / "state"


__all__ = [
    "DUCKDB_FILE",
    "TableFiles",
    "build_warehouse",
    "inspect_warehouse",
    "query",
    "read_table",
    "state_dir",
    "table_parts",
    "write_table",
]
