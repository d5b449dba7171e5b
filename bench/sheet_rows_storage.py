"""Benchmark: keeping a day's sheet rows (what `leadpilot export` and `forget` read back) as a
Parquet file beside the warehouse (flows/sheets/kept.py, now) against JSON rows in a warehouse
table compressed with ZSTD (table sheet_rows, migration 020: how they were kept before), with
the rows of a real generated day.

Run by hand: `.venv/bin/python bench/sheet_rows_storage.py [--leads 20000] [--home DIR]`.
With --home, the latest sheet of a home kept by `bench/daily.py --keep DIR`; without, a
temporary home is set up as bench/daily.py does (`leadpilot demo --open-leads N`).

Each round keeps the rows a chunk at a time (50,000 rows, as the daily run's publish step hands
them over): into a fresh warehouse file, a commit per chunk and a checkpoint, or into a fresh
Parquet file. Then it reads them back in rank order, and checks that both give the same sheet.
The two alternate, `--repeat` rounds each; it prints the best seconds of each, the ratio and
the sizes.

Measured with the first 200,000 rows of bench/daily.py's million-lead day (`--home DIR --rows
200000`, 340 MB of text, 2 cores, best of 3): JSON rows 2.34 s to keep and 1.29 s to read back,
28 MB; Parquet 0.49 s (0.21x) and 1.15 s, 18 MB. The publish step at a million leads, alone,
alternating with the code that kept JSON rows: 21.3-22.4 s against 27.2-27.3 s (README, "A
bigger day").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from daily import set_up

from flows import store
from flows.sheets import kept
from flows.sheets.export import sheet_date, stored_sheet
from scoring.sheet_layout import kept_table, sheet_from_rows

CHUNK = 50_000
DAY = date(2026, 11, 27)
JSON_TABLE = ('CREATE TABLE sheet_rows(run_date DATE NOT NULL, rank INTEGER NOT NULL, '
              'lead_id VARCHAR NOT NULL, "row" JSON USING COMPRESSION zstd NOT NULL)')


def latest_sheet(warehouse: Path, most: int | None) -> pa.Table:
    """The latest sheet of `warehouse` (at most its `most` first rows), as kept."""
    with store.opened(warehouse) as con:
        sheet = stored_sheet(con, sheet_date(con, None))
    return kept_table(sheet.head(most) if most else sheet)


def as_json(rows: pa.Table, path: Path) -> tuple[float, float, pd.DataFrame, int]:
    """Seconds to keep `rows` as JSON rows (a commit per CHUNK, then a checkpoint), seconds to
    read them back in rank order, the sheet they give, and the file's bytes."""
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(JSON_TABLE)
        start = time.perf_counter()
        for offset in range(0, rows.num_rows, CHUNK):
            chunk = rows.slice(offset, CHUNK)  # noqa: F841  (read by name by DuckDB)
            con.execute("INSERT INTO sheet_rows SELECT ?, rank, lead_id, to_json(chunk) "
                        "FROM chunk", [DAY])
        con.execute("CHECKPOINT")
        stored = time.perf_counter() - start
    with duckdb.connect(str(path), read_only=True) as con:
        start = time.perf_counter()
        back = con.execute('SELECT "row" FROM sheet_rows ORDER BY rank').fetchall()
        read = time.perf_counter() - start
    return stored, read, sheet_from_rows(row for (row,) in back), path.stat().st_size


def as_parquet(rows: pa.Table, warehouse: Path) -> tuple[float, float, pd.DataFrame, int]:
    """The same, kept as flows/sheets/kept.py keeps a day."""
    start = time.perf_counter()
    with kept.writing(warehouse, DAY) as add:
        for offset in range(0, rows.num_rows, CHUNK):
            add(rows.slice(offset, CHUNK))
    stored = time.perf_counter() - start
    start = time.perf_counter()
    back = kept.read(warehouse, DAY)
    read = time.perf_counter() - start
    return stored, read, back, kept.day_file(warehouse, DAY).stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--home", type=Path, help="a home kept by bench/daily.py --keep")
    parser.add_argument("--rows", type=int, help="only the sheet's first ROWS rows")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home
        if home is None:
            home = Path(scratch) / "home"
            print(f"set-up: {set_up(home, args.leads):.1f} s for {args.leads} open leads")
        rows = latest_sheet(home / "data" / "warehouse" / "leadpilot.duckdb", args.rows)
        print(f"{rows.num_rows} rows, {rows.nbytes / 1e6:.0f} MB of text")
        best: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            json_s, json_read, json_sheet, json_size = as_json(rows, Path(scratch) / "j.duckdb")
            pq_s, pq_read, pq_sheet, pq_size = as_parquet(rows, Path(scratch) / "p.duckdb")
            pd.testing.assert_frame_equal(pq_sheet, json_sheet)  # the same sheet back
            for name, figures in (("JSON rows in a table (ZSTD)", (json_s, json_read, json_size)),
                                  ("a Parquet file (ZSTD)", (pq_s, pq_read, pq_size))):
                old = best.get(name, [float("inf"), float("inf"), 0])
                best[name] = [min(figures[0], old[0]), min(figures[1], old[1]), figures[2]]
        for name, (stored, read, size) in best.items():
            print(f"{name}: keep {stored:.2f} s, read back {read:.2f} s, {size / 1e6:.0f} MB")
        (table, *_), (parquet, *_) = best.values()
        print(f"the Parquet file keeps them in {parquet / table:.2f}x the table's time")


if __name__ == "__main__":
    main()
