"""Benchmark: a day run again puts its sheet in place of the first (flows/sheets/replacement.py).

    .venv/bin/python bench/sheet_replacement.py [--megabytes 1400] [--repeat 3] [--dir DIR]

Each round writes a sheet-sized file over an earlier one twice, alternating: once put in place
by `os.replace` (the baseline: a rename over the old file) and once by `replace_file` (the names
exchanged, the old file deleted). After each, it times a SQLite commit, as Prefect's database
makes one when the run's step ends: on ext4 a rename over a file starts writing the new one to
the disk, and the next commit waits for that. Prints the seconds of each, and the total of the
put and the commit for both. The files go in DIR (default: a temporary folder beside this file,
on the disk the sheets are written to); 1,400 MB is the sheet of a million leads.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from flows.sheets.replacement import replace_file

BLOCK = 1 << 20


def _written(path: Path, megabytes: int, block: bytes) -> None:
    with path.open("wb") as out:
        for _ in range(megabytes):
            out.write(block)


def _round(folder: Path, megabytes: int, put, db: sqlite3.Connection) -> tuple[float, float]:
    """Seconds to put a fresh file in place of an old one (on the disk), then to commit."""
    block = os.urandom(BLOCK)
    path, new = folder / "lead_sheet.csv", folder / "lead_sheet.csv.partial"
    _written(path, megabytes, block)
    os.sync()  # yesterday's sheet is on the disk
    _written(new, megabytes, block)
    start = time.perf_counter()
    put(new, path)
    placed = time.perf_counter()
    db.execute("INSERT INTO runs VALUES (?)", [placed])
    db.commit()
    committed = time.perf_counter()
    os.sync()  # neither round leaves writing to the next
    return placed - start, committed - placed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=1400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix=".bench-replacement-",
                                   dir=args.dir or Path(__file__).parent))
    ways = {"os.replace (baseline)": os.replace, "replace_file": replace_file}
    totals: dict[str, list[float]] = {name: [] for name in ways}
    try:
        db = sqlite3.connect(folder / "runs.db")
        db.execute("CREATE TABLE runs (at REAL)")
        db.commit()
        for i in range(args.repeat):
            for name, put in ways.items():
                placed, committed = _round(folder, args.megabytes, put, db)
                totals[name].append(placed + committed)
                print(f"  round {i + 1}, {name:<22} put in place {placed:6.3f} s, "
                      f"then a commit {committed:6.3f} s", flush=True)
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.megabytes} MB over a file as large, best of {args.repeat} (put + commit):")
    for name, seconds in totals.items():
        print(f"  {name:<22} {min(seconds):6.3f} s")
    baseline, ours = (min(s) for s in totals.values())
    print(f"  ratio                  {ours / baseline:6.2f}x the baseline")


if __name__ == "__main__":
    main()
