"""Intake loses no row to an awkward file: a quote never closed costs only its own line, a
field longer than csv's 128 KB default still reads, and an Excel workbook lands like a CSV
with its rejects named by the sheet's row numbers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from flows import store
from flows.intake.daily import import_all
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping

NOW = datetime(2026, 11, 27, 6, 0)
HEADER = ("lead_id,created_at,first_name,last_name,title,email,phone,company_id,source,status,"
          "closed_at")
COMPANIES = ("company_id,name,domain,country,industry,employees,annual_revenue,founded_year\n"
             "C1,Société Générale des Eaux,sge.fr,FR,retail,120,,1990\n")
ACTIVITIES = ("event_id,lead_id,occurred_at,event_type\n"
              "E1,L1,2026-11-21 10:00:00,pricing_page\n"
              "E2,L9,2026-11-22 10:00:00,webinar_attended\n")
UNCLOSED = "has a quote that is never closed"


def _lead(lead_id: str, title: str = "DSI", **fields: str) -> str:
    cells = {"created_at": "2026-11-20 10:00:00", "first_name": "Zoé", "last_name": "Müller",
             "email": f"{lead_id.lower()}@sge.fr", "source": "web_form", **fields}
    return ",".join([lead_id, cells["created_at"], cells["first_name"], cells["last_name"],
                     title, cells["email"], "", "C1", cells["source"], "open", ""])


def _import(folder: Path, leads: Path):
    """Import `leads` with a small companies and activities file; returns (results, con)."""
    (folder / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    (folder / "activities.csv").write_text(ACTIVITIES, encoding="utf-8")
    con = store.connect(folder / "w.duckdb")
    results = import_all(con, leads, folder / "companies.csv", folder / "activities.csv",
                         folder / "rejects", NOW)
    return dict(zip(("companies", "leads", "activities"), results, strict=True)), con


def _balanced(result) -> bool:
    return result.balanced


def _rejects(result) -> pd.DataFrame:
    return pd.read_csv(result.rejects_file, encoding="utf-8-sig", keep_default_na=False)


def _lead_ids(con) -> list[str]:
    return [row[0] for row in con.execute("SELECT lead_id FROM leads ORDER BY lead_id").fetchall()]


BROKEN = [  # line 3 opens a quote it never closes: read as it was, it swallowed lines 4-5,
    # up to the opening quote of L2's title
    HEADER,
    _lead("L1"),
    'L7,2026-11-20 10:00:00,"Acme,bob@acme.com,,C1,web_form,open,',
    _lead("L8"),
    _lead("L2", '"Head of\nSales Ops"'),  # lines 5-6: a quoted line break, one record
    _lead("L9", '"Smith, Jr"'),
    _lead("L3", created_at="2026-02-30 10:00:00"),
    _lead("L4"),
]


@pytest.fixture
def broken(tmp_path: Path):
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(BROKEN) + "\n", encoding="utf-8")
    return _import(tmp_path, path)


def test_a_quote_never_closed_rejects_only_its_own_line_and_the_rows_after_it_land(broken):
    results, con = broken
    leads = results["leads"]
    assert _lead_ids(con) == ["L1", "L2", "L4", "L8", "L9"]
    assert (leads.read, leads.inserted, leads.rejected) == (7, 5, 2)
    assert _balanced(leads)
    rejects = _rejects(leads)
    assert rejects["line"].tolist() == [3, 8]
    assert rejects["reason"].iloc[0] == UNCLOSED
    assert rejects["raw"].iloc[0] == BROKEN[2]  # that line alone, as written
    assert "created_at" in rejects["reason"].iloc[1]  # lines after it keep their numbers


def test_the_rows_after_a_quote_never_closed_keep_their_own_quoted_fields(broken):
    _, con = broken
    titles = dict(con.execute("SELECT lead_id, title FROM leads").fetchall())
    assert titles["L2"] == "Head of\nSales Ops"  # still one record over two lines
    assert titles["L9"] == "Smith, Jr"
    assert con.execute("SELECT count(*) FROM activities WHERE lead_id = 'L9'").fetchone()[0] == 1


def test_a_quote_still_open_on_the_last_line_is_named_as_such(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(f'{HEADER}\n{_lead("L1")}\nL7,"Acme,bob@acme.com\n', encoding="utf-8")
    results, con = _import(tmp_path, path)
    rejects = _rejects(results["leads"])
    assert rejects[["line", "reason", "raw"]].values.tolist() == [
        [3, UNCLOSED, 'L7,"Acme,bob@acme.com']]
    assert _lead_ids(con) == ["L1"] and _balanced(results["leads"])


def test_a_short_line_without_quotes_keeps_its_field_count_reason(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(f"{HEADER}\nL7,too,few\n{_lead('L1')}\n", encoding="utf-8")
    results, _ = _import(tmp_path, path)
    assert _rejects(results["leads"])["reason"].tolist() == [
        "has 3 fields where the header has 11"]


def test_many_quotes_never_closed_each_cost_one_line(tmp_path):
    lines = [HEADER]
    for i in range(2000):
        lines.append(f'B{i},2026-11-20 10:00:00,"Acme' if i % 10 == 0 else _lead(f"L{i:04d}"))
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with store.opened(tmp_path / "w.duckdb") as con:
        result = import_file(con, path, load_mapping("leadpilot", None), tmp_path / "rejects",
                             NOW)
        landed = con.execute("SELECT count(*) FROM leads").fetchone()[0]
    assert (result.read, result.inserted, result.rejected, landed) == (2000, 1800, 200, 1800)
    rejects = _rejects(result)
    assert rejects["line"].tolist() == list(range(2, 2002, 10))
    assert set(rejects["reason"]) == {UNCLOSED}


def test_a_field_longer_than_csvs_default_limit_reads_and_is_validated_as_usual(tmp_path):
    huge = "x" * 300_000  # csv's default field_size_limit is 131,072 characters
    path = tmp_path / "leads.csv"
    path.write_text("\n".join([HEADER, _lead("L1", huge), _lead("L2", source=huge),
                               _lead("L3")]) + "\n", encoding="utf-8")
    results, con = _import(tmp_path, path)
    leads = results["leads"]
    # both doors cap a mapped field at 1,000 characters (importer.MAX_TEXT)
    assert (leads.read, leads.inserted, leads.rejected) == (3, 1, 2) and _balanced(leads)
    assert _lead_ids(con) == ["L3"]
    rejects = _rejects(leads)
    assert rejects["line"].tolist() == [2, 3]
    assert set(rejects["reason"]) == {"a field is longer than 1000 characters"}
    assert all(len(raw) > len(huge) for raw in rejects["raw"])


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


SHEET = [  # sheet rows 1-2 blank: the header is row 3
    [None], [None],
    HEADER.split(","),
    ["L1", datetime(2026, 11, 20, 10, 0), "Zoé", "Müller", "DSI", "l1@sge.fr", None, "C1",
     "web_form", "open", None],
    ["L2", "2026-11-21 10:00:00", "Ann", "Lee", "Head of\nSales Ops", "l2@sge.fr", "+33 6 00",
     "C1", "event", "open", None],  # row 5: a cell with a line break, two CSV lines
    ["L3", "2026-02-30 10:00:00", "Bad", "Date", "CEO", "l3@sge.fr", None, "C1", "partner",
     "open", None],  # row 6
    [None] * 11,  # row 7: blank, skipped like a blank line
    ["L4", datetime(2026, 11, 22, 9, 30), "Jean", "Dupont", "CEO", "jean.dupont@", None, "C1",
     "outbound", "open", None],  # row 8: a bad email
    ["L9", datetime(2026, 11, 22, 9, 30), "Luc", "Roy", "CTO", "l9@sge.fr", 33612, "C1",
     "outbound", "open", None],
]


def test_an_excel_workbook_lands_like_a_csv_with_rejects_on_its_row_numbers(tmp_path):
    results, con = _import(tmp_path, _workbook(tmp_path / "leads.xlsx", SHEET))
    leads = results["leads"]
    assert (leads.read, leads.inserted, leads.rejected) == (5, 3, 2) and _balanced(leads)
    assert _lead_ids(con) == ["L1", "L2", "L9"]
    landed = con.execute("SELECT lead_id, created_at, title, phone FROM leads "
                         "ORDER BY lead_id").fetchall()
    assert landed[0][1] == datetime(2026, 11, 20, 10, 0)
    assert landed[1][2:] == ("Head of\nSales Ops", "+33 6 00")
    assert landed[2][3] == "33612"
    rejects = _rejects(leads)
    assert rejects["line"].tolist() == [6, 8]
    assert "created_at" in rejects["reason"].iloc[0] and "email" in rejects["reason"].iloc[1]
    assert rejects["raw"].tolist() == [
        "L3,2026-02-30 10:00:00,Bad,Date,CEO,l3@sge.fr,,C1,partner,open,",
        "L4,2026-11-22 09:30:00,Jean,Dupont,CEO,jean.dupont@,,C1,outbound,open,"]
    assert results["activities"].inserted == 2  # L9's activity found its lead


def test_a_workbook_saved_under_a_csv_name_is_read_as_a_workbook(tmp_path):
    path = _workbook(tmp_path / "leads.csv", SHEET[2:4])
    results, con = _import(tmp_path, path)
    assert (results["leads"].read, results["leads"].inserted) == (1, 1)
    assert _lead_ids(con) == ["L1"]


def test_a_workbook_row_with_text_beyond_the_header_is_rejected_not_cut(tmp_path):
    extra = ["L5", *SHEET[3][1:5], "l5@sge.fr", *SHEET[3][6:], None, "note beside the table"]
    results, con = _import(tmp_path, _workbook(tmp_path / "leads.xlsx",
                                               [SHEET[2], SHEET[3], extra]))
    leads = results["leads"]
    assert (leads.read, leads.rejected) == (2, 1) and _balanced(leads)
    rejects = _rejects(leads)
    assert rejects["line"].tolist() == [3] and "13 fields" in rejects["reason"].iloc[0]
    assert rejects["raw"].iloc[0].endswith(",,note beside the table")
    assert _lead_ids(con) == ["L1"]
