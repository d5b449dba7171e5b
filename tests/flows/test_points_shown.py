"""Which talking point each lead was shown, kept as sheets are published (points_shown): the
playbook stats count it, whatever the days kept."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from flows import store
from flows.pipeline.publishing import note_points_shown, playbook_stats

FIRST = date(2026, 11, 20)
POINTS = ["demo_requested", "c_level", "industry", "pricing_page", "funding"]


def _kept_from_every_day(con) -> list[tuple]:
    """What points_shown must hold: each (point, lead) of every kept day's talking points,
    with the first day it was shown (the playbook stats' old count, over every day)."""
    return con.execute(
        "SELECT point_id, lead_id, min(run_date) FROM (SELECT run_date, lead_id, "
        "unnest(point_ids) AS point_id FROM talking_points WHERE run_date < ?) "
        "GROUP BY ALL ORDER BY ALL", [store.PENDING]).fetchall()


def _recording(monkeypatch) -> list[str]:
    """The names of the SQL files read from now on (store.sql), in order."""
    read: list[str] = []
    sql = store.sql

    def recorded(name, package="flows"):
        read.append(name)
        return sql(name, package)

    monkeypatch.setattr(store, "sql", recorded)
    return read


def _kept(con) -> list[tuple]:
    return con.execute("SELECT * FROM points_shown ORDER BY ALL").fetchall()


def test_each_day_run_in_any_order_keeps_each_leads_points_once_with_their_first_day(tmp_path):
    """New days, a day run again with other points (the playbook changed), an earlier day run
    again, and a staged run never put in place: points_shown is always what every kept day's
    talking points give."""
    chance = random.Random(4)
    con = store.connect(tmp_path / "w.duckdb")
    leads = [f"L{i}" for i in range(30)]
    days = [FIRST + timedelta(days=i) for i in range(6)]
    order = [*days, days[-1], days[2], days[4], days[0]]
    for step, day in enumerate(order):
        sheet = pd.DataFrame({"lead_id": chance.sample(leads, 20)})
        sheet["point_ids"] = [chance.sample(POINTS, 3) for _ in range(len(sheet))]
        sheet["points"] = [[f"text of {p}" for p in ids] for ids in sheet["point_ids"]]
        store.replace_run(con, "talking_points", day, sheet)
        if step == 3:  # a staged run left behind: never shown
            store.replace_run(con, "talking_points", store.PENDING - timedelta(days=1), sheet)
            con.execute("UPDATE talking_points SET run_date = ? WHERE run_date = ?",
                        [store.PENDING, store.PENDING - timedelta(days=1)])
        note_points_shown(con, day)
        assert _kept(con) == _kept_from_every_day(con), f"after {day} (step {step})"
    assert {first for _, _, first in _kept(con)} > {days[0]}  # some shown first later


def test_the_stats_count_a_lead_once_per_point_over_every_day(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    for offset, ids in enumerate([["c_level", "industry"], ["industry", "c_level"]]):
        store.replace_run(con, "talking_points", FIRST + timedelta(days=offset), pd.DataFrame(
            {"lead_id": ["L1", "L2"], "points": [["a", "b"], ["a", "b"]],
             "point_ids": [ids, ids[:1]]}))
        note_points_shown(con, FIRST + timedelta(days=offset))
    stats = playbook_stats(con).set_index("point_id")["shown_to_leads"].to_dict()
    assert stats == {"c_level": 2, "industry": 2}
    note_points_shown(con, FIRST + timedelta(days=1))  # the day published again: the same
    assert playbook_stats(con).set_index("point_id")["shown_to_leads"].to_dict() == stats


def test_a_day_without_talking_points_reads_no_other_days_points(tmp_path, monkeypatch):
    """A day long before the others (the bench's day without open leads), or the newest day run
    again, reads its own talking points only: no later day is counted again. The first day run
    again with another point does read them."""
    con = store.connect(tmp_path / "w.duckdb")
    for offset in range(3):
        store.replace_run(con, "talking_points", FIRST + timedelta(days=offset), pd.DataFrame(
            {"lead_id": ["L1"], "points": [["a"]], "point_ids": [[POINTS[offset]]]}))
        note_points_shown(con, FIRST + timedelta(days=offset))
    read = _recording(monkeypatch)
    kept = _kept(con)
    note_points_shown(con, date(2000, 1, 3))
    note_points_shown(con, FIRST + timedelta(days=2))  # the newest day, run again
    assert "points_shown_later" not in read and _kept(con) == kept
    store.replace_run(con, "talking_points", FIRST, pd.DataFrame(
        {"lead_id": ["L1"], "points": [["b"]], "point_ids": [[POINTS[1]]]}))
    note_points_shown(con, FIRST)  # the first day again, another point: the later days read
    assert read.count("points_shown_later") == 1 and _kept(con) == _kept_from_every_day(con)


def test_a_new_day_reads_its_talking_points_once_and_a_day_run_again_only_what_it_must(
        tmp_path, monkeypatch):
    """The statements that read the day's talking points: on a new day, the newest, only the
    count of its pairs (points_shown_add); the newest day run again also drops what it no
    longer shows; an earlier day run again also dates its pairs from that day."""
    con = store.connect(tmp_path / "w.duckdb")
    for offset in range(2):
        store.replace_run(con, "talking_points", FIRST + timedelta(days=offset), pd.DataFrame(
            {"lead_id": ["L1", "L2"], "points": [["a"], ["b"]],
             "point_ids": [[POINTS[offset]], [POINTS[2]]]}))
    note_points_shown(con, FIRST)
    read = _recording(monkeypatch)
    steps = []
    for offset in (1, 1, 0):  # a new day, the newest again, an earlier day again
        read.clear()
        note_points_shown(con, FIRST + timedelta(days=offset))
        steps.append([name.removeprefix("points_shown_") for name in read])
        assert _kept(con) == _kept_from_every_day(con), steps
    assert steps == [["dated", "add"], ["dated", "drop", "add"],
                     ["dated", "drop", "add", "earlier"]]
