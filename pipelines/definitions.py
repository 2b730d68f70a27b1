"""The Dagster code location: assembles the objects in pipelines/defs/, nothing else."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.executors import ExecutorSettings
from pipelines.defs.extract import article_extractions, extracted_tables
from pipelines.defs.ingest import fetched_feed_items, raw_articles
from pipelines.defs.jobs import eventwire_job, raw_files_job
from pipelines.defs.link import linked_tables
from pipelines.defs.resources import EventwireSettings, build_resources
from pipelines.defs.schedules import nightly_schedule
from pipelines.defs.sensors import (
    freshness_checks_sensor,
    raw_files_sensor,
    warehouse_freshness_checks,
)
from pipelines.defs.warehouse import duckdb_warehouse

ASSETS = [
    fetched_feed_items,
    raw_articles,
    article_extractions,
    extracted_tables,
    linked_tables,
    duckdb_warehouse,
]


def build_definitions(
    settings: EventwireSettings | None = None, executor: ExecutorSettings | None = None
) -> dg.Definitions:
    settings = settings or EventwireSettings.from_env()
    executor = executor or ExecutorSettings.from_env()
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=warehouse_freshness_checks,
        jobs=[eventwire_job, raw_files_job],
        schedules=[nightly_schedule],
        sensors=[raw_files_sensor, freshness_checks_sensor],
        resources=build_resources(settings),
        executor=executor.executor(),
    )


def job_for_run(raw_dir: str, warehouse_dir: str) -> dg.JobDefinition:
    """eventwire_job over the given folders, built from plain arguments so that `eventwire
    run` can hand Dagster a reconstructable job (see pipelines/cli.py)."""
    settings = EventwireSettings.from_env(raw_dir, warehouse_dir)
    return build_definitions(settings).resolve_job_def("eventwire_job")


defs = build_definitions()
