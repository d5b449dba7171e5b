"""The rows of old runs deleted from the warehouse: each lead's stored features, scores (with
their contributions) and prices of the run days more than `keep_days` before a run's date.

They are the run tables that grow most: at a million open leads, a day's features took 88 MB
of the file, its scores 69.5 MB and its prices 37 MB, of the 229 MB a day added (talking points
29 MB, owners 5.5 MB; a day's rows copied alone into a file). DuckDB reuses the blocks of a
deleted day for the days after, so the file stops growing by them.

What stays:
- the latest run up to the run's date, whatever its age: the next run reads its scores and
  features for the sheet's movement column (flows/models/sql/previous_scores.sql). In the daily
  run that is the day itself; `leadpilot prune` on a Monday before the Monday's run keeps
  Friday's with `--keep-days 1`;
- the sheets handed out (kept beside the warehouse, with each lead's probability, reasons and
  prices as printed: `leadpilot export --date`);
- the talking points of each day (a rep's marks on an old sheet are read back through them:
  flows/intake/feedback.py) and the owners (an earlier day run again remakes the owners' streaks
  from them).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from flows import store

TABLES = ("lead_features", "scores", "quotes")


def prune_runs(con: duckdb.DuckDBPyConnection, run_date: date, keep_days: int,
               dry_run: bool = False) -> tuple[list[date], dict[str, int]]:
    """Delete (or with `dry_run` count) the rows of TABLES of the runs more than `keep_days`
    before `run_date`, but the latest run up to it; returns those run dates and the rows per
    table. Call it in a transaction."""
    days = [day for (day,) in con.execute(store.sql("old_run_dates", __package__), {
        "cutoff": run_date - timedelta(days=keep_days), "run_date": run_date}).fetchall()]
    if not days:
        return [], dict.fromkeys(TABLES, 0)
    how = "SELECT count(*) FROM" if dry_run else "DELETE FROM"  # a delete returns its count
    return days, {table: con.execute(f"{how} {table} WHERE list_contains(?, run_date)",
                                     [days]).fetchall()[0][0] for table in TABLES}
