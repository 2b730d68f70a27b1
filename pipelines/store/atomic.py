"""Atomic file replacement: write beside the target, fsync, rename over it. A reader (or a
run killed half-way) sees the old file or the new one, never a partial one."""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def replace_atomically(
    path: Path, write: Callable[[Path], None], *, keep_if_same: bool = False
) -> bool:
    """Call write(tmp) on a temporary file beside `path`, then rename it over `path`.
    With keep_if_same, an identical existing file is left alone (its mtime and inode too,
    so a later step can tell nothing changed). Returns True when the file was replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if keep_if_same and path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            tmp.unlink()
            return False
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; analysts may be other users
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
        return True
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    replace_atomically(path, lambda tmp: tmp.write_bytes(data))


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of writes a killed run never finished."""
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
