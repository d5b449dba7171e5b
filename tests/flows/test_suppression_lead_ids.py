"""After `leadpilot forget`, a row that names the person only by a lead id they had (a filled-in
lead sheet, a CRM export without emails, tomorrow's intake files) is counted as suppressed like a
row that carries their email: not imported, and not copied into a rejects file. And
`forget --dry-run` reports exactly what the real run then removes, files included, while
changing no byte on disk."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from sheet_runs import publish_copy, register_kept
from support import ANCHOR, import_leads, warehouse_env
from typer.testing import CliRunner

from flows import store
from flows.cli import app
from flows.intake.daily import import_all
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
from flows.pipeline import publishing
from flows.privacy.erasure import forget
from flows.settings import Settings

NOW = datetime(2026, 11, 29, 6, 0)
LATER = datetime(2026, 11, 30, 6, 0)
FIRST_NAME, LAST_NAME = "Zéphyrine", "Vautrin-Bellegarde"  # on no other lead of the demo


def _cli(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=warehouse_env(settings))
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _files(*folders: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for folder in folders if folder.exists()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(demo_env, tmp_path) -> tuple[Settings, str, str]:
    """A published copy of the demo whose top lead is renamed to a name no other lead has:
    (settings, that lead's email, its lead id)."""
    settings = publish_copy(demo_env, tmp_path / "home")
    with store.opened(settings.warehouse) as con:
        register_kept(con, ANCHOR)
        email, lead = con.execute(
            "SELECT l.email, l.lead_id FROM kept_rows s JOIN leads l USING (lead_id) "
            "WHERE s.run_date = ? AND l.email IS NOT NULL ORDER BY s.rank LIMIT 1",
            [ANCHOR]).fetchone()
        con.execute("UPDATE leads SET first_name = ?, last_name = ? WHERE lead_id = ?",
                    [FIRST_NAME, LAST_NAME, lead])
    publishing.publish(settings, ANCHOR)  # the sheet shows the new name
    return settings, email, lead


def test_a_filled_sheet_naming_a_forgotten_lead_by_id_only_counts_it_suppressed(
        published, tmp_path):
    settings, email, lead = published
    rep = tmp_path / "rep"
    _cli(settings, "export", "--out", str(rep), "--format", "csv", "--locale", "en")
    sheet = pd.read_csv(rep / "lead_sheet.csv", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert f"{FIRST_NAME} {LAST_NAME}" in sheet["Lead"].tolist()
    other = sheet.loc[sheet["Lead ID"] != lead, "Lead ID"].iloc[0]
    # the rep fills in two outcomes, adds a lead by hand, and drops the email column
    sheet.loc[sheet["Lead ID"] == lead, ["Outcome", "Outcome reason"]] = [
        "won", f"signed by {LAST_NAME}"]
    sheet.loc[sheet["Lead ID"] == other, ["Outcome", "Outcome reason"]] = ["lost", "price"]
    added = dict.fromkeys(sheet.columns, "") | {"Lead ID": "L-HANDMADE", "Lead": "Ann Added",
                                                "Outcome": "won"}
    sheet = pd.concat([sheet, pd.DataFrame([added])], ignore_index=True).drop(columns="Email")
    filled = tmp_path / "filled.csv"
    sheet.to_csv(filled, index=False, encoding="utf-8-sig")
    with filled.open("a", encoding="utf-8") as handle:  # a line the reader rejects (too short)
        handle.write(f"{lead},{FIRST_NAME} {LAST_NAME},won\n")

    printed = _cli(settings, "forget", email)
    assert f"{email}: lead ids {lead}" in printed
    preview = _cli(settings, "outcomes", str(filled), "--dry-run")
    assert "2 rows of people erased by `leadpilot forget` skipped" in preview
    assert LAST_NAME.lower() not in preview.lower() and "L-HANDMADE" in preview
    _cli(settings, "outcomes", str(filled))

    with store.opened(settings.warehouse) as con:
        summary = json.loads(con.execute(
            "SELECT summary FROM imports WHERE kind = 'outcomes'").fetchone()[0])
        recorded = con.execute("SELECT list(lead_id) FROM outcomes").fetchone()[0]
        status = con.execute("SELECT status FROM leads WHERE lead_id = ?", [other]).fetchone()
    assert (summary["read"], summary["recorded"], summary["rejected"], summary["suppressed"],
            summary["skipped"]) == (len(sheet) + 1, 1, 1, 2, len(sheet) - 3)
    assert summary["read"] == sum(summary[k] for k in (
        "recorded", "unchanged", "merged", "skipped", "rejected", "suppressed"))
    assert recorded == [other] and status == ("lost",)
    rejects = _files(settings.rejects_dir)
    (reasons,) = [pd.read_csv(p, encoding="utf-8-sig")["reason"].tolist() for p in rejects]
    assert reasons == ["no lead 'L-HANDMADE' in the warehouse"]
    for path, data in rejects.items():
        text = data.decode("utf-8-sig").lower()
        assert LAST_NAME.lower() not in text and lead.lower() not in text, path
    assert LAST_NAME.encode() not in settings.warehouse.read_bytes()


_PRINTED_FILE = r"([^\s/]+) \((\d+) row\(s\) (?:to remove|removed)\)"
_PRINTED_TABLE = r"│ (\w+) │ (\d+) │"


def test_forget_dry_run_counts_what_the_real_run_removes_and_changes_no_file(published,
                                                                             tmp_path):
    settings, email, lead = published
    _cli(settings, "export", "--per-owner", "--locale", "fr")  # lead_sheet[_<owner>].fr.csv beside
    crm = tmp_path / "crm.csv"  # the person twice in a rejects file: by email, by lead id only
    crm.write_text("lead_id,created_at,first_name,last_name,email\n"
                   f"{lead},not a date,{FIRST_NAME},{LAST_NAME},{email}\n"
                   f"{lead},yesterday,{FIRST_NAME},{LAST_NAME},\n"
                   "L-OTHER,someday,Dan,Fox,dan@delta.fr\n", encoding="utf-8")
    _cli(settings, "import", str(crm), "--preset", "leadpilot")
    (rejects_file,) = _files(settings.rejects_dir)
    before = _files(settings.warehouse.parent)  # the sheets, rejects and warehouse

    shown = _cli(settings, "forget", email, "--dry-run")
    counted = forget(settings, email, dry_run=True)
    assert _files(settings.warehouse.parent) == before  # byte for byte

    done = _cli(settings, "forget", email)
    erased = forget(settings, email)  # again: nothing left to remove
    assert erased.total == 0 and erased.files == {}
    assert re.findall(_PRINTED_TABLE, shown) == re.findall(_PRINTED_TABLE, done)
    assert re.findall(_PRINTED_FILE, shown) == re.findall(_PRINTED_FILE, done) == [
        (path.name, str(n)) for path, n in counted.files.items()]
    assert counted.files[rejects_file] == 2 and counted.files[
        settings.out_dir / ANCHOR.isoformat() / "lead_sheet.csv"] == 1
    # the rejects, the English sheet, the French one (no longer written over it), the owner's
    # French file and the owner's page (reps/<owner>.html)
    assert sum(counted.files.values()) == 2 + 4
    assert dict(re.findall(_PRINTED_TABLE, shown))["leads"] == "1"
    assert "would rewrite" in shown and "rewrote" in done
    kept = pd.read_csv(rejects_file, encoding="utf-8-sig")["raw"].tolist()
    assert [r.split(",")[0] for r in kept] == ["L-OTHER"]


FIRST = ("lead_id,created_at,first_name,last_name,email,company_name\n"
         "00QJ00000JANE1,2026-11-20,Jane,Doe,jane.doe@example.com,Acme\n"
         "00QB00000BOB02,2026-11-21,Bob,Lee,bob@beta.fr,Beta\n")
# Jane by her CRM id only: an update without the email, the same with a bad date (would be
# rejected), a ragged line; beside Bob unchanged and Carl rejected (a bad date).
AGAIN = ("lead_id,created_at,first_name,last_name,email,company_name\n"
         " 00QJ00000JANE1 ,2026-11-20,Jane,Doe-Smith,,Acme\n"
         "00QJ00000JANE1,not a date,Jane,Doe,,Acme\n"
         "00QJ00000JANE1,Jane Doe\n"
         "00QB00000BOB02,2026-11-21,Bob,Lee,bob@beta.fr,Beta\n"
         "00QC00000CAR03,someday,Carl,Roe,carl@gamma.fr,Gamma\n")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, warehouse=tmp_path / "w.duckdb", out_dir=tmp_path / "out",
                    rejects_dir=tmp_path / "rejects")


def test_a_crm_export_naming_a_forgotten_lead_by_id_only_counts_it_suppressed(settings,
                                                                             tmp_path):
    (tmp_path / "crm.csv").write_text(FIRST, encoding="utf-8")
    import_leads(settings, tmp_path / "crm.csv", NOW)
    forget(settings, "jane.doe@example.com", now=NOW)
    again = tmp_path / "crm_again.csv"
    again.write_text(AGAIN, encoding="utf-8")

    preview = import_leads(settings, again, LATER, dry_run=True)
    summary = import_leads(settings, again, LATER)
    assert (summary.read, summary.inserted, summary.unchanged, summary.rejected,
            summary.suppressed) == (5, 0, 1, 1, 3)
    assert (preview.rejected, preview.suppressed) == (1, 3)
    assert pd.read_csv(summary.rejects_file, encoding="utf-8-sig")["line"].tolist() == [6]
    assert "jane" not in Path(summary.rejects_file).read_text(encoding="utf-8-sig").lower()
    with store.opened(settings.warehouse) as con:
        assert con.execute("SELECT list(lead_id) FROM leads").fetchone()[0] == ["00QB00000BOB02"]
        (hashed,) = con.execute("SELECT lead_id_sha256 FROM suppressed_lead_ids").fetchone()
    assert hashed != hashlib.sha256(b"00QJ00000JANE1").hexdigest()  # salted
    assert b"00QJ00000JANE1" not in settings.warehouse.read_bytes()


def test_forget_dry_run_puts_no_lead_id_on_the_list(settings, tmp_path):
    (tmp_path / "crm.csv").write_text(FIRST, encoding="utf-8")
    import_leads(settings, tmp_path / "crm.csv", NOW)
    assert forget(settings, "jane.doe@example.com", dry_run=True).lead_ids == ["00QJ00000JANE1"]
    with store.opened(settings.warehouse) as con:
        assert con.execute("SELECT count(*) FROM suppressed_lead_ids").fetchone()[0] == 0


INTAKE_COMPANIES = ("company_id,name,domain,country,industry,employees,annual_revenue,"
                    "founded_year\nC1,Société Générale des Eaux,www.sge.fr,FR,retail,120,,1990\n")
INTAKE_LEADS = ("lead_id,created_at,first_name,last_name,title,email,phone,company_id,source,"
                "status,closed_at\n"
                "L1,2026-11-20 10:00:00,Zoé,Müller,DSI,zoe@sge.fr,,C1,web_form,open,\n"
                "L2,2026-11-21 10:00:00,Ann,Lee,CEO,ann@gmail.com,,C1,event,open,\n")
# The next day's export: Zoé's lead without her email, again with a bad date, and ragged.
NEXT_LEADS = ("lead_id,created_at,first_name,last_name,title,email,phone,company_id,source,"
              "status,closed_at\n"
              "L1,2026-11-20 10:00:00,Zoé,Müller,DSI,,,C1,web_form,open,\n"
              "L1,2026-02-30 10:00:00,Zoé,Müller,DSI,,,C1,web_form,open,\n"
              "L1,Zoé Müller\n"
              "L2,2026-11-21 10:00:00,Ann,Lee,CEO,ann@gmail.com,,C1,event,open,\n")
NEXT_ACTIVITIES = ("event_id,lead_id,occurred_at,event_type\n"
                   "E1,L1,2026-11-21 10:00:00,pricing_page\n"
                   "E2,L1,2026-11-21 10:30:00,teleportation\n"
                   "E3,L2,2026-11-21 11:00:00,pricing_page\n")


def test_the_daily_intake_skips_a_forgotten_lead_id_on_a_later_day(settings, tmp_path):
    def files(leads: str, activities: str) -> list[Path]:
        paths = []
        for name, text in (("leads", leads), ("companies", INTAKE_COMPANIES),
                           ("activities", activities)):
            paths.append(tmp_path / f"{name}.csv")
            paths[-1].write_text(text, encoding="utf-8")
        return paths

    with store.opened(settings.warehouse) as con:
        import_all(con, *files(INTAKE_LEADS, "event_id,lead_id,occurred_at,event_type\n"),
                   settings.rejects_dir, NOW)
    forget(settings, "zoe@sge.fr", now=NOW)
    with store.opened(settings.warehouse) as con:
        _, leads, activities = import_all(con, *files(NEXT_LEADS, NEXT_ACTIVITIES),
                                          settings.rejects_dir, LATER)
        assert con.execute("SELECT list(lead_id) FROM leads").fetchone()[0] == ["L2"]
        assert con.execute("SELECT list(event_id) FROM activities").fetchone()[0] == ["E3"]
    assert (leads.read, leads.unchanged, leads.rejected, leads.suppressed) == (4, 1, 0, 3)
    assert (activities.read, activities.inserted, activities.suppressed) == (3, 1, 2)
    assert leads.rejects_file is None and activities.rejects_file is None
    assert not list(settings.rejects_dir.rglob("*.csv"))


def test_a_warehouse_from_before_the_lead_id_list_still_previews_by_email(settings, tmp_path):
    (tmp_path / "crm.csv").write_text(FIRST, encoding="utf-8")
    import_leads(settings, tmp_path / "crm.csv", NOW)
    forget(settings, "jane.doe@example.com", now=NOW)
    with store.opened(settings.warehouse) as con:  # as it stood before migration 008
        con.execute("DROP TABLE suppressed_lead_ids; DELETE FROM schema_version WHERE version = 8")
    with store.opened_read_only(settings.warehouse) as con:
        summary = import_file(con, tmp_path / "crm.csv", load_mapping("leadpilot", None),
                              tmp_path / "rejects", LATER, dry_run=True)
    assert (summary.unchanged, summary.suppressed) == (1, 1)  # Bob; Jane, by her email
