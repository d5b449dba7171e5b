"""`leadpilot outcomes FILE`: the filled-in sheet or a CRM export closes leads for training."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from support import four_leads

from flows import store
from flows.errors import LeadpilotError
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
from flows.intake.outcomes import record_outcomes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "salesforce"
NOW = datetime(2026, 12, 2, 9, 0)
SHEET = ("Rank,Lead ID,Lead,Outcome,Outcome reason,Close date,Deal value (EUR)\n"
         "1,L1,Zoé Martin,won,signed the annual plan,2026-12-01,\"12,500.50\"\n"
         "2,L2,Ann Lee,bad fit,too small,,\n"
         "3,L3,Bob Roy,,,,\n"
         "4,L9,Nobody,lost,,,\n"
         "5,L4,Eve Lin,maybe,,,\n")


@pytest.fixture
def con(tmp_path):
    connection = four_leads(tmp_path, datetime(2026, 11, 29))
    yield connection
    connection.close()


def _file(tmp_path: Path, name: str, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _lead(con, lead_id):
    return con.execute("SELECT status, closed_at FROM leads WHERE lead_id = ?",
                       [lead_id]).fetchone()


def test_the_filled_in_sheet_records_outcomes_and_closes_won_and_lost_leads(con, tmp_path):
    summary = record_outcomes(con, _file(tmp_path, "sheet.csv", SHEET), tmp_path / "rej", NOW)
    assert summary.balanced
    assert (summary.read, summary.recorded, summary.skipped, summary.rejected, summary.closed) == (
        5, 2, 1, 2, 1)
    assert _lead(con, "L1") == ("won", datetime(2026, 12, 1))
    assert _lead(con, "L2") == ("open", None)  # bad fit is kept, but does not close the lead
    outcomes = con.execute("SELECT lead_id, outcome, reason, close_date, deal_value "
                           "FROM outcomes ORDER BY lead_id").fetchall()
    assert outcomes == [("L1", "won", "signed the annual plan", date(2026, 12, 1),
                         Decimal("12500.50")),
                        ("L2", "bad_fit", "too small", None, None)]
    rejects = pd.read_csv(summary.rejects_file, encoding="utf-8-sig")
    assert rejects["line"].tolist() == [5, 6]
    assert "no lead 'L9'" in rejects["reason"][0] and "'maybe'" in rejects["reason"][1]


def test_recording_the_same_file_twice_changes_nothing(con, tmp_path):
    path = _file(tmp_path, "sheet.csv", SHEET)
    record_outcomes(con, path, tmp_path / "rej", NOW)
    again = record_outcomes(con, path, tmp_path / "rej", datetime(2026, 12, 3))
    assert (again.recorded, again.unchanged) == (0, 2)
    assert con.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 2


def test_a_french_excel_sheet_reads_decimal_commas_and_day_first_dates(con, tmp_path):
    text = ("Rang;Lead ID;Outcome;Outcome reason;Close date;Deal value (EUR)\r\n"
            "1;L3;perdu;prix trop élevé;03/12/2026;1 234,50\r\n")
    record_outcomes(con, _file(tmp_path, "fiche.csv", text, "cp1252"), tmp_path / "rej", NOW)
    assert _lead(con, "L3") == ("lost", datetime(2026, 12, 3))
    assert con.execute("SELECT reason, deal_value FROM outcomes").fetchone() == (
        "prix trop élevé", Decimal("1234.50"))


def test_an_xlsx_sheet_is_read_too(con, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Lead ID", "Outcome", "Close date", "Deal value (EUR)"])
    book.active.append(["L4", "No answer", None, None])
    book.active.append(["L1", "Won", datetime(2026, 11, 30), 990.125])
    book.save(tmp_path / "sheet.xlsx")
    summary = record_outcomes(con, tmp_path / "sheet.xlsx", tmp_path / "rej", NOW)
    assert (summary.recorded, summary.closed) == (2, 1)
    assert con.execute("SELECT outcome, deal_value FROM outcomes ORDER BY lead_id").fetchall() == [
        ("won", Decimal("990.13")), ("no_answer", None)]


def test_a_salesforce_export_closes_converted_and_unconverted_leads(tmp_path):
    with store.opened(tmp_path / "w.duckdb") as con:
        export = FIXTURES / "developer-edition-demo" / "Lead.csv"
        import_file(con, export, load_mapping("salesforce", None), tmp_path / "r", NOW)
        con.execute("UPDATE leads SET status = 'open', closed_at = NULL")
        summary = record_outcomes(con, export, tmp_path / "rej", NOW)
        assert (summary.recorded, summary.skipped, summary.rejected) == (11, 11, 0)
        counts = dict(con.execute("SELECT status, count(*) FROM leads GROUP BY 1").fetchall())
    assert counts == {"won": 8, "lost": 3, "open": 11}


def test_a_file_without_an_outcome_column_is_one_sentence(con, tmp_path):
    with pytest.raises(LeadpilotError, match="no outcome column"):
        record_outcomes(con, _file(tmp_path, "x.csv", "Lead ID,Note\nL1,hi\n"), tmp_path, NOW)


def test_a_dry_run_writes_nothing(con, tmp_path):
    summary = record_outcomes(con, _file(tmp_path, "sheet.csv", SHEET), tmp_path / "rej", NOW,
                              dry_run=True)
    assert summary.recorded == 2 and summary.first_rejects[0]["line"] == 5
    assert con.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 0
    assert not (tmp_path / "rej").exists()


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_changing_while_it_is_read_is_refused_and_nothing_is_written(con, tmp_path,
                                                                           monkeypatch, dry_run):
    from flows.intake import outcomes

    path = _file(tmp_path, "sheet.csv", SHEET)
    read = outcomes.load_csv

    def still_written(*args, **kwargs):  # the CRM goes on writing while DuckDB reads
        loaded = read(*args, **kwargs)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("6,L3,Bob Roy,lost,,,\n7,L4,\"half")
        return loaded

    monkeypatch.setattr(outcomes, "load_csv", still_written)
    before = _lead(con, "L1")
    with pytest.raises(LeadpilotError, match=r"sheet.csv changed while it was read \(231 bytes "
                       r"then 262\): import it again once it is complete\.$"):
        record_outcomes(con, path, tmp_path / "rej", NOW, dry_run=dry_run)
    assert con.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 0
    assert _lead(con, "L1") == before
    assert not (tmp_path / "rej").exists()


def test_a_sheet_returned_without_any_outcome_records_nothing_and_says_so(con, tmp_path):
    sheet = "Rank,Lead ID,Lead,Outcome\n1,L1,Zoé Martin,\n2,L2,Ann Lee,open\n"
    summary = record_outcomes(con, _file(tmp_path, "sheet.csv", sheet), tmp_path / "rej", NOW)
    assert summary.balanced and (summary.read, summary.skipped, summary.recorded) == (2, 2, 0)
    assert con.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 0
