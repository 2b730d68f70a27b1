"""The distributed executor: the whole graph run by dask.distributed (a LocalCluster of two
worker processes on 127.0.0.1) writes the tables the default executor writes."""

from __future__ import annotations

import os

import dagster as dg
import pytest

from pipelines.defs.executors import ExecutorSettings
from tests.helpers import RAW, assert_same_tables, read_tables


def test_the_dask_executor_writes_the_tables_of_the_default_one(shipped_run, tmp_path, monkeypatch):
    _, default_warehouse = shipped_run
    # Read by the definitions here and, through the environment, in the workers, which rebuild
    # the job from pipelines.definitions.
    monkeypatch.setenv("EVENTWIRE_EXECUTOR", "dask")
    monkeypatch.setenv("EVENTWIRE_DASK_WORKERS", "2")
    monkeypatch.delenv("EVENTWIRE_DASK_SCHEDULER", raising=False)
    warehouse = tmp_path / "warehouse"
    job = dg.build_reconstructable_job(
        "pipelines.definitions",
        "job_for_run",
        reconstructable_args=(str(RAW), str(warehouse)),
    )
    assert job.get_definition().executor_def.name == "dask"
    with (
        dg.instance_for_test() as instance,
        dg.execute_job(job, instance=instance, raise_on_error=True) as result,
    ):
        assert result.success
        started = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START]
        step_pids = {e.pid for e in started}
    assert {e.step_key for e in started} >= {"extracted_tables", "linked_tables"}
    assert os.getpid() not in step_pids  # every step ran in a Dask worker, none here
    assert_same_tables(read_tables(warehouse), read_tables(default_warehouse))


def test_the_executor_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("EVENTWIRE_EXECUTOR", "dask")
    monkeypatch.setenv("EVENTWIRE_DASK_SCHEDULER", "tcp://10.0.0.5:8786")
    setting = ExecutorSettings.from_env()
    assert not setting.in_run_process
    executor = setting.executor()
    assert executor.name == "dask"
    # A cluster that is already running: its scheduler's address, nothing started here.
    assert executor.config_schema.resolve_config({}).value["config"] == {
        "cluster": {"existing": {"address": "tcp://10.0.0.5:8786"}}
    }
    monkeypatch.setenv("EVENTWIRE_EXECUTOR", "")
    assert ExecutorSettings.from_env().executor() is None  # Dagster's default
    monkeypatch.setenv("EVENTWIRE_EXECUTOR", "celery")
    with pytest.raises(ValueError, match="EVENTWIRE_EXECUTOR"):
        ExecutorSettings.from_env()
