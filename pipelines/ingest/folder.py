"""A whole raw folder read from scratch, keeping nothing between runs (the bench, tests and
evaluation use it; runs read through incremental.py, which gives the same tables)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines import Progress
from pipelines.ingest.combine import IngestResult, combine
from pipelines.ingest.file_read import read_file, refused_read
from pipelines.ingest.raw_files import scan_raw
from pipelines.ingest.readers import DEFAULT_MAX_BYTES


def read_raw_folder(
    raw_dir: Path | str,
    *,
    now: dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> IngestResult:
    """Every file below raw_dir ends as article rows, as a duplicate of one, or as
    ingest_errors rows; the accounting says which, per file."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist or is not a folder")
    now = now or dt.datetime.now(dt.UTC)
    entries = scan_raw(raw_dir).entries
    reads = []
    for n, entry in enumerate(entries, 1):
        if entry.refused is not None:
            reads.append(refused_read(entry.shown, entry.refused, now))
        else:
            reads.append(read_file(raw_dir, entry.path, now, max_bytes))
        if progress:
            progress(n, len(entries))
    return combine(reads)
