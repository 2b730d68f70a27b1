"""Which files below raw/ are inputs, and what tells a later run that one changed: its size
and modification time (and its sidecar's), and a hash of their bytes."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import IngestError
from pipelines.ingest.readers import SIDECAR_SUFFIX, sidecar_path

# Deeper than any real export; a folder below this depth is refused (too_deep) rather than
# walked, so a hostile tree costs one row, never a RecursionError or a path past PATH_MAX.
MAX_DEPTH = 64


@dataclass
class RawEntry:
    """One entry below raw/ that a run accounts for: an input file, or an entry that cannot be
    one (`refused` says why: a link out of raw/, a FIFO, a name that is not UTF-8 ...)."""

    path: Path
    shown: str  # relative to raw/, as the tables show it (valid UTF-8 whatever the name)
    refused: IngestError | None = None


@dataclass
class RawScan:
    entries: list[RawEntry]  # in raw/ order: files to read and refused entries
    hidden: int  # entries whose name starts with "." (not inputs, never read)

    @property
    def files(self) -> list[Path]:
        return [e.path for e in self.entries if e.refused is None]


def scan_raw(raw_dir: Path) -> RawScan:
    """Every entry below raw_dir that is or should have been an input, in a stable order.

    raw/ is a boundary: a symbolic link is followed only to a file inside raw/; links to
    folders are not followed (so no loop can be walked). Hidden entries and sidecars are not
    inputs. Walked with a stack, not recursion."""
    root = raw_dir.resolve()
    entries: list[RawEntry] = []
    hidden = 0
    stack: list[tuple[Path, int]] = [(raw_dir, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                found = list(it)
        except OSError as err:
            rel = _shown(folder, raw_dir)
            reason = f"the folder cannot be listed ({err.strerror}); its files were not read"
            entries.append(RawEntry(folder, rel, IngestError("unreadable", reason)))
            continue
        for entry in found:
            if entry.name.startswith("."):
                hidden += 1
                continue
            path = Path(entry.path)
            shown = _shown(path, raw_dir)
            refused, is_dir = _refusal(entry, path, root)
            if refused is None and is_dir:
                if depth + 1 > MAX_DEPTH:
                    refused = IngestError(
                        "too_deep",
                        f"a folder {depth + 1} levels below raw/ (at most {MAX_DEPTH} are "
                        "read); nothing in it was read: move its files higher up",
                    )
                else:
                    stack.append((path, depth + 1))
                    continue
            if refused is None and entry.name.endswith(SIDECAR_SUFFIX):
                continue  # read with the file it describes
            entries.append(RawEntry(path, shown, refused))
    # The order rglob gave before: by path components.
    entries.sort(key=lambda e: e.path.relative_to(raw_dir).parts)
    return RawScan(entries, hidden)


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Input files below raw_dir in a stable order (see scan_raw)."""
    return scan_raw(raw_dir).files


def _shown(path: Path, raw_dir: Path) -> str:
    """The relative path as text that can be stored: a byte that is not UTF-8 shows as \\xNN."""
    rel = path.relative_to(raw_dir).as_posix()
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _refusal(entry: os.DirEntry, path: Path, root: Path) -> tuple[IngestError | None, bool]:
    """Why `entry` cannot be an input (None when it can), and whether it is a folder to walk."""
    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        return IngestError(
            "bad_file_name", "the name is not valid UTF-8: rename it (nothing in it was read)"
        ), False
    try:
        if entry.is_symlink():
            target = os.readlink(path)
            try:
                resolved = path.resolve(strict=True)
            except FileNotFoundError:
                return IngestError(
                    "broken_link", f"a symbolic link to {target!r}, which does not exist"
                ), False
            except (RuntimeError, OSError):  # ELOOP (RuntimeError before Python 3.13)
                return IngestError(
                    "broken_link", f"a symbolic link to {target!r} that loops back on itself"
                ), False
            if not resolved.is_relative_to(root):
                return IngestError(
                    "outside_raw",
                    f"a symbolic link to {target!r}, outside the raw folder: not read. Copy "
                    "the file into raw/ if it is meant as input",
                ), False
            st = os.stat(path)
            if stat.S_ISDIR(st.st_mode):
                return IngestError(
                    "not_a_file",
                    "a symbolic link to a folder: links to folders are not followed; move or "
                    "copy the folder into raw/",
                ), False
        else:
            st = entry.stat(follow_symlinks=False)
    except OSError as err:
        return IngestError("unreadable", f"cannot look at it: {err.strerror}"), False
    if stat.S_ISDIR(st.st_mode):
        return None, True
    if stat.S_ISREG(st.st_mode):
        return None, False
    kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
    return IngestError("not_a_file", f"{kind}, not a file: never opened"), False


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
