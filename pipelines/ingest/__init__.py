"""Reading raw/: one reader per format, clean-up, metadata, dedup and an error row per bad input."""

from pipelines.ingest.batch import IngestResult, read_raw_folder

__all__ = ["IngestResult", "read_raw_folder"]
