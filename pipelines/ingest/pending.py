"""What the next run would have to read: how raw/ differs from the ingest state, by size and
modification time only (no file is read), for the sensor that starts runs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.incremental import ingest_store
from pipelines.ingest.raw_files import FileStat, list_raw_files, stored_stat
from pipelines.store.state import KEY


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
    index = ingest_store(state_dir).load_index(verify=False)  # no lock held: only look
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
        if kept is not None and stored_stat(kept) == stat.as_tuple():
            continue
        (new if kept is None else changed).append(rel)
        newest = max(newest, stat.mtime_ns, stat.sidecar_mtime_ns or 0)
    removed = sorted(set(known) - seen)
    return PendingFiles(new, changed, removed, newest, h.hexdigest()[:32])
