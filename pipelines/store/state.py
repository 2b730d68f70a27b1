"""Results kept between runs, per key (a raw file, an article), so a run only does new work.

A store is a folder of segments under <warehouse>/state/<name>/. A segment holds an index
(one row per key, with whatever the caller needs to decide whether the result is still good)
and one Parquet file per table (rows tagged with their key). A segment counts only once its
COMPLETE marker exists, and the marker is written last: a run killed while writing leaves a
segment that is ignored and removed later, never a half-read one. Segments are numbered; for
a key, the newest segment wins. `compact` writes the live results into one new segment and
deletes the rest, so the folder does not grow run after run.

Callers hold the store's lock (`with store.locked():`) from `load` to `compact`: a second run
waits instead of writing segments under a compaction.

A complete segment that cannot be read (a file cut short or damaged on disk) is set aside
under <warehouse>/state/quarantine/, named in a warning, and its keys count as never done:
the stage does them again and the run goes on. Every file of a segment is decoded in full the
first time a process looks at it, so damage shows up before a run relies on the segment, not
half-way through writing its tables.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.faults import FaultPoint, fault_point
from pipelines.store.atomic import fsync_dir, storage_errors, write_bytes_atomic
from pipelines.store.locks import file_lock

KEY = "_key"
INDEX = "index"
_MARKER = "COMPLETE"
_SEGMENT = re.compile(r"^seg-(\d{10})-[0-9a-f]{8}$")
QUARANTINE = "quarantine"  # beside the stores, under state/

log = logging.getLogger(__name__)
# Segments this process has decoded in full, by path and marker time: checked once each.
_verified: set[tuple[str, int]] = set()


@dataclass
class StoredResults:
    """The newest result per key: `index` has one row per key, `tables` the rows of each."""

    index: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    segments: int  # complete segments on disk (more than one: worth compacting)

    def keys(self) -> set[str]:
        return set(self.index[KEY].to_list())


class ResultStore:
    """Append-only segments of per-key results; see the module docstring."""

    def __init__(
        self,
        root: Path | str,
        index_schema: Mapping[str, pl.DataType],
        table_schemas: Mapping[str, Mapping[str, pl.DataType]],
    ):
        self.root = Path(root)
        self.index_schema = pl.Schema({KEY: pl.String(), **index_schema})
        self.table_schemas = {
            name: pl.Schema({KEY: pl.String(), **schema}) for name, schema in table_schemas.items()
        }

        self._loaded: StoredResults | None = None
        self._indexed: tuple[list[Path], tuple[pl.DataFrame, dict[str, int], list[int]]] | None
        self._indexed = None
        self._appended = False
        self._tidy = False
        self.quarantined: list[Path] = []  # segments set aside by this object

    def locked(self, timeout_s: float | None = None):
        """The lock every writer of this store holds, next to the store's folder."""
        return file_lock(self.root.parent / "locks" / f"{self.root.name}.lock", timeout_s)

    # -- reading ---------------------------------------------------------------------------

    def load(self) -> StoredResults:
        """The newest complete result per key. A segment written with other columns (the
        models changed since) is skipped as a whole: its keys count as never done."""
        found = self._segment_dirs()
        segments = self._complete(found)
        self._tidy = len(segments) == len(found)
        self._appended = False
        self._loaded = self._load(segments)
        return self._loaded

    def load_index(self, verify: bool = True) -> pl.DataFrame:
        """Only the newest index row per key, no tables. verify=False: a cheap look without
        the store's lock (for sensors), which never decodes or quarantines a segment."""
        index, _, _ = self._index(self._complete(self._segment_dirs(), verify))
        return index

    def segment_names(self) -> list[str]:
        """The complete segments, oldest first. Segments are never modified once complete, so
        the same names mean the same stored results."""
        return [s.name for s in self._complete(self._segment_dirs(), verify=False)]

    def current(self) -> StoredResults:
        """What the last load or compact found (reloaded if segments were appended since)."""
        if self._loaded is None or self._appended:
            return self.load()
        return self._loaded

    def load_table(self, name: str, keys: set[str] | None = None) -> pl.DataFrame:
        """The newest rows of table `name` (of `keys` only, when given), as load() gives
        them, without reading the other tables: a caller can then hold one table at a time."""
        segments = self._complete(self._segment_dirs())
        _, winner, sizes = self._index(segments)
        return self._read(name, segments, _taken(winner, sizes, keys))

    def row_counts(self, name: str) -> dict[str, int]:
        """How many rows of table `name` each key's newest result has (keys without rows are
        left out), reading only the key column."""
        segments = self._complete(self._segment_dirs())
        _, winner, sizes = self._index(segments)
        counts: dict[str, int] = {}
        for segment, keys in zip(segments, _taken(winner, sizes), strict=True):
            if keys is not None and not keys:
                continue
            scan = pl.scan_parquet(segment / f"{name}.parquet").select(KEY)
            if keys is not None:
                scan = scan.filter(pl.col(KEY).is_in(pl.Series(keys, dtype=pl.String).implode()))
            counts |= dict(scan.group_by(KEY).len().collect().iter_rows())
        return counts

    def _index(self, segments: list[Path]) -> tuple[pl.DataFrame, dict[str, int], list[int]]:
        """The newest index row per key, which segment (by position) it comes from, and how
        many keys each segment holds. Kept for the same segments (a complete segment never
        changes): a reader of one table a month at a time asks for it dozens of times, and
        it took 0.4 s at 100,000 keys."""
        if not segments:
            return pl.DataFrame(schema=self.index_schema), {}, []
        if self._indexed is not None and self._indexed[0] == segments:
            return self._indexed[1]
        self._indexed = (list(segments), self._read_index(segments))
        return self._indexed[1]

    def _read_index(self, segments: list[Path]) -> tuple[pl.DataFrame, dict[str, int], list[int]]:
        indexes = [
            pl.read_parquet(s / f"{INDEX}.parquet").with_columns(pl.lit(i).alias("_seg"))
            for i, s in enumerate(segments)
        ]
        sizes = [df.height for df in indexes]
        index = pl.concat(indexes)
        newest = index.group_by(KEY).agg(pl.col("_seg").max())
        winner = dict(newest.iter_rows())
        index = index.filter(pl.col("_seg") == pl.col(KEY).replace_strict(winner))
        return index.drop("_seg"), winner, sizes

    def _load(self, segments: list[Path]) -> StoredResults:
        if not segments:
            return StoredResults(
                pl.DataFrame(schema=self.index_schema),
                {n: pl.DataFrame(schema=s) for n, s in self.table_schemas.items()},
                0,
            )
        index, winner, sizes = self._index(segments)
        taken = _taken(winner, sizes)
        tables = {name: self._read(name, segments, taken) for name in self.table_schemas}
        return StoredResults(index, tables, len(segments))

    def _read(self, name: str, segments: list[Path], taken: list[list[str] | None]) -> pl.DataFrame:
        """The rows of table `name` of the keys `taken` from each segment. A segment none of
        whose keys a newer one replaced is read as it is, without a filter: reading through
        one lazy query over every segment held about twice the table at 200,000 articles."""
        parts = []
        for segment, keys in zip(segments, taken, strict=True):
            scan = pl.scan_parquet(segment / f"{name}.parquet")
            if keys is not None:
                if not keys:
                    continue
                scan = scan.filter(pl.col(KEY).is_in(pl.Series(keys, dtype=pl.String).implode()))
            parts.append(scan.collect())
        return pl.concat(parts) if parts else pl.DataFrame(schema=self.table_schemas[name])

    def _complete(self, found: list[Path], verify: bool = True) -> list[Path]:
        """The segments that count: marked complete, written with the current columns, and
        (verify) readable: a damaged one is quarantined, see the module docstring."""
        complete = [s for s in found if (s / _MARKER).is_file() and self._usable(s)]
        return [s for s in complete if self._readable(s)] if verify else complete

    def _readable(self, segment: Path) -> bool:
        try:
            key = (str(segment), (segment / _MARKER).stat().st_mtime_ns)
        except OSError:
            return False
        if key in _verified:
            return True
        try:
            for path in sorted(segment.glob("*.parquet")):
                for _ in pq.ParquetFile(path).iter_batches(batch_size=65_536):
                    pass  # decoded and dropped: only whether it decodes matters
        except Exception as err:  # pyarrow raises OSError, ArrowInvalid, ... for bad bytes
            self._quarantine(segment, f"{type(err).__name__}: {err}")
            return False
        finally:
            _release_arrow_memory()
        _verified.add(key)
        return True

    def _quarantine(self, segment: Path, why: str) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        dest = self.root.parent / QUARANTINE / f"{self.root.name}-{segment.name}-{stamp}"
        with storage_errors(dest):
            dest.parent.mkdir(parents=True, exist_ok=True)
            segment.rename(dest)
            fsync_dir(self.root)
        self.quarantined.append(dest)
        log.warning(
            "state %s: segment %s cannot be read (%s); moved to %s. Its results are made "
            "again by this run; delete the quarantined folder once you no longer need it",
            self.root.name,
            segment,
            why[:300],
            dest,
        )

    def _segment_dirs(self) -> list[Path]:
        """Segment folders, complete or not, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted((p for p in self.root.iterdir() if _SEGMENT.match(p.name)), key=_seq)

    def _usable(self, segment: Path) -> bool:
        try:
            if pl.read_parquet_schema(segment / f"{INDEX}.parquet") != self.index_schema:
                return False
            return all(
                pl.read_parquet_schema(segment / f"{name}.parquet") == schema
                for name, schema in self.table_schemas.items()
            )
        except (OSError, pl.exceptions.ComputeError):
            return False

    # -- writing ---------------------------------------------------------------------------

    def append(self, index: pl.DataFrame, tables: Mapping[str, pl.DataFrame]) -> Path:
        """Write one segment: the given results replace older ones for the same keys."""
        self._appended = True
        return self._write_segment(self._next_seq(), index, tables)

    def compact(self, keep: Iterable[str] | None = None) -> bool:
        """Rewrite the newest result of each key in `keep` (all keys when None) into one
        segment, then delete every other segment and anything a killed run left behind.
        Returns False when there was nothing to do (one tidy segment of exactly those keys).

        The tables are streamed from the old segments' files into the new one a batch of
        rows at a time, never held in memory whole (a lazy polars query over the segments
        held about 1.5 GB at a time at 200,000 articles)."""
        loaded = self._loaded
        unchanged = loaded is not None and not self._appended and self._tidy
        if unchanged and loaded.segments <= 1 and (keep is None or set(keep) == loaded.keys()):
            return False
        found = self._segment_dirs()
        segments = self._complete(found)
        index, winner, sizes = self._index(segments)
        stored_keys = set(index[KEY].to_list())
        keep_set = stored_keys if keep is None else set(keep)
        if len(segments) == len(found) == 1 and keep_set == stored_keys:
            return False
        index = index.filter(pl.col(KEY).is_in(keep_set))
        rows = _Stored(segments, _taken(winner, sizes, keep_set)) if segments else None
        newest = self._write_segment(
            self._next_seq(), index, dict.fromkeys(self.table_schemas, rows) if rows else {}
        )
        fault_point(FaultPoint.STATE_COMPACTED, self.root.name)  # old segments not yet deleted
        for path in self._segment_dirs():
            if path != newest:
                shutil.rmtree(path, ignore_errors=True)
        fsync_dir(self.root)
        self._loaded = None  # read back from the one segment when asked for
        self._appended, self._tidy = False, True
        return True

    def _next_seq(self) -> int:
        return max((_seq(p) for p in self._segment_dirs()), default=0) + 1

    def _write_segment(
        self, seq: int, index: pl.DataFrame, tables: Mapping[str, pl.DataFrame | _Stored]
    ) -> Path:
        path = self.root / f"seg-{seq:010d}-{uuid.uuid4().hex[:8]}"
        with storage_errors(path):
            try:
                self._write_segment_files(path, index, tables)
            except Exception:
                shutil.rmtree(path, ignore_errors=True)  # a full disk gets its space back
                raise
        return path

    def _write_segment_files(
        self, path: Path, index: pl.DataFrame, tables: Mapping[str, pl.DataFrame | _Stored]
    ) -> None:
        path.mkdir(parents=True)
        _write(
            path / f"{INDEX}.parquet", index.select(self.index_schema.names()), self.index_schema
        )
        for name, schema in self.table_schemas.items():
            rows = tables.get(name)
            if isinstance(rows, _Stored):
                _copy(path / f"{name}.parquet", name, rows)
                continue
            df = pl.DataFrame(schema=schema) if rows is None else rows.select(schema.names())
            _write(path / f"{name}.parquet", df, schema)
        fsync_dir(path)
        fault_point(FaultPoint.STATE_SEGMENT_WRITTEN, self.root.name)
        write_bytes_atomic(path / _MARKER, b"")
        fsync_dir(self.root)
        fault_point(FaultPoint.STATE_SEGMENT_COMPLETE, self.root.name)


def _seq(path: Path) -> int:
    match = _SEGMENT.match(path.name)
    return int(match.group(1)) if match else 0


def _taken(
    winner: dict[str, int], sizes: list[int], keep: set[str] | None = None
) -> list[list[str] | None]:
    """Per segment, the keys (in `keep`) whose newest result it holds; None when that is
    every key it holds, so that its rows are taken without a filter."""
    keys: list[list[str]] = [[] for _ in sizes]
    for key, segment in winner.items():
        if keep is None or key in keep:
            keys[segment].append(key)
    return [None if len(k) == n else k for k, n in zip(keys, sizes, strict=True)]


@dataclass(frozen=True)
class _Stored:
    """Rows to copy into a new segment: those of the keys taken from each old segment."""

    segments: list[Path]
    taken: list[list[str] | None]


_COPY_BATCH_ROWS = 65_536


def _copy(path: Path, name: str, rows: _Stored) -> None:
    """Stream table `name`'s rows from the old segments into `path`, a batch at a time."""
    schema = pq.read_schema(rows.segments[0] / f"{name}.parquet")
    with pq.ParquetWriter(path, schema, compression="zstd", write_statistics=False) as out:
        for segment, keys in zip(rows.segments, rows.taken, strict=True):
            if keys is not None and not keys:
                continue
            wanted = None if keys is None else pa.array(keys, type=schema.field(KEY).type)
            source = pq.ParquetFile(segment / f"{name}.parquet")
            for batch in source.iter_batches(batch_size=_COPY_BATCH_ROWS):
                if wanted is not None:
                    batch = batch.filter(pc.is_in(batch.column(KEY), value_set=wanted))
                if batch.num_rows:
                    out.write_batch(batch)
    _release_arrow_memory()
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _release_arrow_memory() -> None:
    """Give back what pyarrow's allocator keeps after decoding: polars allocates apart
    and would never reuse it (about 100 MB after the check of a large segment)."""
    pa.default_memory_pool().release_unused()


def _write(path: Path, df: pl.DataFrame, schema: pl.Schema) -> None:
    found = df.collect_schema()
    if found != schema:
        raise ValueError(f"{path.name}: columns {dict(found)} are not {dict(schema)}")
    df.write_parquet(path, compression="zstd", statistics=False)
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
