"""Which files below raw/ are inputs, and what tells a later run that one changed: its size
and modification time (and its sidecar's), and a hash of their bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.readers import SIDECAR_SUFFIX, sidecar_path


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Input files below raw_dir in a stable order; hidden files and sidecars are not inputs."""
    files = []
    for path in sorted(raw_dir.rglob("*")):
        rel = path.relative_to(raw_dir)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            continue
        files.append(path)
    return files


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

    def as_tuple(self) -> tuple[int, int, int | None, int | None]:
        return (self.size, self.mtime_ns, self.sidecar_size, self.sidecar_mtime_ns)


def stored_stat(row: dict) -> tuple[int, int, int | None, int | None]:
    """The stat an ingest state index row recorded, comparable with FileStat.as_tuple()."""
    return (row["size"], row["mtime_ns"], row["sidecar_size"], row["sidecar_mtime_ns"])


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes and its sidecar's."""
    h = hashlib.sha256()
    for p in (path, sidecar_path(path)):
        if p.is_file():
            with p.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        h.update(b"\x00--\x00")
    return h.hexdigest()
