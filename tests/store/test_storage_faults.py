"""A warehouse folder on a read-only or full disk: the run fails at once with one message that
names the path, exits non-zero, and leaves the previous warehouse as it was. The disk is a real
one: a small tmpfs mounted for the test (root only; skipped where mounting is not allowed)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.store import DUCKDB_FILE
from schemas import TABLES
from tests.helpers import (
    GOLD_TEXTS,
    RAW,
    REPO,
    cli_env,
    counts,
    digest,
    leftovers,
    materialize_all,
    table_digest,
)


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True)


@pytest.fixture
def disk(tmp_path):
    """A 24 MB tmpfs, unmounted after the test."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small disk needs root and mount(8)")
    mounted = _run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mnt))
    if mounted.returncode:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {mounted.stderr.strip()}")
    try:
        yield mnt
    finally:
        _run("umount", "-l", str(mnt))


def previous_warehouse(
    tmp_path: Path, disk: Path, shipped: Path
) -> tuple[Path, Path, dict[str, str]]:
    """A finished warehouse on the disk, then new articles in raw/ for the next run."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = disk / "wh"
    # The session's run over raw/ is that finished warehouse: copied, not built again.
    shutil.copytree(shipped, warehouse)
    for text in sorted(GOLD_TEXTS.glob("*"))[:6]:
        shutil.copy(text, raw / text.name)
    files = {t: table_digest(warehouse, t) for t in TABLES}
    files[DUCKDB_FILE] = digest(warehouse / DUCKDB_FILE)
    return raw, warehouse, files


CLI_RUN = [sys.executable, "-m", "pipelines.cli", "run"]


def run_cli(raw: Path, warehouse: Path) -> tuple[int, list[str]]:
    proc = subprocess.run(
        [*CLI_RUN, "--raw", str(raw), "--warehouse", str(warehouse)],
        cwd=REPO,
        env=cli_env(EVENTWIRE_WORKERS="1"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    # The lines eventwire itself writes (Dagster's own log lines start with a timestamp).
    ours = [line for line in proc.stderr.splitlines() if line.startswith("eventwire: ")]
    return proc.returncode, [line for line in ours if not line.startswith("eventwire: reading")]


def fill(disk: Path, leave: int) -> Path:
    """Write a file until the disk is full, then give `leave` bytes back."""
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_read_only_warehouse_folder(tmp_path, disk, shipped_run):
    raw, warehouse, before = previous_warehouse(tmp_path, disk, shipped_run[1])
    remounted = _run("mount", "-o", "remount,ro", str(disk))
    assert remounted.returncode == 0, remounted.stderr

    code, messages = run_cli(raw, warehouse)

    assert code == 1
    assert len(messages) == 1, messages
    assert str(warehouse) in messages[0] and "read-only file system" in messages[0], messages
    assert {t: table_digest(warehouse, t) for t in TABLES} == {t: before[t] for t in TABLES}
    assert digest(warehouse / DUCKDB_FILE) == before[DUCKDB_FILE]
    assert counts(warehouse / DUCKDB_FILE)["articles"] > 0


@pytest.mark.parametrize(
    ("free_bytes", "failing_step"),
    [(0, "raw_articles"), (1024 * 1024, "duckdb_warehouse")],
    ids=["full", "full-at-the-duckdb-build"],
)
def test_out_of_space(tmp_path, disk, shipped_run, free_bytes, failing_step):
    raw, warehouse, before = previous_warehouse(tmp_path, disk, shipped_run[1])
    old_counts = counts(warehouse / DUCKDB_FILE)
    filler = fill(disk, free_bytes)

    code, messages = run_cli(raw, warehouse)

    assert code == 1
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"eventwire: step {failing_step} failed: "), messages
    assert str(warehouse) in messages[0] and "no space left on device" in messages[0], messages
    # What analysts query is the previous file, whole; nothing half written is left to take
    # the space an operator frees.
    assert digest(warehouse / DUCKDB_FILE) == before[DUCKDB_FILE]
    assert counts(warehouse / DUCKDB_FILE) == old_counts
    assert not list(warehouse.glob(f".{DUCKDB_FILE}.building*"))
    assert not list(warehouse.rglob("*.tmp"))
    if failing_step == "raw_articles":
        assert {t: table_digest(warehouse, t) for t in TABLES} == {t: before[t] for t in TABLES}

    # Space freed, the next run completes and tidies up.
    filler.unlink()
    assert materialize_all(raw, warehouse).success
    assert counts(warehouse / DUCKDB_FILE)["articles"] > old_counts["articles"]
    assert leftovers(warehouse) == []
