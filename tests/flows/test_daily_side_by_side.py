"""The daily flow runs the talking points and the owners side by side (each reads nothing the
other writes), and a failure of either still fails the run only once both have stopped."""

from __future__ import annotations

import functools
import threading
from datetime import date, datetime

import pytest
from support import NOW

from flows import store
from flows.errors import LeadpilotError

pytestmark = pytest.mark.usefixtures("prefect_harness")
DAY = date(2026, 11, 27)
WAIT = 60  # seconds a step waits for the other before the test fails (never, when side by side)


def _meeting(monkeypatch, barrier: threading.Barrier, then=None) -> dict[str, list[str]]:
    """Each of the two steps waits at `barrier` for the other to have begun (run one after the
    other, the first waits in vain and fails the run); `then(name)` runs after it."""
    from flows.pipeline import daily

    threads: dict[str, list[str]] = {}
    for module, name in ((daily.steps, "talking_points"), (daily.owners, "assign_owners")):
        real = getattr(module, name)

        @functools.wraps(real)
        def met(*args, _real=real, _name=name, **kwargs):
            threads[_name] = [threading.current_thread().name]
            barrier.wait()
            if then is not None:
                then(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, met)
    return threads


def test_the_talking_points_and_the_owners_run_at_the_same_time(demo_copy, monkeypatch):
    from flows.pipeline.daily import daily_lead_sheet

    threads = _meeting(monkeypatch, threading.Barrier(2, timeout=WAIT))
    path = daily_lead_sheet(run_date=DAY, now=NOW)
    assert threads["talking_points"] != threads["assign_owners"]
    with store.opened(demo_copy / "w.duckdb") as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM talking_points WHERE run_date = $d), "
            "(SELECT count(*) FROM owner_assignments WHERE run_date = $d), "
            "(SELECT count(*) FROM scores WHERE run_date = $d), "
            "(SELECT count(*) FROM talking_points WHERE run_date = DATE '9999-12-31') "
            "+ (SELECT count(*) FROM owner_assignments WHERE run_date = DATE '9999-12-31')",
            {"d": DAY}).fetchall()[0]
    assert counts[0] == counts[1] == counts[2] > 0 and counts[3] == 0  # nothing left staged
    assert path.endswith("lead_sheet.csv")


def test_when_the_owners_fail_the_talking_points_end_before_the_run_is_marked_failed(
        demo_copy, monkeypatch):
    from flows.pipeline import daily

    marked, finished, seen = threading.Event(), threading.Event(), {}

    def then(name: str) -> None:
        if name == "assign_owners":
            raise LeadpilotError("The territories broke.")
        marked.wait(timeout=3)  # not marked meanwhile: the flow waited for this step

    real_points = daily.steps.talking_points
    _meeting(monkeypatch, threading.Barrier(2, timeout=WAIT), then)
    wrapped_points = daily.steps.talking_points

    @functools.wraps(real_points)
    def points(*args, **kwargs):
        result = wrapped_points(*args, **kwargs)
        finished.set()
        return result

    real_mark = daily.stale.mark

    def mark(*args, **kwargs):
        seen["talking points finished first"] = finished.is_set()
        marked.set()
        return real_mark(*args, **kwargs)

    monkeypatch.setattr(daily.steps, "talking_points", points)
    monkeypatch.setattr(daily.stale, "mark", mark)
    with pytest.raises(LeadpilotError, match="The territories broke"):
        daily.daily_lead_sheet(run_date=DAY, now=NOW)
    assert seen == {"talking points finished first": True}
    assert (demo_copy / "out" / "STALE.txt").exists()


def test_the_bench_counts_steps_side_by_side_once():
    # bench/daily.py's share of the run outside the tasks: steps that overlap are covered once
    import doctest

    import bench.daily

    result = doctest.testmod(bench.daily)
    assert result.attempted >= 1 and result.failed == 0
    at = lambda second: datetime(2026, 11, 27, 6, 0, second)  # noqa: E731
    assert bench.daily.covered([(at(0), at(10)), (at(3), at(8)), (at(9), at(12))]) == 12.0
    assert bench.daily.covered([]) == 0.0
