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
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines import Progress
from pipelines.faults import FaultPoint
from pipelines.fingerprint import fingerprint
from pipelines.ingest.combine import IngestResult, combine
from pipelines.ingest.dedup import NearDuplicateMemo
from pipelines.ingest.file_read import FileRead, read_file
from pipelines.ingest.raw_files import FileStat, content_hash, list_raw_files, stored_stat
from pipelines.ingest.readers import DEFAULT_MAX_BYTES
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
        extra=[f"max_bytes={max_bytes}"],
    )


def ingest_store(state_dir: Path | str) -> ResultStore:
    return INGEST_STATE.store(state_dir)


@dataclass
class IncrementalIngest:
    result: IngestResult
    files_read: int  # read from disk this run
    files_reused: int  # unchanged since they were read: rows taken from the state


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
        files = list_raw_files(raw_dir)
        reads: list[FileRead] = []
        reused = 0
        for n, path in enumerate(files, 1):
            rel = path.relative_to(raw_dir).as_posix()
            seen_at = time.time_ns()  # before the stat: a later change always shows up
            stat = FileStat.of(path)
            kept = run.current(rel)
            digest, read = None, None
            if kept is not None:
                if not _same_stat(kept, stat):
                    digest = content_hash(path)
                if digest is None or digest == kept["sha256"]:
                    read = FileRead(rel, run.rows("records", rel), run.rows("errors", rel))
                    reused += 1
                    if digest is not None:  # touched, not changed: remember the new stat
                        run.record(rel, _index(stat, digest, seen_at), _rows(read), processed=False)
            if read is None:
                # Hashed before reading: if the file changes while it is read, the stored
                # hash is the older content's and the next run reads it again.
                digest = digest or content_hash(path)
                read = read_file(raw_dir, path, now, max_bytes)
                for row in read.records:
                    row["ingested_at"] = min(first_seen.get(row["article_id"], now), now)
                run.record(rel, _index(stat, digest, seen_at), _rows(read))
            reads.append(read)
            if progress:
                progress(n, len(files))
        run.finish(keep=[r.path for r in reads])
        memo = NearDuplicateMemo.load(Path(state_dir), fp)
        before = memo.key
        result = combine(reads, memo)
        if memo.key != before:
            memo.save(Path(state_dir), fp)
    return IncrementalIngest(result, files_read=len(files) - reused, files_reused=reused)


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
