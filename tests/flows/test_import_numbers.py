"""`leadpilot import`: how numbers are read and checked (whole numbers take a fast path that
must give the same values and reasons as the general one)."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest

from flows import store
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping

NOW = datetime(2026, 11, 29, 6, 0)
HEADER = ["lead_id", "created_at", "email", "company_name", "website", "employees",
          "annual_revenue", "founded_year"]
# (employees, annual revenue, founded year) -> the reason, or the stored numbers
CASES = [
    (("12", "50000", "1999"), (12, 50000, 1999)),
    (("+12", "007", "2100"), (12, 7, 2100)),
    # the largest revenue (1e18 as a DOUBLE once rejected it)
    (("2000000000", "999999999999999999", "1800"), (2000000000, 999999999999999999, 1800)),
    (("", "999999999999999999.4", ""), (None, 999999999999999999, None)),
    (("1 200", "1.234,50", ""), (1200, 1235, None)),  # not whole: the general path
    (("12.0", "12345678901234567890123", ""), "annual_revenue is too large"),  # > BIGINT
    (("2000000001", "", ""), "employees is not a whole number of people: 2000000001"),
    (("12,5", "", ""), "employees is not a whole number of people: 12,5"),
    (("-3", "", ""), "employees is negative: -3"),
    (("", "-5", ""), "annual_revenue is negative: -5"),
    (("", "1000000000000000000", ""), "annual_revenue is too large"),
    (("", "", "1799"), "founded_year is not a year: 1799"),
    (("", "", "1999.5"), "founded_year is not a year: 1999.5"),
    (("lots", "", ""), "employees is not a number: lots"),
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numbers")
    path = folder / "leads.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, (numbers, _) in enumerate(CASES):
            writer.writerow([f"L{i}", "2026-01-02", f"p{i}@acme{i}.com", f"Acme {i}",
                             f"acme{i}.com", *numbers])
    with store.opened(folder / "w.duckdb") as con:
        summary = import_file(con, path, load_mapping("leadpilot", None), folder / "rejects",
                              NOW)
        stored = {row[0]: row[1:] for row in con.execute(
            "SELECT l.lead_id, c.employees, c.annual_revenue, c.founded_year FROM leads l "
            "JOIN companies c USING (company_id)").fetchall()}
    with (folder / "rejects" / "leads_rejects.csv").open(encoding="utf-8-sig") as handle:
        reasons = {int(row["line"]): row["reason"] for row in csv.DictReader(handle)}
    assert summary.balanced
    return stored, reasons


@pytest.mark.parametrize("index", range(len(CASES)))
def test_each_number_is_stored_or_rejected_with_its_reason(imported, index):
    stored, reasons = imported
    expected = CASES[index][1]
    if isinstance(expected, str):
        assert reasons[index + 2].startswith(expected), reasons.get(index + 2)
        assert f"L{index}" not in stored
    else:
        assert stored[f"L{index}"] == expected
        assert index + 2 not in reasons
