"""Writers to one warehouse take turns: a file lock per stage, held by the process doing the
writing and released by the kernel if that process dies (no stale lock after a kill)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipelines.errors import WarehouseBusy
from pipelines.store.atomic import storage_errors

# Long enough for another run's extraction to finish (settings.lock_timeout_s overrides it).
DEFAULT_TIMEOUT_S = 6 * 3600.0


def lock_path(warehouse_dir: Path | str, name: str) -> Path:
    return Path(warehouse_dir) / "state" / "locks" / f"{name}.lock"


def warehouse_lock(warehouse_dir: Path | str, name: str, timeout_s: float | None = None):
    return file_lock(lock_path(warehouse_dir, name), timeout_s)


@contextmanager
def file_lock(path: Path, timeout_s: float | None = None) -> Iterator[None]:
    timeout = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
    lock = FileLock(path, timeout=timeout, thread_local=False)
    try:
        with storage_errors(path):  # a read-only folder fails here, at the run's first write
            path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
    except Timeout:
        raise WarehouseBusy(
            f"another eventwire run has held {path} for over {timeout:.0f}s; "
            "wait for it to finish (or raise EVENTWIRE_LOCK_TIMEOUT)"
        ) from None
    try:
        yield
    finally:
        lock.release()
