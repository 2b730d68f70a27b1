"""Atomic file replacement: write beside the target, fsync, rename over it. A reader (or a
run killed half-way) sees the old file or the new one, never a partial one."""

from __future__ import annotations

import errno
import filecmp
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import StorageError
from pipelines.faults import FaultPoint, fault_point

# A disk that is full or read-only: the same error at every retry, until a person acts.
_STORAGE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


def storage_errno(err: BaseException) -> int | None:
    """The errno of a full or read-only disk behind `err`, also when a library (polars,
    DuckDB) reports it as its own exception with the OS message inside."""
    if isinstance(err, OSError) and err.errno in _STORAGE_ERRNOS:
        return err.errno
    text = str(err)
    for code in _STORAGE_ERRNOS:
        if f"os error {code})" in text or os.strerror(code) in text:
            return code
    return None


@contextmanager
def storage_errors(path: Path | str) -> Iterator[None]:
    """Turn a full or read-only disk met while writing `path` into one StorageError."""
    try:
        yield
    except StorageError:
        raise
    except Exception as err:
        code = storage_errno(err)
        if code is None:
            raise
        raise StorageError(code, path) from err


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
    with storage_errors(path):
        return _replace_atomically(path, write, keep_if_same)


def _replace_atomically(path: Path, write: Callable[[Path], None], keep_if_same: bool) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    # The writer's pid is in the name, so a later write can tell a killed run's leftover
    # from a file another process is writing right now.
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent
    )
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
        # the folder and file (a table's part: table/month=…/part-0.parquet)
        label = "/".join(path.parts[-3 if path.parent.name.startswith("month=") else -2 :])
        fault_point(FaultPoint.ATOMIC_WRITTEN, label)
        os.replace(tmp, path)
        fsync_dir(path.parent)
        fault_point(FaultPoint.ATOMIC_REPLACED, label)
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


_TMP_PID = re.compile(r"\.(\d+)-[^.]*\.tmp$")


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of writes a killed run never finished (their writer is gone); those
    of a process still running are left to it."""
    if not folder.is_dir():
        return
    for tmp in folder.glob(".*.tmp"):
        match = _TMP_PID.search(tmp.name)
        if match and _alive(int(match.group(1))):
            continue
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
