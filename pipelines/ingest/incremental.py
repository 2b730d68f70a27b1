"""Reading raw/ again without re-reading what has not changed.

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
import hashlib
import io
import json
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.faults import fault_point
from pipelines.fingerprint import fingerprint
from pipelines.ingest.batch import (
    DEFAULT_MAX_BYTES,
    FileRead,
    IngestResult,
    NearDuplicateMemo,
    combine,
    list_raw_files,
    read_file,
)
from pipelines.ingest.readers import sidecar_path
from pipelines.store.atomic import write_bytes_atomic
from pipelines.store.state import KEY, ResultStore
from schemas import Articles, IngestErrors, polars_schema

Progress = Callable[[int, int], None]
# A file changed within this long of being read may have changed again in the same clock
# tick (coarse mtimes on some file systems): its stat is not trusted, its bytes are hashed.
RACY_NS = 2_000_000_000
CHECKPOINT_FILES = 200  # files read between two saves of the state
NEAR_DUPLICATE_MEMO = Path("ingest") / "near-duplicates.json"  # inside the state folder
SIGNATURES_FILE = "near-duplicate-signatures.npz"  # beside it: MinHash signature per article

INDEX_SCHEMA = {
    "size": pl.Int64(),
    "mtime_ns": pl.Int64(),
    "sidecar_size": pl.Int64(),
    "sidecar_mtime_ns": pl.Int64(),
    "sha256": pl.String(),
    "read_at_ns": pl.Int64(),
    "fingerprint": pl.String(),
}


def reader_fingerprint(max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    return fingerprint(
        code_dirs=[Path(__file__).parent],
        data_files=["boilerplate.yaml"],
        distributions=["trafilatura", "lxml", "dateparser", "py3langid", "warcio", "defusedxml"],
        extra=[f"max_bytes={max_bytes}"],
    )


def ingest_store(state_dir: Path | str) -> ResultStore:
    return ResultStore(
        Path(state_dir) / "ingest",
        INDEX_SCHEMA,
        {"records": polars_schema(Articles), "errors": polars_schema(IngestErrors)},
    )


@dataclass
class FileStat:
    size: int
    mtime_ns: int
    sidecar_size: int | None
    sidecar_mtime_ns: int | None

    @classmethod
    def of(cls, path: Path) -> FileStat:
        st = path.stat()
        sidecar = sidecar_path(path)
        side = sidecar.stat() if sidecar.is_file() else None
        return cls(
            st.st_size,
            st.st_mtime_ns,
            side.st_size if side else None,
            side.st_mtime_ns if side else None,
        )


@dataclass
class IncrementalIngest:
    result: IngestResult
    files_read: int  # read from disk this run
    files_reused: int  # unchanged since they were read: rows taken from the state


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    for p in (path, sidecar_path(path)):
        if p.is_file():
            with p.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        h.update(b"\x00--\x00")
    return h.hexdigest()


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
    store = ingest_store(state_dir)
    with store.locked(lock_timeout_s):
        stored = store.load()
        previous = {row[KEY]: row for row in stored.index.iter_rows(named=True)}
        first_seen = _first_seen(stored.tables["records"])
        records = stored.tables["records"].partition_by(KEY, as_dict=True, maintain_order=True)
        errors = stored.tables["errors"].partition_by(KEY, as_dict=True, maintain_order=True)

        files = list_raw_files(raw_dir)
        reads: list[FileRead] = []
        fresh: list[tuple[FileRead, FileStat, str, int]] = []
        reused = 0
        for n, path in enumerate(files, 1):
            rel = path.relative_to(raw_dir).as_posix()
            seen_at = time.time_ns()  # before the stat: a later change always shows up
            stat = FileStat.of(path)
            kept = previous.get(rel)
            digest, read = None, None
            if kept is not None and kept["fingerprint"] == fp:
                if not _same_stat(kept, stat):
                    digest = content_hash(path)
                if digest is None or digest == kept["sha256"]:
                    read = FileRead(rel, _rows(records.get((rel,))), _rows(errors.get((rel,))))
                    reused += 1
                    if digest is not None:  # touched, not changed: remember the new stat
                        fresh.append((read, stat, digest, seen_at))
            if read is None:
                # Hashed before reading: if the file changes while it is read, the stored
                # hash is the older content's and the next run reads it again.
                digest = digest or content_hash(path)
                read = read_file(raw_dir, path, now, max_bytes)
                for row in read.records:
                    row["ingested_at"] = min(first_seen.get(row["article_id"], now), now)
                fresh.append((read, stat, digest, seen_at))
                fault_point("ingest.file-read", rel)  # read, not yet saved
            reads.append(read)
            if len(fresh) >= checkpoint_files:
                _save(store, fresh, fp)
                fresh = []
            if progress:
                progress(n, len(files))
        if fresh:
            _save(store, fresh, fp)
        store.compact(keep=[r.path for r in reads])
        memo_path = Path(state_dir) / NEAR_DUPLICATE_MEMO
        memo = _load_memo(memo_path, fp)
        before = memo.key
        result = combine(reads, memo)
        if memo.key != before:
            _save_memo(memo_path, memo, fp)
    return IncrementalIngest(result, files_read=len(files) - reused, files_reused=reused)


def _load_memo(path: Path, fp: str) -> NearDuplicateMemo:
    """The last near-duplicate grouping, and the signatures it was computed from when the
    readers (and the dedup code with them) are the same as when they were saved."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        memo = NearDuplicateMemo(data["key"], {int(i): int(j) for i, j in data["earliest_of"]})
    except (OSError, ValueError, KeyError, TypeError):
        return NearDuplicateMemo()
    try:
        with np.load(path.with_name(SIGNATURES_FILE), allow_pickle=False) as saved:
            if str(saved["fingerprint"]) == fp:
                memo.signatures = dict(
                    zip(saved["article_id"].tolist(), saved["signature"], strict=True)
                )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        pass  # computed again from the texts
    return memo


def _save_memo(path: Path, memo: NearDuplicateMemo, fp: str) -> None:
    ids = list(memo.signatures)
    sigs = np.array([memo.signatures[i] for i in ids], dtype=np.uint64).reshape(len(ids), -1)
    buf = io.BytesIO()
    np.savez(buf, fingerprint=np.array(fp), article_id=np.array(ids, dtype=str), signature=sigs)
    # Signatures first: a run killed between the two writes leaves signatures that are still
    # each article's own, whatever the grouping file says.
    write_bytes_atomic(path.with_name(SIGNATURES_FILE), buf.getvalue())
    write_bytes_atomic(
        path,
        json.dumps({"key": memo.key, "earliest_of": sorted(memo.earliest_of.items())}).encode(),
    )


def _same_stat(kept: dict, stat: FileStat) -> bool:
    if (kept["size"], kept["mtime_ns"], kept["sidecar_size"], kept["sidecar_mtime_ns"]) != (
        stat.size,
        stat.mtime_ns,
        stat.sidecar_size,
        stat.sidecar_mtime_ns,
    ):
        return False
    newest = max(stat.mtime_ns, stat.sidecar_mtime_ns or 0)
    return newest < kept["read_at_ns"] - RACY_NS


def _first_seen(records: pl.DataFrame) -> dict[str, dt.datetime]:
    if not records.height:
        return {}
    first = records.group_by("article_id").agg(pl.col("ingested_at").min())
    return dict(first.iter_rows())


def _rows(df: pl.DataFrame | None) -> list[dict]:
    return [] if df is None else df.drop(KEY).to_dicts()


def _save(store: ResultStore, fresh: list[tuple[FileRead, FileStat, str, int]], fp: str) -> None:
    index = pl.DataFrame(
        [
            {
                KEY: read.path,
                "size": stat.size,
                "mtime_ns": stat.mtime_ns,
                "sidecar_size": stat.sidecar_size,
                "sidecar_mtime_ns": stat.sidecar_mtime_ns,
                "sha256": digest,
                "read_at_ns": seen_at,
                "fingerprint": fp,
            }
            for read, stat, digest, seen_at in fresh
        ],
        schema=store.index_schema,
    )
    records = [{**row, KEY: read.path} for read, *_ in fresh for row in read.records]
    errors = [{**row, KEY: read.path} for read, *_ in fresh for row in read.errors]
    store.append(
        index,
        {
            "records": _frame(records, store.table_schemas["records"]),
            "errors": _frame(errors, store.table_schemas["errors"]),
        },
    )


def _frame(rows: list[dict], schema: pl.Schema) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")


@dataclass
class PendingFiles:
    """How raw/ differs from what the last run read (by size and modification time)."""

    new: list[str]
    changed: list[str]
    removed: list[str]
    newest_mtime_ns: int  # of the new and changed files (0 when there are none)
    signature: str  # the same raw/ gives the same signature

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.removed)} removed "
            "since the last run"
        )


def pending_files(raw_dir: Path | str, state_dir: Path | str) -> PendingFiles:
    """A cheap look (stat only, no file read) at what the next run would have to read."""
    raw_dir = Path(raw_dir)
    index = ingest_store(state_dir).load_index()
    known = {row[KEY]: row for row in index.iter_rows(named=True)}
    new, changed, seen = [], [], set()
    newest = 0
    h = hashlib.sha256()
    for path in list_raw_files(raw_dir) if raw_dir.is_dir() else []:
        rel = path.relative_to(raw_dir).as_posix()
        stat = FileStat.of(path)
        h.update(f"{rel}\x00{stat}\x00".encode())
        seen.add(rel)
        kept = known.get(rel)
        stored = (
            None
            if kept is None
            else (kept["size"], kept["mtime_ns"], kept["sidecar_size"], kept["sidecar_mtime_ns"])
        )
        current = (stat.size, stat.mtime_ns, stat.sidecar_size, stat.sidecar_mtime_ns)
        if stored == current:
            continue
        (new if kept is None else changed).append(rel)
        newest = max(newest, stat.mtime_ns, stat.sidecar_mtime_ns or 0)
    removed = sorted(set(known) - seen)
    return PendingFiles(new, changed, removed, newest, h.hexdigest()[:32])
