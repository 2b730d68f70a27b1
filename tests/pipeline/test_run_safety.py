"""A run killed half-way and an analyst's open session: the warehouse stays whole, and the
next run gives what an uninterrupted run gives."""

from __future__ import annotations

import ast
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from pipelines.extract.incremental import extract_store
from pipelines.store import DUCKDB_FILE, read_table, state_dir
from pipelines.store.state import ResultStore
from schemas import TABLES
from tests.helpers import (
    RAW,
    REPO,
    assert_same_tables,
    cli_env,
    counts,
    digest,
    duckdb_rows,
    gold_articles,
    hold_warehouse_lock,
    materialize_all,
    read_tables,
    run_meta,
    table_digest,
)

EXTRACTED = ("events", "claims", "quantities", "actors")


def extraction_segments(warehouse: Path) -> set[str]:
    root = extract_store(state_dir(warehouse)).root
    return {p.name for p in root.glob("seg-*") if (p / "COMPLETE").is_file()}


def test_run_killed_during_extraction_leaves_the_warehouse_whole(tmp_path, shipped_run):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "wh"
    shutil.copytree(shipped_run[1], warehouse)  # the session's finished run over raw/
    before = {t: table_digest(warehouse, t) for t in EXTRACTED}
    db_before = digest(warehouse / DUCKDB_FILE)
    counts_before = counts(warehouse / DUCKDB_FILE)
    segments_before = extraction_segments(warehouse)
    for text in gold_articles(6):
        shutil.copy(text, raw / text.name)

    # Results are saved after every article, so the kill lands between two saves.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "run",
            "--raw",
            str(raw),
            "--warehouse",
            str(warehouse),
        ],
        cwd=REPO,
        env=cli_env(EVENTWIRE_CHECKPOINT_ARTICLES="1", EVENTWIRE_WORKERS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while not (extraction_segments(warehouse) - segments_before):
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            assert time.monotonic() < deadline, "extraction never saved a result"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # The previous warehouse is intact: the extracted tables and the DuckDB file are the old
    # ones, byte for byte, and the DuckDB file opens with the old row counts. (articles was
    # already rewritten by the finished ingest step: it is a whole, valid new file.)
    assert {t: table_digest(warehouse, t) for t in EXTRACTED} == before
    assert digest(warehouse / DUCKDB_FILE) == db_before
    assert counts(warehouse / DUCKDB_FILE) == counts_before
    for table in TABLES:
        read_table(warehouse, table)
    assert not list(warehouse.rglob("*.tmp"))

    # The next run finishes the job, keeps what the killed run had parsed, and ends where an
    # uninterrupted run over the same raw/ ends.
    resumed = materialize_all(raw, warehouse)
    assert resumed.success
    meta = run_meta(resumed)["extracted_events"]
    new_articles = meta["articles_parsed"] + meta["articles_reused"] - 7
    assert new_articles >= 5
    assert 0 < meta["articles_parsed"] < new_articles
    cold = materialize_all(raw, tmp_path / "cold")
    assert cold.success
    assert_same_tables(read_tables(warehouse), read_tables(tmp_path / "cold"))
    assert counts(warehouse / DUCKDB_FILE) == counts(tmp_path / "cold" / DUCKDB_FILE)
    assert len(extraction_segments(warehouse)) == 1  # compacted


READER = r"""
import sys, time, duckdb
db, stop = sys.argv[1], sys.argv[2]
held = duckdb.connect(db, read_only=True)
held.execute("BEGIN")
first = held.execute("SELECT count(*) FROM events").fetchone()[0]
print("ready", first, flush=True)
seen, errors, polls = set(), [], 0
import os
while not os.path.exists(stop):
    try:
        con = duckdb.connect(db, read_only=True)
        n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        n_view = con.execute("SELECT count(*) FROM event_timeline").fetchone()[0]
        con.close()
        seen.add((n_events, n_view))
        polls += 1
        time.sleep(0.005)
    except Exception as err:
        errors.append(repr(err))
again = held.execute("SELECT count(*) FROM events").fetchone()[0]
print("held", first, again, flush=True)
print("seen", sorted(seen), flush=True)
print("polls", polls, flush=True)
print("errors", errors[:3], flush=True)
"""


def test_open_readers_neither_stall_a_run_nor_see_half_a_warehouse(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "realist-us-venezuela.txt", raw)
    shutil.copy(RAW / "realist-us-venezuela.meta.json", raw)
    warehouse = tmp_path / "wh"
    assert materialize_all(raw, warehouse).success
    old = counts(warehouse / DUCKDB_FILE)["events"]
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse / DUCKDB_FILE), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().split() == ["ready", str(old)]
        for path in (RAW / "wire").iterdir():
            shutil.copy(path, raw / path.name)
        result = materialize_all(raw, warehouse)  # runs while both readers are connected
        assert result.success
        new = counts(warehouse / DUCKDB_FILE)["events"]
        assert new > old
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    # The session held open all along kept one consistent view: the old warehouse.
    assert lines["held"].split() == [str(old), str(old)]
    assert lines["errors"] == "[]"
    assert int(lines["polls"]) > 0
    # Every poll saw a whole warehouse, old or new: tables and views always agree.
    seen = ast.literal_eval(lines["seen"])  # (events, timeline rows) per poll
    assert {n for n, _ in seen} <= {old, new}
    assert all(n == v for n, v in seen)


def test_a_partly_written_segment_is_ignored_and_cleaned_up(tmp_path):
    store = ResultStore(tmp_path / "s", {"v": pl.Int64()}, {"rows": {"x": pl.String()}})
    index = pl.DataFrame({"_key": ["a", "b"], "v": [1, 2]})
    store.append(index, {"rows": pl.DataFrame({"_key": ["a", "a", "b"], "x": ["1", "2", "3"]})})
    # A second segment written by a run killed before its COMPLETE marker.
    partial = store.append(
        pl.DataFrame({"_key": ["a"], "v": [9]}),
        {"rows": pl.DataFrame({"_key": ["a"], "x": ["9"]})},
    )
    (partial / "COMPLETE").unlink()
    (partial / "rows.parquet").write_bytes(b"PAR1 cut short")
    loaded = store.load()
    assert loaded.index.sort("_key")["v"].to_list() == [1, 2]
    assert loaded.tables["rows"]["x"].to_list() == ["1", "2", "3"]
    assert store.compact(keep=["a"])
    [only] = (tmp_path / "s").iterdir()  # the partial segment is gone too
    assert (only / "COMPLETE").is_file()
    assert store.load().tables["rows"]["x"].to_list() == ["1", "2"]


def test_newer_segments_win_and_other_columns_count_as_not_done(tmp_path):
    schema = {"rows": {"x": pl.String()}}
    store = ResultStore(tmp_path / "s", {"v": pl.Int64()}, schema)
    store.append(
        pl.DataFrame({"_key": ["a"], "v": [1]}),
        {"rows": pl.DataFrame({"_key": ["a"], "x": ["old"]})},
    )
    store.append(
        pl.DataFrame({"_key": ["a"], "v": [2]}),
        {"rows": pl.DataFrame({"_key": ["a"], "x": ["new"]})},
    )
    assert store.load().tables["rows"]["x"].to_list() == ["new"]
    # The model gained a column since: stored rows lack it, so nothing stored is reused.
    wider = ResultStore(
        tmp_path / "s", {"v": pl.Int64()}, {"rows": {"x": pl.String(), "y": pl.Int64()}}
    )
    assert wider.load().index.height == 0


@pytest.mark.parametrize("stage", ["ingest", "extract", "duckdb"])
def test_writers_take_turns(tmp_path, stage):
    from pipelines.errors import WarehouseBusy
    from pipelines.store.locks import warehouse_lock

    holder = hold_warehouse_lock(tmp_path, stage)
    try:
        with (
            pytest.raises(WarehouseBusy, match="another eventwire run"),
            warehouse_lock(tmp_path, stage, timeout_s=0.2),
        ):
            pass
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
        with warehouse_lock(tmp_path, stage, timeout_s=30):
            pass  # released when the holder finished
    finally:
        if holder.poll() is None:
            holder.kill()


def test_a_killed_lock_holder_does_not_block_the_next_run(tmp_path):
    from pipelines.store.locks import warehouse_lock

    holder = hold_warehouse_lock(tmp_path, "duckdb")
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    with warehouse_lock(tmp_path, "duckdb", timeout_s=30):
        pass


def test_two_runs_started_at_once_take_turns(tmp_path, shipped_run):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "wh"
    command = [sys.executable, "-m", "pipelines.cli", "run", "--raw", str(raw)]
    runs = [
        subprocess.Popen(
            [*command, "--warehouse", str(warehouse)],
            cwd=REPO,
            env=cli_env(EVENTWIRE_WORKERS="1", EVENTWIRE_CHECKPOINT_ARTICLES="1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    logs = []
    try:
        for run in runs:
            _, err = run.communicate(timeout=600)
            logs.append(err)
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
    assert [run.returncode for run in runs] == [0, 0], [log[-3000:] for log in logs]

    # The second waited for the first at each stage instead of doing the work beside it: one
    # run parsed every article, the other found them all done.
    parsed = sorted(
        int(line.split(" parsed (")[0].rsplit(": ", 1)[1])
        for log in logs
        for line in log.splitlines()
        if " parsed (" in line and "articles to extract from" in line
    )
    single, cold = shipped_run  # a single run over the same raw/
    assert parsed == [0, run_meta(single)["extracted_events"]["articles_parsed"]], parsed

    # One whole warehouse, equal to a single run's.
    assert_same_tables(read_tables(warehouse), read_tables(cold))
    assert duckdb_rows(warehouse) == duckdb_rows(cold)
    assert not list(warehouse.rglob("*.tmp"))
