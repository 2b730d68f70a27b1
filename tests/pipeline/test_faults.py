"""A run killed (SIGKILL) at every stage: the previous warehouse stays whole and readable, and
the next run ends with exactly the rows of an uninterrupted run. The kill comes from the
process itself at a named point (pipelines/faults.py, EVENTWIRE_FAULT), so each case lands
at the same place every time."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.extract.nlp import load_nlp
from pipelines.faults import FaultPoint
from pipelines.store import DUCKDB_FILE, read_table
from schemas import TABLES
from tests.helpers import (
    GOLD_TEXTS,
    RAW,
    REPO,
    assert_same_tables,
    built_once,
    cli_env,
    digest,
    duckdb_rows,
    leftovers,
    materialize_all,
    read_tables,
)

REMOVED, ADDED = (
    "burkina-faso-coup-plot-arrests",
    (
        "colombia-cneb-ceasefire-caracas",
        "india-pakistan-loc-clash-poonch",
    ),
)
CHANGED = "wire/santiago-pension-protest.txt"

# (point, what the DuckDB file holds right after the kill). In the order a run reaches them;
# together they cover every stage: ingest, its state, extraction and its checkpoints, link,
# validation, the Parquet writes, the DuckDB build and swap, and the build record.
KILL_POINTS = [
    ("ingest.file-read@1", "old"),  # a changed file read, nothing saved yet
    ("state.segment-written:ingest", "old"),  # the ingest results written, not marked complete
    ("state.compacted:ingest", "old"),  # a compacted segment beside the ones it replaces
    ("validate:articles", "old"),
    ("atomic.written:articles/month=2025-11/part-0.parquet", "old"),  # written beside
    ("atomic.replaced:articles/month=2025-11/part-0.parquet", "old"),  # a part of articles new
    ("extract.article@2", "old"),  # the first article saved, the second parsed but not saved
    ("state.segment-written:extract@2", "old"),
    ("state.compacted:extract", "old"),
    ("link:events", "old"),
    ("validate:events", "old"),
    ("atomic.replaced:events/month=2025-11/part-0.parquet", "old"),  # a part of events new
    ("duckdb.table:claims", "old"),  # the new DuckDB file half built
    ("duckdb.built", "old"),  # built in full, not swapped in
    ("duckdb.swapped", "new"),  # swapped in, its build record not written
    ("atomic.written:state/duckdb-build.json", "new"),
]


def build_reference(root: Path) -> None:
    """The previous warehouse (a run over raw A) and an uninterrupted run over raw B, where B
    is A with one file removed, one changed and two added."""
    raw_a, raw_b = root / "raw-a", root / "raw-b"
    shutil.copytree(RAW, raw_a)
    for suffix in (".txt", ".meta.json"):
        shutil.copy(GOLD_TEXTS / f"{REMOVED}{suffix}", raw_a)
    shutil.copytree(raw_a, raw_b)
    for suffix in (".txt", ".meta.json"):
        (raw_b / f"{REMOVED}{suffix}").unlink()
        for name in ADDED:
            shutil.copy(GOLD_TEXTS / f"{name}{suffix}", raw_b)
    changed = raw_b / CHANGED
    changed.write_text(
        changed.read_text() + "\nPolice said 40 people were detained near the ministry.\n"
    )
    assert materialize_all(raw_a, root / "previous").success
    assert materialize_all(raw_b, root / "cold").success


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    # Built once for the whole session, whichever worker gets here first; tests copy it.
    root = built_once(tmp_path_factory, "faults-reference", build_reference)
    previous, cold = root / "previous", root / "cold"
    return {
        "raw": root / "raw-b",
        "previous": previous,
        "previous_db": digest(previous / DUCKDB_FILE),
        "previous_rows": duckdb_rows(previous),
        "cold": cold,
        "cold_tables": read_tables(cold),
        "cold_rows": duckdb_rows(cold),
    }


def test_the_kill_points_cover_every_stage():
    names = [point for point, _ in KILL_POINTS]
    assert len(set(names)) == len(names) >= 10
    points = {point.split(":")[0].split("@")[0] for point in names}
    assert points <= {p.value for p in FaultPoint}
    stages = {point.split(".")[0] for point in points}
    assert stages >= {"ingest", "state", "validate", "atomic", "extract", "link", "duckdb"}


def run_cli(argv: list[str], env: dict[str, str], stderr: Path) -> int:
    """`eventwire <argv>` in this process, as `python -m pipelines.cli` runs it, with exactly
    `env` as its environment and its output sent to `stderr`."""
    os.chdir(REPO)
    os.environ.clear()
    os.environ.update(env)
    with stderr.open("wb") as err, open(os.devnull, "wb") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
    return main(argv)


def serve() -> None:
    """The launcher's loop: for each request on stdin, `eventwire` in a forked process, and its
    exit code (minus the signal that killed it) on stdout. Forked after the imports and the
    spaCy model are loaded, which every `python -m pipelines.cli run` repeats (4 CPU-seconds)."""
    load_nlp()
    for line in sys.stdin:
        argv, env, stderr = json.loads(line)
        child = os.fork()
        if child == 0:
            code = 1
            try:
                code = run_cli(argv, env, Path(stderr))
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        _, status = os.waitpid(child, 0)
        print(os.waitstatus_to_exitcode(status), flush=True)


@pytest.fixture(scope="module")
def launch():
    """Runs `eventwire` in a process of its own and returns its exit code, as subprocess.run
    would: forked from a launcher that has paid for the imports once per test worker."""
    code = "from tests.pipeline.test_faults import serve; serve()"
    launcher = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=cli_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a hung run is stopped with it
    )

    def run(argv: list[str], env: dict[str, str], stderr: Path, timeout: float) -> int:
        launcher.stdin.write(json.dumps([argv, env, str(stderr)]) + "\n")
        launcher.stdin.flush()
        if not select.select([launcher.stdout], [], [], timeout)[0]:
            os.killpg(launcher.pid, signal.SIGKILL)
            pytest.fail(f"eventwire {argv} did not end within {timeout} s")
        return int(launcher.stdout.readline())

    yield run
    launcher.stdin.close()
    launcher.wait(timeout=60)


@pytest.mark.parametrize(
    ("point", "duckdb_after_kill"), KILL_POINTS, ids=[p for p, _ in KILL_POINTS]
)
def test_a_run_killed_at_any_point_loses_nothing(
    reference, launch, tmp_path, point, duckdb_after_kill
):
    warehouse = tmp_path / "wh"
    shutil.copytree(reference["previous"], warehouse)
    stderr = tmp_path / "stderr"
    killed = launch(
        ["run", "--raw", str(reference["raw"]), "--warehouse", str(warehouse)],
        cli_env(EVENTWIRE_FAULT=point, EVENTWIRE_WORKERS="1", EVENTWIRE_CHECKPOINT_ARTICLES="1"),
        stderr,
        timeout=600,
    )
    # Killed, not finished: the run did reach the point.
    assert killed == -signal.SIGKILL, stderr.read_text(errors="replace")[-3000:]

    # What an analyst opens is whole: the previous file byte for byte, or (killed after the
    # swap) the complete new one. Every Parquet table is a whole file, old or new.
    if duckdb_after_kill == "old":
        assert digest(warehouse / DUCKDB_FILE) == reference["previous_db"]
        assert duckdb_rows(warehouse) == reference["previous_rows"]
    else:
        assert duckdb_rows(warehouse) == reference["cold_rows"]
    for table in TABLES:
        read_table(warehouse, table)

    # The next run ends exactly where an uninterrupted one does, and tidies up.
    assert materialize_all(reference["raw"], warehouse).success
    assert_same_tables(read_tables(warehouse), reference["cold_tables"])
    assert duckdb_rows(warehouse) == reference["cold_rows"]
    assert leftovers(warehouse) == []
