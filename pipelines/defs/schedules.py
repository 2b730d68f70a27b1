"""The nightly run of the whole graph (02:00 UTC unless EVENTWIRE_NIGHTLY_CRON and
EVENTWIRE_TIMEZONE say otherwise)."""

import dagster as dg

from pipelines.defs.automation import AUTOMATION
from pipelines.defs.jobs import eventwire_job

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_schedule",
    job=eventwire_job,
    cron_schedule=AUTOMATION.nightly_cron,
    execution_timezone=AUTOMATION.timezone,
    default_status=AUTOMATION.schedule_status,
    description="Everything, every night: only new or changed articles are parsed.",
)
