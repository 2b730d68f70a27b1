"""Sensors: a run when new files land in raw/, and the warehouse freshness checks."""

from __future__ import annotations

import time
import warnings
from datetime import timedelta

import dagster as dg
import polars as pl

from pipelines.defs.automation import AUTOMATION
from pipelines.defs.jobs import raw_files_job
from pipelines.defs.resources import EventwireSettings
from pipelines.defs.warehouse import duckdb_warehouse
from pipelines.ingest.pending import pending_files
from pipelines.store import state_dir


@dg.sensor(
    name="raw_files_sensor",
    job=raw_files_job,
    minimum_interval_seconds=AUTOMATION.sensor_interval_s,
    default_status=AUTOMATION.sensor_status,
    description="Starts a run when files in raw/ are new, changed or removed since the last "
    f"run, once none has changed for {AUTOMATION.settle_s:.0f}s.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext, settings: EventwireSettings):
    try:
        pending = pending_files(settings.raw_dir, state_dir(settings.warehouse_dir))
    except (OSError, pl.exceptions.PolarsError) as err:
        # A run may be compacting the state right now; the next look will do.
        return dg.SkipReason(f"could not compare raw/ with the last run ({err})")
    if not pending.any:
        return dg.SkipReason("nothing new in raw/ since the last run")
    quiet_s = (time.time_ns() - pending.newest_mtime_ns) / 1e9
    if quiet_s < AUTOMATION.settle_s:
        return dg.SkipReason(
            f"{pending.summary()}; the latest changed {quiet_s:.0f}s ago, waiting for "
            f"{AUTOMATION.settle_s:.0f}s of quiet in case files are still being copied"
        )
    if context.cursor == pending.signature:
        return dg.SkipReason(f"{pending.summary()}; a run was already requested for them")
    context.update_cursor(pending.signature)
    return dg.RunRequest(
        tags={"eventwire/trigger": "raw_files"},
        run_config={},
    )


# Freshness as an asset check, as the UI's check list is where people look for "is the data
# OK". Dagster 1.13 would rather have a FreshnessPolicy (an asset status, not a check).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    warehouse_freshness_checks = dg.build_last_update_freshness_checks(
        assets=[duckdb_warehouse],
        lower_bound_delta=timedelta(hours=AUTOMATION.freshness_hours),
        severity=dg.AssetCheckSeverity.WARN,
    )
    freshness_checks_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=warehouse_freshness_checks,
        name="freshness_checks_sensor",
        default_status=AUTOMATION.sensor_status,
    )
