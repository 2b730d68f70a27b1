"""Reading raw/: one reader per format, clean-up, metadata, dedup and an error row per bad input."""

from pipelines.ingest.accounting import FileAccounting, account_for_files
from pipelines.ingest.combine import IngestResult
from pipelines.ingest.folder import read_raw_folder

__all__ = ["FileAccounting", "IngestResult", "account_for_files", "read_raw_folder"]
