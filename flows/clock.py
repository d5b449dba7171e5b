"""The one clock: every command and flow asks here for "now" (UTC) and "today" (the sales
team's calendar day) and passes the values down; nothing else in leadpilot reads the time.

`LEADPILOT_TODAY` (settings.today) moves the calendar: the clock then says that day, at the
real time of day, so a replay or CI's calendar guard sees a ticking clock on another date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # the settings arrive built: importing pydantic here would slow --help
    from flows.settings import Settings


def utc_now() -> datetime:
    """The machine's real time, aware, in UTC: for network timing only (Retry-After)."""
    return datetime.now(UTC)


def now(settings: Settings) -> datetime:
    """The moment of a run, naive UTC (how the warehouse stores it), shifted by whole days
    when settings.today moves the calendar."""
    real = utc_now()
    if settings.today is not None:
        real += timedelta(days=(settings.today - real.astimezone(_zone(settings)).date()).days)
    return real.replace(tzinfo=None)


def today(settings: Settings) -> date:
    """The calendar day in the team's time zone (settings.timezone) at `now`."""
    if settings.today is not None:
        return settings.today
    return utc_now().astimezone(_zone(settings)).date()


def _zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)
