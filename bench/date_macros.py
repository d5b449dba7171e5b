"""How fast the import reads 1M dates of each shape, against try_strptime on ISO dates (floor).

    .venv/bin/python bench/date_macros.py [rows]

Each shape is read as `leadpilot import` reads a date column: try_strptime with the column's
format first (flows/csv_reading.date_formats), the lp_date_parts / lp_timestamp_of macros of
features/reading/sql/values.sql for the values it fails on. Prints seconds (best of 5) and the ratio
to the floor, measured in the same run.
"""

from __future__ import annotations

import sys
import time

import duckdb

from features.reading.values import install_macros

DAY = "(i % 28 + 1)::VARCHAR"
SHAPES = {  # name -> (SQL building the i-th value, the strptime format the import would pick)
    "ISO (floor)": (f"'2026-02-' || lpad({DAY}, 2, '0')", "%Y-%m-%d"),
    "US 02/24/26 02:18 AM": (f"'02/' || {DAY} || '/26 02:18 AM'", "%m/%d/%y %I:%M %p"),
    "ISO with ms and offset": (f"'2026-02-' || lpad({DAY}, 2, '0') || 'T20:36:47.000+0000'",
                               "%Y-%m-%dT%H:%M:%S"),
    "24-Feb-2026 (strptime)": (f"{DAY} || '-' || ['Jan', 'Feb', 'Mar'][i % 3 + 1] || '-2026'",
                               "%d-%b-%Y"),
    "24 févr. 2026": (f"{DAY} || ' ' || ['janv.', 'févr.', 'mars', 'avril', 'mai', 'août', "
                      "'sept.', 'déc.'][i % 8 + 1] || ' 2026'", "%d/%m/%Y"),
    "February 24, 2026 3:05 PM": (f"['January', 'February', 'Sept.'][i % 3 + 1] || ' ' || {DAY} "
                                  "|| ', 2026 3:05 PM'", "%m/%d/%Y"),
}
READ = """SELECT count(coalesce(fast, lp_timestamp_of(g, 'dmy'))) FROM (
    SELECT *, CASE WHEN v IS NOT NULL AND fast IS NULL THEN lp_date_parts(v) END AS g FROM (
        SELECT v, CASE WHEN try_strptime(v, $f) >= TIMESTAMP '1900-01-01'
                       THEN try_strptime(v, $f) END AS fast FROM {table}))"""


def main(rows: int) -> None:
    con = duckdb.connect()
    install_macros(con)
    timings = {}
    for number, (name, (value, fmt)) in enumerate(SHAPES.items()):
        con.execute(f"CREATE TABLE t{number} AS SELECT {value} AS v FROM range({rows}) r(i)")  # noqa: S608
        best, read = float("inf"), 0
        for _ in range(5):
            start = time.perf_counter()
            read = con.execute(READ.format(table=f"t{number}"), {"f": fmt}).fetchone()[0]
            best = min(best, time.perf_counter() - start)
        timings[name] = best
        floor = timings["ISO (floor)"]
        print(f"{name:28s} {best:6.3f} s  {best / floor:5.1f}x floor  ({read:,} of {rows:,} read)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
