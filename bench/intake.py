"""Benchmark: `leadpilot import` of a 1-million-row lead CSV against DuckDB's own read_csv.

Run by hand: `.venv/bin/python bench/intake.py [--rows 1000000] [--keep DIR]`.

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
It prints seconds, peak RSS and the ratio to the floor. Targets: at most 3x the floor, peak
RSS at most 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
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
start = time.perf_counter()
con = duckdb.connect()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
WRITE_FLOOR = """
import json, resource, sys, time, duckdb
start = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.close()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": 0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
BARE = r"""
import json, resource, sys, time, duckdb
start = time.perf_counter()
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
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
FLOOR_FRAME = """
import json, resource, sys, time, duckdb
start = time.perf_counter()
frame = duckdb.connect().execute("SELECT * FROM read_csv(?)", [sys.argv[1]]).df()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(frame),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
IMPORT = """
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
from flows import store
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
start = time.perf_counter()
with store.opened(sys.argv[2]) as con:
    s = import_file(con, Path(sys.argv[1]), load_mapping("salesforce", None),
                    Path(sys.argv[3]), datetime(2026, 11, 29, 6))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": s.read,
                  "inserted": s.inserted, "updated": s.updated, "unchanged": s.unchanged,
                  "merged": s.merged, "rejected": s.rejected, "balanced": s.balanced,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=REPO, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep the files in.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadpilot-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        csv_path, warehouse = folder / "leads.csv", folder / "bench.duckdb"
        warehouse.unlink(missing_ok=True)
        (folder / "floor.duckdb").unlink(missing_ok=True)
        started = time.perf_counter()
        duckdb.connect().execute(GENERATE, [args.rows, str(csv_path)])
        size = csv_path.stat().st_size / 1e6
        print(f"file: {args.rows:,} rows, {size:.0f} MB, written in "
              f"{time.perf_counter() - started:.1f} s")
        floor = _run(FLOOR, str(csv_path))
        frame = _run(FLOOR_FRAME, str(csv_path))
        written = _run(WRITE_FLOOR, str(csv_path), str(folder / "floor.duckdb"))
        (folder / "bare.duckdb").unlink(missing_ok=True)
        bare = _run(BARE, str(csv_path), str(folder / "bare.duckdb"))
        first = _run(IMPORT, str(csv_path), str(warehouse), str(folder / "rejects"))
        again = _run(IMPORT, str(csv_path), str(warehouse), str(folder / "rejects"))
    print(f"DuckDB read_csv into a table (the floor): {floor['seconds']:6.2f} s  "
          f"peak RSS {floor['rss_mb']:6.0f} MB")
    print(f"DuckDB read_csv into pandas (reference): {frame['seconds']:6.2f} s  "
          f"peak RSS {frame['rss_mb']:6.0f} MB")
    print(f"DuckDB read_csv into a database file, no checks (reference): "
          f"{written['seconds']:6.2f} s  peak RSS {written['rss_mb']:6.0f} MB  "
          f"ratio {written['seconds'] / floor['seconds']:.2f}x floor")
    print(f"lower bound, the bare minimum of an import: {bare['seconds']:6.2f} s  "
          f"peak RSS {bare['rss_mb']:6.0f} MB  "
          f"ratio {bare['seconds'] / floor['seconds']:.2f}x floor")
    for name, result in (("leadpilot import", first), ("re-import (no change)", again)):
        print(f"{name:<24} {result['seconds']:6.2f} s  peak RSS {result['rss_mb']:6.0f} MB  "
              f"ratio {result['seconds'] / floor['seconds']:.2f}x floor "
              f"({result['seconds'] / written['seconds']:.2f}x the write reference)  "
              f"(read {result['rows']:,}: inserted {result['inserted']:,}, updated "
              f"{result['updated']:,}, unchanged {result['unchanged']:,}, merged "
              f"{result['merged']:,}, rejected {result['rejected']:,}; "
              f"balanced {result['balanced']})")
    ratio = first["seconds"] / floor["seconds"]
    verdict = "OK" if ratio <= 3 and first["rss_mb"] <= 1536 else "MISSED"
    print(f"target <= 3x floor and <= 1.5 GB: {verdict}")


if __name__ == "__main__":
    main()
