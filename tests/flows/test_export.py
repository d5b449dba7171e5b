"""Owners on the daily sheet, and `leadpilot export`: a past run's sheet rebuilt from the
warehouse as CSV (en, fr) or XLSX, whole or one file per owner."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from sheet_runs import publish_copy, register_kept
from support import ANCHOR
from typer.testing import CliRunner

from flows import store
from flows.cli import app
from flows.errors import LeadpilotError
from flows.pipeline import publishing
from flows.sheets.export import stored_sheet, stored_top
from scoring.sheet_locale import SOURCES_FR, headers

REP_NAMES = {"Camille Martin", "Julien Moreau", "Léa Rousseau", "Hannah Weber", "Oliver Smith"}


@pytest.fixture(scope="module")
def published(demo_env, tmp_path_factory):
    return publish_copy(demo_env, tmp_path_factory.mktemp("export"))


def _export(settings, *args: str):
    env = {"LEADPILOT_WAREHOUSE": str(settings.warehouse),
           "LEADPILOT_OUT_DIR": str(settings.out_dir)}
    return CliRunner().invoke(app, ["export", *args], env=env)


def _read_csv(path, separator=",") -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", sep=separator, dtype=str,
                       keep_default_na=False)


def test_every_lead_on_the_sheet_has_an_owner_from_the_territories(published):
    sheet = _read_csv(published.out_dir / ANCHOR.isoformat() / "lead_sheet.csv")
    assert set(sheet["Owner"]) == REP_NAMES | {"Backlog"}  # every rep gets some, the rest wait
    with store.opened(published.warehouse) as con:
        rows = con.execute(
            "SELECT a.owner, a.rule, c.country, c.industry FROM owner_assignments a "
            "JOIN leads l USING (lead_id) JOIN companies c USING (company_id) "
            "WHERE a.run_date = ?", [ANCHOR]).df()
    assert len(rows) == len(sheet)
    # the demo covers every country it generates: nobody goes to the default rep for that
    assert set(rows["rule"]) == {"territory", "overflow", "backlog"}
    rows = rows[rows["rule"] == "territory"]
    french_tech = rows[(rows["country"] == "FR") & rows["industry"].isin(["software",
                                                                            "finance"])]
    assert set(french_tech["owner"]) == {"Camille Martin"}
    assert set(rows.loc[rows["country"] == "GB", "owner"]) == {"Oliver Smith"}  # UK, as ISO


def test_export_per_owner_writes_the_whole_sheet_and_one_xlsx_per_owner(published, tmp_path):
    result = _export(published, "--format", "xlsx", "--per-owner", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    whole = _xlsx(tmp_path / "lead_sheet.xlsx")
    parts = {p.name: _xlsx(p) for p in tmp_path.glob("lead_sheet_*.xlsx")}
    assert set(parts) == {"lead_sheet_camille-martin.xlsx", "lead_sheet_julien-moreau.xlsx",
                          "lead_sheet_lea-rousseau.xlsx", "lead_sheet_hannah-weber.xlsx",
                          "lead_sheet_oliver-smith.xlsx", "lead_sheet_backlog.xlsx"}
    ids = [i for part in parts.values() for i in part["Lead ID"]]
    assert sorted(ids) == sorted(whole["Lead ID"]) and len(ids) == len(set(ids)) == 300
    for name, part in parts.items():
        assert part["Owner"].nunique() == 1, name
        assert part["Rank"].is_monotonic_increasing  # each rep's file keeps the sheet order
    assert "lead_sheet_lea-rousseau.xlsx" in result.output


def _xlsx(path, locale: str = "en") -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].values)
    assert tuple(rows[0]) == tuple(headers(locale).values())
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_exported_xlsx_holds_the_amounts_of_the_published_sheet(published, tmp_path):
    assert _export(published, "--format", "xlsx", "--out", str(tmp_path)).exit_code == 0
    book = _xlsx(tmp_path / "lead_sheet.xlsx")
    printed = _read_csv(published.out_dir / ANCHOR.isoformat() / "lead_sheet.csv")
    assert book["Lead ID"].tolist() == printed["Lead ID"].tolist()
    for column in ("Suggested price (ACV, per year)", "Expected value (EUR)",
                   "Walk-away price (per year)"):
        exact = printed[column].map(lambda v: Decimal(v) if v else None)
        read = book[column].map(lambda v: None if pd.isna(v)
                                else Decimal(str(v)).quantize(Decimal("0.01")))
        assert read.tolist() == exact.tolist(), column
    percent = (book["Win probability (%)"] * 100).round(1)
    assert percent.tolist() == printed["Win probability (%)"].astype(float).tolist()


def test_export_of_a_past_day_in_french_matches_the_english_sheet(published, tmp_path):
    english_copy = tmp_path / "lead_sheet.csv"
    english_copy.write_bytes((published.out_dir / ANCHOR.isoformat() / "lead_sheet.csv")
                             .read_bytes())
    result = _export(published, "--date", ANCHOR.isoformat(), "--locale", "fr", "--format",
                     "csv", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    french = _read_csv(tmp_path / "lead_sheet.fr.csv", ";")
    english = _read_csv(english_copy)  # the French export wrote beside it, not over it
    assert tuple(french.columns) == tuple(headers("fr").values())
    french.columns = english.columns
    acv = "Suggested price (ACV, per year)"
    assert french[acv].str.replace(",", ".").tolist() == english[acv].tolist()
    assert (french[_SAME] == english[_SAME]).all().all()
    assert set(french["Source"]) <= set(SOURCES_FR.values())
    assert french["Multi-year offers (per year)"].str.startswith("2 ans : ").all()
    assert not french["Change since yesterday"].eq("new").any()
    assert not french["Scored by"].str.contains("model|rules-based").any()
    reasons = french["Assigned because"]
    assert reasons.str.startswith(("territoire", "en attente")).any()
    assert not reasons.str.contains("territory|backlog|capacity|CRM owner|overflow").any()


_SAME = ["Rank", "Owner", "Grade", "Lead", "Company", "Email", "Phone", "Country",
         "Why this score", "Talking points", "Plan", "Seats", "Currency", "Lead ID"]


def test_the_daily_sheet_follows_the_format_and_locale_settings(published):
    xlsx = published.model_copy(update={"sheet_format": "xlsx", "sheet_locale": "fr"})
    path, leads, top = publishing.publish(xlsx, ANCHOR)
    assert path.name == "lead_sheet.fr.xlsx"  # the English sheet of the day is left alone
    with store.opened(published.warehouse) as con:  # the rows kept do not depend on the format
        stored = stored_sheet(con, ANCHOR)["lead_id"].tolist()
    assert _xlsx(path, "fr")["ID du lead"].tolist() == stored
    assert len(stored) == leads and top["lead_id"].tolist() == stored[:10]


def test_exporting_a_day_without_a_sheet_names_the_latest_one(published):
    result = _export(published, "--date", "2026-11-01")
    assert isinstance(result.exception, LeadpilotError)
    assert str(result.exception) == (
        f"No lead sheet was published on 2026-11-01; the latest is {ANCHOR} (1 in the warehouse).")


def test_an_unknown_format_is_refused_in_one_sentence(published):
    result = _export(published, "--format", "pdf")
    assert str(result.exception) == "--format must be csv or xlsx, got 'pdf'."


def test_a_crm_owner_in_the_leads_file_beats_the_territories(published, tmp_path):
    from flows.pipeline.owners import assign_owners

    with store.opened(published.warehouse) as con:
        register_kept(con, ANCHOR)
        lead = con.execute(  # Oliver's first lead: Julien still has room that early
            "SELECT lead_id FROM owner_assignments JOIN kept_rows USING (run_date, lead_id) "
            "WHERE run_date = ? AND owner = 'Oliver Smith' ORDER BY rank LIMIT 1",
            [ANCHOR]).fetchone()[0]
        con.execute("UPDATE leads SET owner = ' JULIEN.MOREAU@example.com' WHERE lead_id = ?",
                    [lead])
    try:
        summary = assign_owners(published, ANCHOR)
        with store.opened(published.warehouse) as con:
            owner, rule = con.execute("SELECT owner, rule FROM owner_assignments WHERE "
                                      "run_date = ? AND lead_id = ?", [ANCHOR, lead]).fetchone()
        assert (owner, rule) == ("Julien Moreau", "crm")
        assert summary["rules"]["crm"] == 1 and sum(summary["rules"].values()) == 300
    finally:
        with store.opened(published.warehouse) as con:
            con.execute("UPDATE leads SET owner = NULL WHERE lead_id = ?", [lead])
        assign_owners(published, ANCHOR)


def test_the_leads_csv_can_carry_the_crm_owner(tmp_path):
    from datetime import datetime

    from flows.intake.importer import import_file
    from flows.intake.mapping import load_mapping

    path = tmp_path / "leads.csv"
    path.write_text("lead_id,created_at,email,source,status,owner\n"
                    "L1,2026-11-01 10:00:00,a@b.fr,web_form,open, Camille Martin \n"
                    "L2,2026-11-01 10:00:00,c@d.fr,web_form,open,\n", encoding="utf-8")
    with store.opened(tmp_path / "w.duckdb") as con:  # the daily intake's leads door
        import_file(con, path, load_mapping("leadpilot", None), tmp_path, datetime(2026, 11, 2))
        owners = con.execute("SELECT lead_id, owner FROM leads ORDER BY lead_id").fetchall()
    assert owners == [("L1", "Camille Martin"), ("L2", None)]


@pytest.mark.parametrize("command", ["export", "forget"])
def test_export_and_forget_have_their_own_help(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
    assert ("--per-owner" if command == "export" else "--dry-run") in result.output


def test_the_top_of_a_stored_sheet_is_read_without_the_rest(published):
    with store.opened(published.warehouse) as con:
        whole = stored_sheet(con, ANCHOR)
        top, total = stored_top(con, ANCHOR, 5)
        none, _ = stored_top(con, ANCHOR, 0)
    assert total == len(whole) == 300 and len(none) == 0
    pd.testing.assert_frame_equal(top, whole.head(5))
