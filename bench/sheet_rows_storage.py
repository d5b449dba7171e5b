"""Benchmark: storing a day's sheet rows (table sheet_rows: one JSON object of about 2 KB per
lead) as DuckDB chooses (dictionary and FSST, migration 016's table) against ZSTD (migration
020's), with the rows of a real generated day.

Run by hand: `.venv/bin/python bench/sheet_rows_storage.py [--leads 20000] [--home DIR]`.
With --home, the rows of the latest day of a home kept by `bench/daily.py --keep DIR`; without,
a temporary home is set up as bench/daily.py does (`leadpilot demo --open-leads N`).

Each round stores the rows into a fresh warehouse file a chunk at a time (50,000 rows per
commit, as the daily run's publish step does), checkpoints, then reads them back in rank order.
The two tables alternate, `--repeat` rounds each; it prints the best seconds of each, the
ratio, and the file's size.

Measured with the 100,000 rows (210 MB of text) of bench/daily.py's day, 2 cores, best of 3:
DuckDB's choice 2.54 s to store and a 112 MB file, ZSTD 1.15 s (0.45x) and 14 MB; reading back
0.54 s against 0.43 s. In commits of 10,000 rows: 4.1 s and 158 MB against 1.4 s and 19 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from daily import set_up

CHUNK = 50_000
TABLES = {
    "DuckDB's choice (v16)": 'CREATE TABLE sheet_rows(run_date DATE NOT NULL, rank INTEGER NOT '
                             'NULL, lead_id VARCHAR NOT NULL, "row" JSON NOT NULL)',
    "ZSTD (v20)": 'CREATE TABLE sheet_rows(run_date DATE NOT NULL, rank INTEGER NOT NULL, '
                  'lead_id VARCHAR NOT NULL, "row" JSON USING COMPRESSION zstd NOT NULL)',
}


def day_rows(warehouse: Path) -> pa.Table:
    """The latest day's stored sheet rows of `warehouse`."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql("SELECT * FROM sheet_rows WHERE run_date = (SELECT max(run_date) FROM "
                       "sheet_rows) ORDER BY rank").to_arrow_table()


def store_and_read(rows: pa.Table, ddl: str, path: Path) -> tuple[float, float, int]:
    """Seconds to store `rows` (a commit per CHUNK, then a checkpoint), seconds to read them
    back in rank order, and the file's bytes."""
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(ddl)
        start = time.perf_counter()
        for offset in range(0, rows.num_rows, CHUNK):
            chunk = rows.slice(offset, CHUNK)  # noqa: F841  (read by name by DuckDB)
            con.execute("INSERT INTO sheet_rows SELECT * FROM chunk")
        con.execute("CHECKPOINT")
        stored = time.perf_counter() - start
    with duckdb.connect(str(path), read_only=True) as con:
        start = time.perf_counter()
        back = con.sql('SELECT "row" FROM sheet_rows ORDER BY rank').to_arrow_table()
        read = time.perf_counter() - start
    if not back.column("row").equals(rows.column("row")):
        raise SystemExit(f"{path.name}: the rows read back differ from those stored")
    return stored, read, path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--home", type=Path, help="a home kept by bench/daily.py --keep")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home
        if home is None:
            home = Path(scratch) / "home"
            print(f"set-up: {set_up(home, args.leads):.1f} s for {args.leads} open leads")
        rows = day_rows(home / "data" / "warehouse" / "leadpilot.duckdb")
        print(f"{rows.num_rows} rows, {rows.column('row').nbytes / 1e6:.0f} MB of JSON text")
        best: dict[str, tuple[float, float, int]] = {}
        for _ in range(args.repeat):
            for name, ddl in TABLES.items():
                stored, read, size = store_and_read(rows, ddl, Path(scratch) / "rows.duckdb")
                old = best.get(name, (float("inf"), float("inf"), size))
                best[name] = (min(stored, old[0]), min(read, old[1]), size)
        for name, (stored, read, size) in best.items():
            print(f"{name}: store {stored:.2f} s, read back {read:.2f} s, file {size / 1e6:.0f} MB")
        (base, *_), (zstd, *_) = best.values()
        print(f"ZSTD stores in {zstd / base:.2f}x the time of DuckDB's choice")


if __name__ == "__main__":
    main()
