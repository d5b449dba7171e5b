"""Benchmark: what the days kept cost the owner step's question "who held this lead, since when".

Run by hand: `.venv/bin/python bench/owner_history.py [--leads 1000000] [--days 1,10,30]
[--repeat 3]`.

It builds a warehouse whose `--leads` open leads are all assigned every day (each lead changes
owner every 30 days, at its own phase), a day at a time, and at each count of `--days` kept it
times, under the daily run's DuckDB memory limit (1.25GB):
- the baseline, what the owner step read before owner_streaks (migration 022): who held each lead
  and since when, from a window over every earlier day's owner_assignments;
- the same question asked of owner_streaks (flows/pipeline/sql/leads_to_assign.sql's `held`);
- noting a new day in owner_streaks (flows.pipeline.owners.note_owner_streaks: the day's
  assignments against the streaks kept), and making them all again (an earlier day run again).
Each time is the best of `--repeat`; the ratios are to the baseline of the same count of days.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from timing import best_of

from flows import store
from flows.pipeline.owners import note_owner_streaks, remake_owner_streaks

FIRST = date(2026, 1, 1)
MEMORY = "1.25GB"  # settings.duckdb_memory_limit's default
REPS = 20
# a day's owners: lead i is held by one of REPS reps and changes every 30 days, at its own phase
DAY_ROWS = """
INSERT INTO owner_assignments (run_date, lead_id, owner, rule)
SELECT $day, 'L' || lpad(i::VARCHAR, 7, '0'),
       'Rep ' || ((hash(i) + ($offset + hash(i) % 30) // 30) % $reps)::VARCHAR, 'territory'
FROM range($leads) t(i)
"""
# what the owner step read before migration 022 (its `prior` and `held`), counted
BEFORE = """
WITH prior AS (
    SELECT lead_id, run_date, owner,
           owner IS DISTINCT FROM lag(owner) OVER (PARTITION BY lead_id ORDER BY run_date)
               AS starts
    FROM owner_assignments
    WHERE run_date < $run_date
)
SELECT count(*), count(held_since) FROM (
    SELECT lead_id, arg_max(owner, run_date) AS holder,
           max(run_date) FILTER (WHERE starts) AS held_since
    FROM prior GROUP BY lead_id)
"""
NOW = """
SELECT count(*), count(held_since) FROM (
    SELECT lead_id, arg_max("owner", since) AS holder, max(since) AS held_since
    FROM owner_streaks WHERE since < $run_date GROUP BY lead_id)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--days", default="1,10,30",
                        help="counts of days kept at which to time, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    counts = sorted({int(n) for n in args.days.split(",")})
    print(f"{args.leads:,} leads assigned every day; best of {args.repeat}; "
          f"DuckDB memory limit {MEMORY}")
    print(f"{'days kept':>9} | {'before: window':>14} | {'owner_streaks':>13} | ratio | "
          f"{'a new day noted':>15} | {'all made again':>14} | streak rows")
    with tempfile.TemporaryDirectory() as folder, \
            store.opened(Path(folder) / "owners.duckdb", MEMORY) as con:
        for kept in range(1, counts[-1] + 1):
            day = FIRST + timedelta(days=kept - 1)
            con.execute(DAY_ROWS, {"day": day, "offset": kept - 1, "reps": REPS,
                                   "leads": args.leads})
            note_owner_streaks(con, day)
            if kept in counts:
                _row(con, kept, day, args.repeat)


def _row(con, kept: int, day: date, repeat: int) -> None:
    """Time the question asked the day after the last kept, both ways, and noting the last."""
    asked = {"run_date": day + timedelta(days=1)}
    before, now = (con.execute(q, asked).fetchall() for q in (BEFORE, NOW))
    if before != now:
        raise SystemExit(f"owner_streaks gives {now}, every day's assignments {before}")
    window = best_of(lambda: con.execute(BEFORE, asked).fetchall(), repeat)
    streaks = best_of(lambda: con.execute(NOW, asked).fetchall(), repeat)
    noted = best_of(lambda: _in_transaction(con, lambda: note_owner_streaks(con, day)), repeat)
    remade = best_of(lambda: _in_transaction(con, lambda: remake_owner_streaks(con)), repeat)
    rows = con.execute("SELECT count(*) FROM owner_streaks").fetchall()[0][0]
    print(f"{kept:>9} | {window:>12.3f} s | {streaks:>11.3f} s | {streaks / window:>5.2f} | "
          f"{noted:>13.3f} s | {remade:>12.3f} s | {rows:,}", flush=True)


def _in_transaction(con, work) -> float:
    start = time.perf_counter()
    with store.transaction(con):
        work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
