"""The sheet's round trip: export it, a rep fills in the outcomes as in Excel, `leadpilot outcomes`
reads the file back, and the outcomes are stored: in English CSV, French Excel CSV and XLSX."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from sheet_runs import publish_copy
from typer.testing import CliRunner

from flows import store
from flows.cli import app
from flows.sheets.files import localised_name
from scoring.sheet_layout import OUTCOME_CHOICES
from scoring.sheet_locale import OUTCOME_WORDS, headers

# What the rep writes for the 1st to 4th lead of their file: the drop-down's four choices.
FILLED = [
    ("won", "", date(2026, 12, 3), Decimal("1879.20")),
    ("lost", "Chose a competitor; price", date(2026, 12, 4), None),
    ("no answer", "", None, None),
    ("bad fit", "Too small", None, None),
]
STORED = {"won": "won", "lost": "lost", "no answer": "no_answer", "bad fit": "bad_fit"}


@pytest.fixture(scope="module")
def published(demo_env, tmp_path_factory):
    return publish_copy(demo_env, tmp_path_factory.mktemp("round_trip"))


def _env(settings) -> dict[str, str]:
    return {"LEADPILOT_WAREHOUSE": str(settings.warehouse),
            "LEADPILOT_OUT_DIR": str(settings.out_dir),
            "LEADPILOT_REJECTS_DIR": str(settings.rejects_dir)}


def _fill_csv(path, locale: str) -> list[str]:
    """Open the CSV as Excel would (all text), type the outcomes, save it again."""
    separator, encoding = (",", "utf-8-sig") if locale == "en" else (";", "cp1252")
    sheet = pd.read_csv(path, encoding="utf-8-sig", sep=separator, dtype=str,
                        keep_default_na=False)
    named, words = headers(locale), dict(zip(OUTCOME_CHOICES, OUTCOME_WORDS[locale], strict=True))
    for i, (outcome, reason, closed, value) in enumerate(FILLED):
        # the rep picks from the sheet's own words: "gagné", "hors cible" in French
        sheet.loc[i, [named["outcome"], named["outcome_reason"]]] = [words[outcome], reason]
        if closed:
            sheet.loc[i, named["close_date"]] = (closed.isoformat() if locale == "en"
                                                 else closed.strftime("%d/%m/%Y"))
        if value is not None:  # Excel drops the trailing zero of a number it re-saves
            sheet.loc[i, named["deal_value"]] = (str(value.normalize()) if locale == "en"
                                                 else str(value.normalize()).replace(".", ","))
    # French Excel's "CSV (séparateur: point-virgule)" saves in Windows-1252: ▲ and • become ?
    sheet.to_csv(path, index=False, sep=separator, encoding=encoding, errors="replace",
                 lineterminator="\r\n")
    return sheet[named["lead_id"]].head(len(FILLED)).tolist()


def _fill_xlsx(path) -> list[str]:
    """Type the outcomes in the workbook's cells, as a rep does in Excel, and save it."""
    book = openpyxl.load_workbook(path)
    page = book.worksheets[0]
    column = {cell.value: cell.column for cell in page[1]}
    for row, (outcome, reason, closed, value) in enumerate(FILLED, start=2):
        page.cell(row, column["Outcome"], outcome)
        page.cell(row, column["Outcome reason"], reason or None)
        page.cell(row, column["Close date"], datetime.combine(closed, datetime.min.time())
                  if closed else None)
        page.cell(row, column["Deal value (EUR)"], float(value) if value is not None else None)
    book.save(path)
    return [page.cell(row, column["Lead ID"]).value for row in range(2, 2 + len(FILLED))]


@pytest.mark.parametrize(("fmt", "locale", "owner"), [
    ("csv", "en", "camille-martin"), ("csv", "fr", "julien-moreau"),
    ("xlsx", "en", "lea-rousseau")])
def test_outcomes_filled_in_an_exported_sheet_are_stored(published, tmp_path, fmt, locale,
                                                         owner):
    assert {outcome for outcome, *_ in FILLED} == set(OUTCOME_CHOICES)
    exported = CliRunner().invoke(app, ["export", "--format", fmt, "--locale", locale,
                                        "--per-owner", "--out", str(tmp_path)],
                                  env=_env(published))
    assert exported.exit_code == 0, exported.output
    path = tmp_path / localised_name(f"lead_sheet_{owner}.{fmt}", locale)  # each rep's own file
    lead_ids = _fill_xlsx(path) if fmt == "xlsx" else _fill_csv(path, locale)

    result = CliRunner().invoke(app, ["outcomes", str(path)], env=_env(published))
    assert result.exit_code == 0, result.output

    with store.opened(published.warehouse) as con:
        stored = con.execute(
            "SELECT o.lead_id, o.outcome, coalesce(o.reason, ''), o.close_date, "
            "CAST(o.deal_value AS VARCHAR), l.status FROM outcomes o JOIN leads l USING "
            "(lead_id) WHERE o.lead_id IN (SELECT unnest(?))", [lead_ids]).fetchall()
    by_lead = {row[0]: row[1:] for row in stored}
    assert set(by_lead) == set(lead_ids)  # the other rows, with no outcome, were skipped
    for lead_id, (outcome, reason, closed, value) in zip(lead_ids, FILLED, strict=True):
        status = {"won": "won", "lost": "lost"}.get(outcome, "open")
        money = str(value) if value is not None else None
        assert by_lead[lead_id] == (STORED[outcome], reason, closed, money, status), lead_id
