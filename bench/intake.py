"""Benchmark: `leadpilot import` of a 1-million-row lead CSV against DuckDB's own read_csv.

Run by hand: `.venv/bin/python bench/intake.py [--rows 1000000] [--runs 3] [--keep DIR]`.

It writes a CRM-like leads CSV (Salesforce layout: 17 columns, UTF-8 with BOM, US dates,
companies inline, 1 % duplicate emails in another case, 0.1 % bad emails), then in fresh
subprocesses (so each peak RSS is its own):
  1. the floor: DuckDB `read_csv` of the same file into a table (auto-detected, no checks),
     and for reference the same into a pandas DataFrame and into a table of a database file
     (what any import that lands rows on disk pays before checking anything);
  1b. a lower bound: the least an import can do and still meet the issue's core: one email
     check, a crude domain, dedupe by email in one window, rejects kept (flagged) and leads and
     companies written to a database file; none of leadpilot's other checks, reasons, history,
     rejects file or transaction (BARE below);
  2. leadpilot's import into an empty warehouse (detection, validation, dedupe, write);
  3. the same import again (re-import: compare only, nothing written).
Each round runs every contestant once, BARE and leadpilot's import in alternating order from
round to round. It prints, per round and as medians, wall seconds, CPU seconds (all threads:
steadier than wall time on a shared machine), peak RSS and the ratios to BARE and to the floor.
Goal (issue 14): leadpilot's import at most 2.5x BARE (the median of the rounds' ratios), peak
RSS at most 1.5 GB. (The earlier goal of 3x the floor was withdrawn as unreachable on 2 cores:
BARE alone takes 2-4x the floor.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
GOAL_RATIO = 2.5  # leadpilot import / BARE (issue 14)
GOAL_RSS_MB = 1536
GENERATE = """
COPY (
    SELECT
        '00Q' || lpad(i::VARCHAR, 12, '0') AS Id,
        ['Anna', 'Élodie', 'John', 'Zoé', 'Mehmet', 'Li'][i % 6 + 1] AS FirstName,
        'Name' || (i % 50000) AS LastName,
        ['CEO', 'VP Sales', 'Head of IT', 'Buyer', 'CFO'][i % 5 + 1] AS Title,
        CASE WHEN i % 1000 = 7 THEN 'not-an-email'
             WHEN i % 100 = 3
                 THEN upper('user' || (i - 1) || '@company' || ((i - 1) % 200000) || '.com')
             ELSE 'user' || i || '@company' || (i % 200000) || '.com' END AS Email,
        '+33 1 ' || lpad((i % 100000000)::VARCHAR, 8, '0') AS Phone,
        'Company ' || (i % 200000) AS Company,
        CASE WHEN i % 3 = 0 THEN 'https://www.company' || (i % 200000) || '.com/'
             ELSE 'company' || (i % 200000) || '.com' END AS Website,
        ['Web', 'Trade Show', 'Partner Referral', 'Cold Call', 'Webinar'][i % 5 + 1] AS LeadSource,
        ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted',
         'Closed - Not Converted'][i % 4 + 1] AS Status,
        CASE WHEN i % 4 = 2 THEN 'TRUE' ELSE 'FALSE' END AS IsConverted,
        ['Retail', 'Software', 'Banking', 'Agriculture'][i % 4 + 1] AS Industry,
        ['FR', 'DE', 'US', 'GB'][i % 4 + 1] AS Country,
        (i % 200000) % 5000 + 1 AS NumberOfEmployees,
        ((i % 200000) * 1000 + 50000)::BIGINT AS AnnualRevenue,
        strftime(TIMESTAMP '2024-01-01' + to_minutes(i), '%m/%d/%y %I:%M %p') AS CreatedDate,
        'note ' || i AS Description__c
    FROM range(?) AS t(i)
) TO ? (HEADER, DELIMITER ',')
"""
FLOOR = """
import json, resource, sys, time, duckdb
start, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows,
                  "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
WRITE_FLOOR = """
import json, resource, sys, time, duckdb
start, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.close()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": 0,
                  "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
BARE = r"""
import json, resource, sys, time, duckdb
start, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect(sys.argv[2])
con.execute("SET preserve_insertion_order = false")
con.execute('''CREATE TABLE leads AS SELECT * FROM (
    SELECT *, CASE WHEN NOT regexp_full_match(email,
            '[^@\s]{1,64}@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}')
        THEN 'bad email' END AS reason
    FROM (SELECT Id AS lead_id, lower(trim(Email)) AS email, FirstName, LastName, Title, Phone,
        Company, regexp_replace(lower(split_part(regexp_replace(Website,
            '^(https?://)?(www\.)?', ''), '/', 1)), '\.$', '') AS domain,
        LeadSource, Status, IsConverted, Industry, Country,
        TRY_CAST(NumberOfEmployees AS BIGINT) AS employees,
        TRY_CAST(AnnualRevenue AS DECIMAL(18, 2)) AS annual_revenue,
        try_strptime(CreatedDate, '%m/%d/%y %I:%M %p') AS created_at, Description__c
    FROM read_csv(?, all_varchar = true)))
    QUALIFY reason IS NOT NULL OR row_number() OVER (PARTITION BY email, reason) = 1''',
            [sys.argv[1]])
con.execute("CREATE TABLE companies AS SELECT domain, any_value(Company) AS name, "
            "any_value(Country) AS country, max(employees) AS employees FROM leads "
            "WHERE reason IS NULL AND domain <> '' GROUP BY domain")
con.close()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": 0,
                  "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
FLOOR_FRAME = """
import json, resource, sys, time, duckdb
start, cpu = time.perf_counter(), time.process_time()
frame = duckdb.connect().execute("SELECT * FROM read_csv(?)", [sys.argv[1]]).df()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(frame),
                  "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
IMPORT = """
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
from flows import store
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
start, cpu = time.perf_counter(), time.process_time()
with store.opened(sys.argv[2]) as con:
    s = import_file(con, Path(sys.argv[1]), load_mapping("salesforce", None),
                    Path(sys.argv[3]), datetime(2026, 11, 29, 6))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": s.read,
                  "inserted": s.inserted, "updated": s.updated, "unchanged": s.unchanged,
                  "merged": s.merged, "rejected": s.rejected, "balanced": s.balanced,
                  "cpu": time.process_time() - cpu,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter: its figures (`seconds` and `cpu`, the CPU seconds
    of all its threads, both counted from after its imports)."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=REPO, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _round(number: int, csv_path: Path, folder: Path) -> dict[str, dict]:
    """One run of each contestant; the lower bound and leadpilot's import in alternating
    order from round to round, so that a slow spell of the machine weighs on both."""
    results = {"floor": _run(FLOOR, str(csv_path))}
    if number == 0:
        results["frame"] = _run(FLOOR_FRAME, str(csv_path))
    (folder / "floor.duckdb").unlink(missing_ok=True)
    results["written"] = _run(WRITE_FLOOR, str(csv_path), str(folder / "floor.duckdb"))
    warehouse, rejects_dir = folder / "bench.duckdb", folder / "rejects"

    def bare() -> None:
        (folder / "bare.duckdb").unlink(missing_ok=True)
        results["bare"] = _run(BARE, str(csv_path), str(folder / "bare.duckdb"))

    def leadpilot() -> None:
        warehouse.unlink(missing_ok=True)
        results["first"] = _run(IMPORT, str(csv_path), str(warehouse), str(rejects_dir))
        results["again"] = _run(IMPORT, str(csv_path), str(warehouse), str(rejects_dir))

    for step in ((bare, leadpilot) if number % 2 == 0 else (leadpilot, bare)):
        step()
    return results


def _line(name: str, result: dict, bare: dict | None = None, floor: dict | None = None) -> str:
    text = (f"  {name:<44} {result['seconds']:6.2f} s  CPU {result['cpu']:6.2f} s  "
            f"peak RSS {result['rss_mb']:5.0f} MB")
    if bare is not None:
        text += f"  {result['seconds'] / bare['seconds']:.2f}x BARE"
    if floor is not None:
        text += f"  {result['seconds'] / floor['seconds']:.2f}x read_csv"
    return text


def _counts(result: dict) -> str:
    return (f"read {result['rows']:,}: inserted {result['inserted']:,}, updated "
            f"{result['updated']:,}, unchanged {result['unchanged']:,}, merged "
            f"{result['merged']:,}, rejected {result['rejected']:,}; "
            f"balanced {result['balanced']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="Alternating rounds (default 3).")
    parser.add_argument("--keep", type=Path, help="Folder to keep the files in.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadpilot-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        csv_path = folder / "leads.csv"
        started = time.perf_counter()
        duckdb.connect().execute(GENERATE, [args.rows, str(csv_path)])
        size = csv_path.stat().st_size / 1e6
        print(f"file: {args.rows:,} rows, {size:.0f} MB, written in "
              f"{time.perf_counter() - started:.1f} s")
        rounds = []
        for number in range(args.runs):
            results = _round(number, csv_path, folder)
            rounds.append(results)
            floor, bare = results["floor"], results["bare"]
            print(f"round {number + 1} of {args.runs}:")
            print(_line("DuckDB read_csv into a table (floor)", floor))
            if "frame" in results:
                print(_line("DuckDB read_csv into pandas (reference)", results["frame"]))
            print(_line("read_csv into a database file, no checks", results["written"],
                        bare, floor))
            print(_line("BARE: lower bound of an import, into a file", bare, bare, floor))
            print(_line("leadpilot import", results["first"], bare, floor))
            print(_line("leadpilot re-import (no change)", results["again"], bare, floor))
            print(f"    first: {_counts(results['first'])}")
            print(f"    again: {_counts(results['again'])}")
    _summary(rounds)


def _summary(rounds: list[dict[str, dict]]) -> None:
    """Medians over the rounds; each ratio is taken within its round, then the median."""
    def ratios(name: str, to: str) -> list[float]:
        return [r[name]["seconds"] / r[to]["seconds"] for r in rounds]

    print(f"median of {len(rounds)} rounds (ratios within each round):")
    for name, label in (("bare", "BARE"), ("first", "leadpilot import"),
                        ("again", "leadpilot re-import")):
        print(f"  {label:<20} {statistics.median(r[name]['seconds'] for r in rounds):6.2f} s  "
              f"CPU {statistics.median(r[name]['cpu'] for r in rounds):6.2f} s  "
              f"{statistics.median(ratios(name, 'bare')):.2f}x BARE "
              f"(CPU {statistics.median(r[name]['cpu'] / r['bare']['cpu'] for r in rounds):.2f}x)"
              f"  {statistics.median(ratios(name, 'floor')):.2f}x read_csv  "
              f"peak RSS {max(r[name]['rss_mb'] for r in rounds):5.0f} MB")
    ratio = statistics.median(ratios("first", "bare"))
    rss = max(r[key]["rss_mb"] for r in rounds for key in ("first", "again"))
    verdict = "OK" if ratio <= GOAL_RATIO and rss <= GOAL_RSS_MB else "MISSED"
    print(f"goal: leadpilot import <= {GOAL_RATIO}x BARE, peak RSS <= "
          f"{GOAL_RSS_MB / 1024:.1f} GB: {ratio:.2f}x, {rss / 1024:.2f} GB: {verdict}")


if __name__ == "__main__":
    main()
