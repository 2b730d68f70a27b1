"""Storage: Parquet files are the source of truth; the DuckDB file is rebuilt from them and
swapped in atomically, so a reader never sees a half-written warehouse."""

from pipelines.store.parquet import read_table, table_path, write_table
from pipelines.store.warehouse import DUCKDB_FILE, build_warehouse, query

__all__ = ["DUCKDB_FILE", "build_warehouse", "query", "read_table", "table_path", "write_table"]
