"""Benchmark: what the suppression list costs a 1-million-row `leadpilot import`.

Run by hand: `.venv/bin/python bench/suppression.py [--rows 1000000] [--erased 1000]
[--repeat 3]`.

It writes bench/intake.py's CRM-like leads CSV, imports it once, then puts `--erased` of its
people on the suppression list of three copies of the warehouse: none (the baseline), their
emails only (the list before migration 008), their emails and lead ids (what `forget` keeps now).
Each copy re-imports the file as a dry run (the rows are all there: the hashing and matching
is what differs), in a fresh subprocess, `--repeat` times; the median is printed with the
ratio to the baseline of the same run. Last, `suppression.lead_ids_among` on every id of the
file (what the daily intake asks of its leads and activities files).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake import GENERATE, IMPORT

REPO = Path(__file__).resolve().parents[1]
LIST = """
import sys
from flows import store
from flows.privacy import suppression
with store.opened(sys.argv[1]) as con:
    suppression._install(con)
    erased = int(sys.argv[2])
    if sys.argv[3] in ("emails", "both"):
        con.execute("INSERT INTO suppressed_emails SELECT DISTINCT lp_suppression_key(email, salt),"
                    " now()::TIMESTAMP FROM (SELECT email FROM leads WHERE email IS NOT NULL "
                    "ORDER BY hash(lead_id) LIMIT ?), suppression_salt", [erased])
    if sys.argv[3] == "both":
        con.execute("INSERT INTO suppressed_lead_ids SELECT lp_suppression_lead_key(lead_id, salt),"
                    " now()::TIMESTAMP FROM (SELECT lead_id FROM leads ORDER BY hash(lead_id) "
                    "LIMIT ?), suppression_salt", [erased])
"""
DRY_RUN = """
import json, sys, time
from datetime import datetime
from pathlib import Path
from flows import store
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
start = time.perf_counter()
with store.opened_read_only(sys.argv[2]) as con:
    s = import_file(con, Path(sys.argv[1]), load_mapping("salesforce", None), Path(sys.argv[3]),
                    datetime(2026, 11, 30, 6), dry_run=True)
print(json.dumps({"seconds": time.perf_counter() - start, "read": s.read,
                  "suppressed": s.suppressed, "balanced": s.balanced}))
"""
AMONG = """
import json, sys, time
import duckdb
from flows import store
from flows.privacy import suppression
with store.opened_read_only(sys.argv[2]) as con:
    ids = duckdb.connect().execute("SELECT Id FROM read_csv(?, all_varchar = true)",
                                   [sys.argv[1]]).df()["Id"]
    start = time.perf_counter()
    found = suppression.lead_ids_among(con, ids)
print(json.dumps({"seconds": time.perf_counter() - start, "ids": len(ids), "found": len(found)}))
"""


def _run(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=REPO, check=True)
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--erased", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadpilot-bench-") as tmp:
        folder = Path(tmp)
        csv_path, imported = folder / "leads.csv", folder / "imported.duckdb"
        duckdb.connect().execute(GENERATE, [args.rows, str(csv_path)])
        _run(IMPORT, str(csv_path), str(imported), str(folder / "rejects"))
        results = {}
        for kind in ("none", "emails", "both"):
            copy = folder / f"{kind}.duckdb"
            shutil.copy(imported, copy)
            _run(LIST, str(copy), str(args.erased), kind)
            runs = [_run(DRY_RUN, str(csv_path), str(copy), str(folder / "rejects"))
                    for _ in range(args.repeat)]
            results[kind] = (statistics.median(r["seconds"] for r in runs), runs[-1])
        started = time.perf_counter()
        among = _run(AMONG, str(csv_path), str(folder / "both.duckdb"))
        among["total"] = time.perf_counter() - started
    base = results["none"][0]
    labels = {"none": "empty list (baseline)", "emails": f"{args.erased:,} emails",
              "both": f"{args.erased:,} emails + {args.erased:,} lead ids"}
    for kind, (seconds, last) in results.items():
        print(f"dry-run re-import, {labels[kind]:<32} {seconds:6.2f} s  "
              f"ratio {seconds / base:.2f}x baseline  (read {last['read']:,}, suppressed "
              f"{last['suppressed']:,}, balanced {last['balanced']})")
    print(f"lead_ids_among on {among['ids']:,} ids: {among['seconds']:.2f} s "
          f"({among['found']:,} on the list)")


if __name__ == "__main__":
    main()
