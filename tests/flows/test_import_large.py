"""A 1-million-row CRM export imports through the CLI in bounded memory (slow: ~15-40 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

ROWS = 1_000_000
PEAK_RSS_MB = 1536
GENERATE = """
COPY (
    SELECT '00Q' || lpad(i::VARCHAR, 12, '0') AS Id, 'Ann' || (i % 1000) AS FirstName,
           'Lee' AS LastName,
           CASE WHEN i % 1000 = 7 THEN 'not-an-email'
                ELSE 'user' || i || '@company' || (i % 100000) || '.com' END AS Email,
           'Company ' || (i % 100000) AS Company,
           CASE WHEN i % 2 = 0 THEN 'https://www.company' || (i % 100000) || '.com/'
                ELSE 'company' || (i % 100000) || '.com' END AS Website,
           ['Web', 'Trade Show', 'Partner Referral'][i % 3 + 1] AS LeadSource,
           ['Open - Not Contacted', 'Closed - Converted'][i % 2 + 1] AS Status,
           (i % 5000)::VARCHAR AS NumberOfEmployees,
           strftime(TIMESTAMP '2024-01-01' + to_minutes(i), '%m/%d/%y %I:%M %p') AS CreatedDate,
           'note ' || i AS Description__c
    FROM range(?) AS t(i)
) TO ? (HEADER, DELIMITER ',')
"""
MEASURE = """
import resource, sys
from flows.cli.commands import main
sys.argv = ["leadpilot", "import", sys.argv[1], "--preset", "salesforce"]
try:
    main()
finally:
    print("PEAK_RSS_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


@pytest.mark.slow
def test_a_million_row_export_imports_in_bounded_memory(tmp_path):
    path = tmp_path / "million.csv"
    duckdb.connect().execute(GENERATE, [ROWS, str(path)])
    env = {**os.environ, "LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"),
           "LEADPILOT_REJECTS_DIR": str(tmp_path / "rejects")}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    peak = float(done.stdout.split("PEAK_RSS_MB")[-1])
    assert peak < PEAK_RSS_MB
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    summary = json.loads(con.execute("SELECT summary FROM imports").fetchone()[0])
    assert summary["read"] == ROWS
    assert summary["rejected"] == ROWS // 1000  # the bad emails
    assert summary["read"] == summary["inserted"] + summary["merged"] + summary["rejected"]
    assert con.execute("SELECT count(*) FROM leads").fetchone()[0] == summary["inserted"]
    # companies 7, 1007, ... 99007 only appear on rows with a bad email
    assert con.execute("SELECT count(*) FROM companies").fetchone()[0] == 100_000 - 100
    assert con.execute("SELECT count(*) FROM leads WHERE status = 'won'").fetchone()[0] > 0
