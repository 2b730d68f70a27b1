"""When runs start on their own: settings read from the environment when the code location
loads (Dagster reads schedules and sensors from code, not from run config)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import dagster as dg


@dataclass(frozen=True)
class AutomationSettings:
    nightly_cron: str = "0 2 * * *"  # 02:00 every day
    timezone: str = "UTC"
    enabled: bool = False  # schedules and sensors start RUNNING instead of STOPPED
    sensor_interval_s: int = 60  # how often the raw/ sensor looks
    settle_s: float = 30.0  # a file changed more recently may still be being copied in
    freshness_hours: float = 26.0  # the warehouse is stale when not updated for this long

    @classmethod
    def from_env(cls) -> AutomationSettings:
        env = os.environ
        return cls(
            nightly_cron=env.get("EVENTWIRE_NIGHTLY_CRON", cls.nightly_cron),
            timezone=env.get("EVENTWIRE_TIMEZONE", cls.timezone),
            enabled=env.get("EVENTWIRE_AUTOMATION", "").lower() in ("1", "on", "true", "yes"),
            sensor_interval_s=int(env.get("EVENTWIRE_SENSOR_INTERVAL_S", cls.sensor_interval_s)),
            settle_s=float(env.get("EVENTWIRE_SENSOR_SETTLE_S", cls.settle_s)),
            freshness_hours=float(env.get("EVENTWIRE_FRESHNESS_HOURS", cls.freshness_hours)),
        )

    @property
    def schedule_status(self) -> dg.DefaultScheduleStatus:
        return (
            dg.DefaultScheduleStatus.RUNNING if self.enabled else dg.DefaultScheduleStatus.STOPPED
        )

    @property
    def sensor_status(self) -> dg.DefaultSensorStatus:
        return dg.DefaultSensorStatus.RUNNING if self.enabled else dg.DefaultSensorStatus.STOPPED


AUTOMATION = AutomationSettings.from_env()
