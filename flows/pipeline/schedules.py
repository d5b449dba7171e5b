"""When the flows run: the one place that declares schedules, time zone and deployment names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheduled:
    deployment: str
    flow: str  # attribute of flows.pipeline.daily
    cron: str
    meaning: str


SCHEDULES: tuple[Scheduled, ...] = (
    Scheduled("daily-lead-sheet", "daily_lead_sheet", "0 7 * * 1-5", "07:00 Monday to Friday"),
    Scheduled("weekly-retrain", "weekly_retrain", "0 22 * * 0", "22:00 on Sunday"),
)


def deployments(timezone: str) -> list:
    """The Prefect deployments of SCHEDULES, each with a cron in `timezone` (never UTC by accident).

    Builds objects only: no server is contacted.
    """
    from prefect.schedules import Cron

    from flows.pipeline import daily

    return [
        getattr(daily, s.flow).to_deployment(
            name=s.deployment, schedule=Cron(s.cron, timezone=timezone), description=s.meaning)
        for s in SCHEDULES
    ]
