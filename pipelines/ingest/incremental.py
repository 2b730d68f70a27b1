"""Reading raw/ again without re-reading what has not changed (the cycle is
pipelines/store/incremental.py's; the unit of work is one raw file).

Each input file's rows (articles before duplicates are folded, and errors) are kept in the
warehouse's state with the file's size and modification time, its sidecar's, and a hash of
their bytes. A file is read again only when those differ, or when the reader fingerprint
(ingest code, boilerplate lexicon, reader libraries, size limit) changed. Duplicates and
near-duplicates are then decided over all rows, as in a cold run, so the tables come out the
same either way. `ingested_at` is the first time an article was read, so an unchanged raw/
gives identical tables.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import MAX_ARTICLE_CHARS, Progress
from pipelines.errors import IngestError
from pipelines.faults import FaultPoint
from pipelines.fingerprint import fingerprint
from pipelines.ingest.combine import IngestResult, combine
from pipelines.ingest.dedup import NearDuplicateMemo
from pipelines.ingest.file_read import FileRead, read_file, refused_read
from pipelines.ingest.raw_files import FileStat, content_hash, scan_raw, stored_stat
from pipelines.ingest.readers import DEFAULT_MAX_BYTES
from pipelines.ingest.registry import size_refusal
from pipelines.store.incremental import StageState, incremental_run
from pipelines.store.state import ResultStore
from schemas import Articles, IngestErrors

# A file changed within this long of being read may have changed again in the same clock
# tick (coarse mtimes on some file systems): its stat is not trusted, its bytes are hashed.
RACY_NS = 2_000_000_000
CHECKPOINT_FILES = 200  # files read between two saves of the state

INGEST_STATE = StageState(
    name="ingest",
    unit_index={
        "size": pl.Int64(),
        "mtime_ns": pl.Int64(),
        "sidecar_size": pl.Int64(),
        "sidecar_mtime_ns": pl.Int64(),
        "sha256": pl.String(),
        "read_at_ns": pl.Int64(),
    },
    tables={"records": Articles, "errors": IngestErrors},
    fault_point=FaultPoint.INGEST_FILE_READ,
)


def reader_fingerprint(max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    return fingerprint(
        code_dirs=[Path(__file__).parent],
        data_files=["boilerplate.yaml"],
        distributions=["trafilatura", "lxml", "dateparser", "py3langid", "warcio", "defusedxml"],
        # The article-length cap decides which texts become articles.
        extra=[f"max_bytes={max_bytes}", f"max_article_chars={MAX_ARTICLE_CHARS}"],
    )


def ingest_store(state_dir: Path | str) -> ResultStore:
    return INGEST_STATE.store(state_dir)


@dataclass
class IncrementalIngest:
    result: IngestResult
    files_read: int  # read from disk this run
    files_reused: int  # unchanged since they were read: rows taken from the state
    hidden: int = 0  # entries below raw/ named .*: not inputs, never read
    quarantined: list[Path] = field(default_factory=list)  # state set aside as unreadable


def read_raw_incremental(
    raw_dir: Path | str,
    state_dir: Path | str,
    *,
    now: dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    checkpoint_files: int = CHECKPOINT_FILES,
    lock_timeout_s: float | None = None,
) -> IncrementalIngest:
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist or is not a folder")
    now = now or dt.datetime.now(dt.UTC)
    fp = reader_fingerprint(max_bytes)
    with incremental_run(
        INGEST_STATE,
        state_dir,
        fp,
        checkpoint_every=checkpoint_files,
        lock_timeout_s=lock_timeout_s,
        load_tables=True,
    ) as run:
        first_seen = _first_seen(run.stored.tables["records"])
        scan = scan_raw(raw_dir)
        reads: list[FileRead] = []
        stored: list[str] = []  # files whose result is in the state
        reused = 0
        for n, entry in enumerate(scan.entries, 1):
            if n > 1 and progress:
                progress(n - 1, len(scan.entries))
            if entry.refused is not None:  # never read, so nothing to keep between runs
                reads.append(refused_read(entry.shown, entry.refused, now))
                continue
            path, rel = entry.path, entry.shown
            seen_at = time.time_ns()  # before the stat: a later change always shows up
            try:
                stat = FileStat.of(path)
                kept = run.current(rel)
                digest, read = None, None
                if kept is not None:
                    if not _same_stat(kept, stat):
                        digest = _digest(path, stat, max_bytes)
                    if digest is None or digest == kept["sha256"]:
                        read = FileRead(rel, run.rows("records", rel), run.rows("errors", rel))
                        reused += 1
                        if digest is not None:  # touched, not changed: remember the new stat
                            index = _index(stat, digest, seen_at)
                            run.record(rel, index, _rows(read), processed=False)
                if read is None:
                    # Hashed before reading: if the file changes while it is read, the stored
                    # hash is the older content's and the next run reads it again.
                    digest = digest or _digest(path, stat, max_bytes)
                    read = read_file(raw_dir, path, now, max_bytes)
                    for row in read.records:
                        row["ingested_at"] = min(first_seen.get(row["article_id"], now), now)
                    run.record(rel, _index(stat, digest, seen_at), _rows(read))
            except OSError as err:  # gone or unreadable since the scan: tried again next run
                why = f"cannot read it: {err.strerror or err}; the next run tries again"
                reads.append(refused_read(rel, IngestError("unreadable", why), now))
                continue
            reads.append(read)
            stored.append(rel)
        if scan.entries and progress:
            progress(len(scan.entries), len(scan.entries))
        run.finish(keep=stored)
        memo = NearDuplicateMemo.load(Path(state_dir), fp)
        before = memo.key
        result = combine(reads, memo)
        if memo.key != before:
            memo.save(Path(state_dir), fp)
    return IncrementalIngest(
        result,
        files_read=len(stored) - reused,
        files_reused=reused,
        hidden=scan.hidden,
        quarantined=run.store.quarantined,
    )


def _digest(path: Path, stat: FileStat, max_bytes: int) -> str:
    """The content hash, except for a file refused by its size alone: it is never read, so
    its size and time stand for its bytes."""
    if size_refusal(path, stat.size, max_bytes) is not None:
        return f"unread:{stat.size}:{stat.mtime_ns}:{stat.sidecar_size}:{stat.sidecar_mtime_ns}"
    return content_hash(path)


def _index(stat: FileStat, digest: str, seen_at: int) -> dict:
    return {
        "size": stat.size,
        "mtime_ns": stat.mtime_ns,
        "sidecar_size": stat.sidecar_size,
        "sidecar_mtime_ns": stat.sidecar_mtime_ns,
        "sha256": digest,
        "read_at_ns": seen_at,
    }


def _rows(read: FileRead) -> dict[str, list[dict]]:
    return {"records": read.records, "errors": read.errors}


def _same_stat(kept: dict, stat: FileStat) -> bool:
    if stored_stat(kept) != stat.as_tuple():
        return False
    newest = max(stat.mtime_ns, stat.sidecar_mtime_ns or 0)
    return newest < kept["read_at_ns"] - RACY_NS


def _first_seen(records: pl.DataFrame) -> dict[str, dt.datetime]:
    if not records.height:
        return {}
    first = records.group_by("article_id").agg(pl.col("ingested_at").min())
    return dict(first.iter_rows())
