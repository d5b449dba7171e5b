"""Who held each lead from which run, kept as the owners are assigned (owner_streaks): the owner
step reads its holders from it, whatever the days kept."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from flows import store
from flows.pipeline.owners import note_owner_streaks

FIRST = date(2026, 11, 20)
OWNERS = ["Ana", "Bo", "Backlog", "Do not contact"]
# What the owner step read before owner_streaks: every earlier day's assignments, in a window
HELD_FROM_EVERY_DAY = """
WITH prior AS (
    SELECT lead_id, run_date, owner,
           owner IS DISTINCT FROM lag(owner) OVER (PARTITION BY lead_id ORDER BY run_date)
               AS starts
    FROM owner_assignments
    WHERE run_date < $run_date
)
SELECT lead_id, arg_max(owner, run_date), max(run_date) FILTER (WHERE starts)
FROM prior GROUP BY lead_id ORDER BY ALL
"""
HELD_FROM_STREAKS = """
SELECT lead_id, arg_max(owner, since), max(since) FROM owner_streaks WHERE since < $run_date
GROUP BY lead_id ORDER BY ALL
"""


def _assign(con, day: date, owners: dict[str, str]) -> None:
    frame = pd.DataFrame({"lead_id": list(owners), "owner": list(owners.values()),
                          "rule": "territory"})
    with store.transaction(con):
        store.replace_run(con, "owner_assignments", day, frame)
        note_owner_streaks(con, day)


def _held(con, query: str, day: date) -> list[tuple]:
    return con.execute(query, {"run_date": day}).fetchall()


def test_each_day_run_in_any_order_keeps_the_streaks_every_kept_day_gives(tmp_path):
    """New days with gaps, the last day run again, earlier days run again with other owners, a
    day run again without leads: the holder and held-since of every lead, asked on any day, are
    what every kept day's assignments give."""
    chance = random.Random(7)
    con = store.connect(tmp_path / "w.duckdb")
    leads = [f"L{i}" for i in range(40)]
    days = [FIRST + timedelta(days=i) for i in (0, 1, 2, 4, 5, 8)]
    order = [*days, days[-1], days[2], days[4], days[0], days[-1], days[3]]
    for step, day in enumerate(order):
        owners = {lead: chance.choice(OWNERS[:2] if chance.random() < 0.8 else OWNERS)
                  for lead in chance.sample(leads, 25)}
        _assign(con, day, {} if step == 10 else owners)
        for asked in [FIRST + timedelta(days=i) for i in range(11)]:
            assert _held(con, HELD_FROM_STREAKS, asked) == _held(
                con, HELD_FROM_EVERY_DAY, asked), f"asked {asked} after {day} (step {step})"
    kept = con.execute("SELECT count(*) FROM owner_streaks").fetchall()[0][0]
    assigned = con.execute("SELECT count(*) FROM owner_assignments").fetchall()[0][0]
    assert 0 < kept < assigned  # a lead kept by its owner from one day to the next adds no row


def test_a_new_day_reads_its_own_leads_against_the_streaks_not_every_day(tmp_path):
    """A lead whose owner is the same as on its last run (days apart) starts no streak; one
    whose owner changed, or that is new, starts one on the day; a lead not run that day keeps
    its streak."""
    con = store.connect(tmp_path / "w.duckdb")
    _assign(con, FIRST, {"SAME": "Ana", "MOVED": "Ana", "IDLE": "Bo"})
    _assign(con, FIRST + timedelta(3), {"SAME": "Ana", "MOVED": "Bo", "NEW": "Ana"})
    _assign(con, FIRST + timedelta(3), {"SAME": "Ana", "MOVED": "Bo", "NEW": "Bo"})  # again
    assert con.execute("SELECT * FROM owner_streaks ORDER BY ALL").fetchall() == [
        ("IDLE", "Bo", FIRST), ("MOVED", "Ana", FIRST), ("MOVED", "Bo", FIRST + timedelta(3)),
        ("NEW", "Bo", FIRST + timedelta(3)), ("SAME", "Ana", FIRST)]
