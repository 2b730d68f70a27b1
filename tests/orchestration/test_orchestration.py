"""Orchestration: the nightly schedule, the raw/ sensor, asset checks that fail on bad data,
and a busy warehouse retried instead of failed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.definitions import ASSETS, defs
from pipelines.defs.reporting import SCHEMA_CHECK, validate_outputs
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.defs.schedules import nightly_schedule
from pipelines.defs.sensors import raw_files_sensor
from pipelines.store import (
    build_warehouse,
    inspect_warehouse,
    read_table,
    table_parts,
    write_table,
)
from schemas import TABLES, Events
from schemas.relations import REFERENCES
from tests.helpers import RAW, REPO, cli_env, hold_warehouse_lock, materialize_all


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    raw = tmp_path_factory.mktemp("orch") / "raw"
    raw.mkdir()
    for name in ("realist-us-venezuela.txt", "realist-us-venezuela.meta.json"):
        shutil.copy2(RAW / name, raw)
    return raw


def test_nightly_schedule_runs_the_whole_graph_at_two_utc():
    assert nightly_schedule.cron_schedule == "0 2 * * *"
    assert nightly_schedule.execution_timezone == "UTC"
    assert nightly_schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    job = defs.resolve_job_def(nightly_schedule.job_name)
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} >= {
        "fetched_feed_items",
        "articles",
        "events",
        "warehouse/events",
    }
    with dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
    ) as context:
        result = nightly_schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1


def test_schedule_and_switch_come_from_the_environment():
    code = (
        "from pipelines.defs.schedules import nightly_schedule as s; "
        "from pipelines.defs.sensors import raw_files_sensor as r; "
        "print(s.cron_schedule, s.execution_timezone, s.default_status.value, "
        "r.default_status.value, r.minimum_interval_seconds)"
    )
    env = cli_env(
        EVENTWIRE_NIGHTLY_CRON="30 3 * * 1-5",
        EVENTWIRE_TIMEZONE="Europe/Berlin",
        EVENTWIRE_AUTOMATION="on",
        EVENTWIRE_SENSOR_INTERVAL_S="15",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    cron = ["30", "3", "*", "*", "1-5"]
    assert out.stdout.split() == [*cron, "Europe/Berlin", "RUNNING", "RUNNING", "15"]


def evaluate_sensor(raw: Path, warehouse: Path, cursor: str | None = None):
    settings = EventwireSettings(raw_dir=str(raw), warehouse_dir=str(warehouse))
    with dg.build_sensor_context(cursor=cursor, resources={"settings": settings}) as context:
        result = raw_files_sensor(context)
        return result, context.cursor


def test_sensor_starts_a_run_for_new_files_once_they_have_settled(small, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small, raw)
    warehouse = tmp_path / "wh"
    # Nothing read yet: everything is new.
    first, cursor = evaluate_sensor(raw, warehouse)
    assert isinstance(first, dg.RunRequest)
    # The same files again: already requested.
    again, _ = evaluate_sensor(raw, warehouse, cursor)
    assert isinstance(again, dg.SkipReason) and "already requested" in again.skip_message

    assert materialize_all(raw, warehouse).success
    quiet, _ = evaluate_sensor(raw, warehouse, cursor)
    assert isinstance(quiet, dg.SkipReason) and "nothing new" in quiet.skip_message

    # A file still being copied in (changed just now) waits for quiet.
    landing = raw / "wire"
    shutil.copytree(RAW / "wire", landing)
    for path in landing.iterdir():
        os.utime(path)
    waiting, _ = evaluate_sensor(raw, warehouse, cursor)
    assert isinstance(waiting, dg.SkipReason) and "waiting" in waiting.skip_message
    # Once it has been quiet long enough, a run is requested.
    old = time.time() - 3600
    for path in landing.iterdir():
        os.utime(path, (old, old))
    ready, new_cursor = evaluate_sensor(raw, warehouse, cursor)
    assert isinstance(ready, dg.RunRequest)
    assert new_cursor != cursor
    assert ready.job_name in (None, "raw_files_job")
    assert raw_files_sensor.job_name == "raw_files_job"

    # A removed file counts too.
    assert materialize_all(raw, warehouse).success
    shutil.rmtree(landing)
    removed, _ = evaluate_sensor(raw, warehouse, new_cursor)
    assert isinstance(removed, dg.RunRequest)


def test_schema_check_fails_and_the_step_is_not_retried(tables):
    events = tables["events"]
    broken = events.with_columns(pl.lit(7).alias("quad_class"))
    results, failure = validate_outputs({"events": (Events, broken)})
    [result] = results
    assert (result.check_name, result.passed) == (SCHEMA_CHECK, False)
    assert "quad_class" in result.description
    assert failure is not None and failure.allow_retries is False
    ok, none = validate_outputs({"events": (Events, events)})
    assert ok[0].passed and none is None


def test_integrity_checks_find_dangling_references_and_duplicate_keys(shipped_run, tmp_path):
    _, shipped = shipped_run
    warehouse = tmp_path / "wh"
    for table in TABLES:
        write_table(warehouse, table, read_table(shipped, table))
    report = inspect_warehouse(
        build_warehouse(warehouse, list(TABLES)).path.parent, TABLES, REFERENCES
    )
    assert all(c.passed for c in report.checks), [c.description for c in report.checks]

    events = read_table(warehouse, "events")
    broken = pl.concat([events, events.head(1)]).with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.lit("NOSUCHACTOR"))
        .otherwise(pl.col("actor1_id"))
        .alias("actor1_id")
    )
    write_table(warehouse, "events", broken)
    build_warehouse(warehouse, list(TABLES))
    checks = {
        (c.table, c.check): c for c in inspect_warehouse(warehouse, TABLES, REFERENCES).checks
    }
    dupes = checks[("events", "no_duplicate_keys")]
    assert not dupes.passed and dupes.metadata["event_id_duplicates"] == 1
    refs = checks[("events", "references_exist")]
    assert not refs.passed and "NOSUCHACTOR" in refs.description
    assert refs.metadata["actor1_id_missing"] == 1
    assert checks[("claims", "references_exist")].passed
    assert checks[("events", "spans_match_text")].passed


def test_span_check_finds_a_span_that_is_not_its_text(shipped_run, tmp_path):
    _, shipped = shipped_run
    warehouse = tmp_path / "wh"
    for table in TABLES:
        write_table(warehouse, table, read_table(shipped, table))
    claims = read_table(warehouse, "claims")
    row = claims.filter(pl.col("content").is_not_null()).row(0, named=True)
    moved = claims.with_columns(  # one claim's content shifted by one character
        pl.when(pl.col("claim_id") == row["claim_id"])
        .then(pl.col("content_start") + 1)
        .otherwise(pl.col("content_start"))
        .alias("content_start")
    )
    write_table(warehouse, "claims", moved)
    build_warehouse(warehouse, list(TABLES))
    checks = {
        (c.table, c.check): c for c in inspect_warehouse(warehouse, TABLES, REFERENCES).checks
    }
    spans = checks[("claims", "spans_match_text")]
    assert not spans.passed
    assert spans.metadata == {"cue_mismatches": 0, "content_mismatches": 1}
    assert checks[("events", "spans_match_text")].passed
    assert checks[("quantities", "spans_match_text")].passed


def test_every_check_the_issue_asks_for_is_defined():
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for table in TABLES:
        assert (table, SCHEMA_CHECK) in checks
        assert (f"warehouse/{table}", "freshness_check") in checks
    assert ("articles", "every_file_accounted_for") in checks
    for table in ("events", "claims", "quantities", "actors", "articles"):
        assert (f"warehouse/{table}", "no_duplicate_keys") in checks
    for table in ("events", "claims", "quantities"):
        assert (f"warehouse/{table}", "references_exist") in checks
        assert (f"warehouse/{table}", "spans_match_text") in checks


def test_a_busy_warehouse_is_retried_not_failed(small, tmp_path):
    warehouse = tmp_path / "wh"
    holder = hold_warehouse_lock(warehouse, "duckdb")
    (tmp_path / "home").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "home"))
    released = threading.Event()

    def release_after_first_retry() -> None:
        # Lets the other "run" finish only once the build has given up waiting once.
        while not released.is_set():
            for run in instance.get_runs():
                for record in instance.all_logs(run.run_id):
                    event = record.dagster_event
                    if event and event.event_type_value == "STEP_UP_FOR_RETRY":
                        holder.stdin.write("\n")
                        holder.stdin.flush()
                        released.set()
                        return
            time.sleep(0.05)

    watcher = threading.Thread(target=release_after_first_retry, daemon=True)
    watcher.start()
    settings = EventwireSettings(
        raw_dir=str(small),
        warehouse_dir=str(warehouse),
        lock_timeout_s=0.5,
        busy_retry_wait_s=0.5,
        busy_retries=20,
    )
    try:
        result = dg.materialize(
            ASSETS, resources=build_resources(settings), instance=instance, raise_on_error=False
        )
    finally:
        released.set()
        if holder.poll() is None:
            holder.kill()
        instance.dispose()
    assert result.success
    retried = [e.step_key for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert retried and set(retried) == {"duckdb_warehouse"}
    assert (warehouse / "eventwire.duckdb").is_file()


def test_the_link_stage_runs_alone_from_the_stored_tables(small, tmp_path):
    warehouse = tmp_path / "wh"
    resources = build_resources(EventwireSettings(raw_dir=str(small), warehouse_dir=str(warehouse)))
    assert materialize_all(small, warehouse).success
    before = {t: read_table(warehouse, t) for t in TABLES}
    for part in table_parts(warehouse, "event_clusters"):
        part.unlink()
    linked = ["events", "claims", "event_clusters", "claim_clusters"]
    alone = dg.materialize(ASSETS, selection=linked, resources=resources)
    assert alone.success
    steps = {e.step_key for e in alone.all_events if e.event_type_value == "STEP_SUCCESS"}
    assert steps == {"linked_tables"}  # nothing parsed, nothing read from raw/
    rewritten = {
        m.asset_key.path[-1]: m.metadata["rewritten"].value
        for m in alone.asset_materializations_for_node("linked_tables")
    }
    assert rewritten == {
        "events": False,
        "claims": False,
        "event_clusters": True,
        "claim_clusters": False,
    }
    for table in TABLES:
        assert read_table(warehouse, table).equals(before[table]), table


def test_a_run_with_nothing_new_rewrites_no_table_and_no_staged_frame(small, tmp_path):
    warehouse = tmp_path / "wh"
    assert materialize_all(small, warehouse).success
    again = materialize_all(small, warehouse)
    assert again.success
    rewritten = {
        m.asset_key.to_user_string(): m.metadata["rewritten"].value
        for node in ("raw_articles", "extracted_tables", "linked_tables")
        for m in again.asset_materializations_for_node(node)
    }
    assert {"extracted_events", "extracted_claims", "events", "event_clusters"} <= set(rewritten)
    assert not any(rewritten.values()), rewritten
    staged = warehouse / "state" / "staged"
    assert sorted(p.name for p in staged.iterdir()) == ["extracted_claims", "extracted_events"]
    assert not (warehouse / "parquet" / "extracted_events").exists()
