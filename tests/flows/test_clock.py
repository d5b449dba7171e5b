"""The one clock: "now" and "today" come from flows/clock.py, and LEADPILOT_TODAY moves them."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from support import REPO

from flows import clock
from flows.settings import Settings

CALENDAR_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
                  ("date", "today"), ("Timestamp", "now"), ("Timestamp", "today"),
                  ("time", "time"), ("time", "time_ns")}


def _calendar_reads(source: str) -> list[int]:
    """Lines of `source` that call one of CALENDAR_READS (datetime.now(), date.today()…)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name, node.func.attr) in CALENDAR_READS:
                lines.append(node.lineno)
    return sorted(lines)


def test_only_the_clock_module_reads_the_calendar():
    reads = [f"{path.relative_to(REPO)}:{line}"
             for package in ("flows", "features", "scoring", "tests")
             for path in sorted((REPO / package).rglob("*.py"))
             if path != REPO / "flows" / "clock.py"
             for line in _calendar_reads(path.read_text(encoding="utf-8"))]
    assert reads == []


def test_the_detector_sees_each_way_of_reading_the_calendar():
    source = ("import datetime, time\nimport pandas as pd\nfrom datetime import date\n"
              "a = datetime.date.today()\nb = date.today()\nc = datetime.datetime.now()\n"
              "d = pd.Timestamp.now()\ne = time.time()\nf = date(2026, 1, 1)\n")
    assert _calendar_reads(source) == [4, 5, 6, 7, 8]


def test_today_is_the_team_day_and_now_is_naive_utc(monkeypatch):
    monkeypatch.delenv("LEADPILOT_TODAY", raising=False)
    settings = Settings(timezone="Pacific/Kiritimati", today=None)  # UTC+14
    now, today = clock.now(settings), clock.today(settings)
    assert now.tzinfo is None
    team_day = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Pacific/Kiritimati"))
    assert today in (team_day.date(), team_day.date() + timedelta(days=1))  # midnight race


@pytest.mark.parametrize("day", [date(2027, 3, 1), date(2028, 2, 29), date(2026, 12, 31)])
def test_a_moved_calendar_says_that_day_at_the_real_time_of_day(day):
    settings = Settings(today=day)
    now = clock.now(settings)
    assert clock.today(settings) == day
    assert now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(settings.timezone)).date() == day
    apart = (now - clock.utc_now().replace(tzinfo=None)).total_seconds()
    assert min(apart % 86400, -apart % 86400) < 60  # whole days apart


def test_the_calendar_moves_with_the_environment(monkeypatch):
    monkeypatch.setenv("LEADPILOT_TODAY", "2028-02-29")
    assert clock.today(Settings()) == date(2028, 2, 29)
