"""`leadpilot import FILE`: presets, dedupe, change history, rejects, dry run, row equation."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from features.reading.values import CsvFormat
from flows import store
from flows.editable_files import ConfigError
from flows.errors import LeadpilotError
from flows.intake import rows as import_rows
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "salesforce"
NOW = datetime(2026, 11, 29, 6, 0)
LATER = datetime(2026, 11, 30, 6, 0)
LEADS_HEADER = "lead_id,created_at,first_name,last_name,email,source,status,company_name,website\n"


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _import(con, path, tmp_path, preset="leadpilot", now=NOW, **kwargs):
    summary = import_file(con, path, load_mapping(preset, kwargs.pop("mapping", None)),
                          tmp_path / "rejects", now, **kwargs)
    assert summary.balanced, summary
    return summary


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _one(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()


@pytest.mark.parametrize("export, rows, won, lost", [
    ("developer-edition-demo", 22, 8, 3),
    ("data-cloud-workshop", 60, 0, 0),
])
def test_real_salesforce_exports_import_whole_with_the_preset(con, tmp_path, export, rows, won,
                                                              lost):
    summary = _import(con, FIXTURES / export / "Lead.csv", tmp_path, "salesforce")
    assert (summary.read, summary.inserted, summary.rejected) == (rows, rows, 0)
    counts = dict(con.execute("SELECT status, count(*) FROM leads GROUP BY 1").fetchall())
    assert (counts.get("won", 0), counts.get("lost", 0)) == (won, lost)
    assert _one(con, "SELECT count(*) FROM leads WHERE company_id IS NULL "
                     "OR company_id NOT IN (SELECT company_id FROM companies)")[0] == 0
    assert _one(con, "SELECT count(*) FROM leads WHERE status <> 'open' AND closed_at IS NULL"
                )[0] == 0


def test_salesforce_statuses_sources_and_company_fields_are_mapped(con, tmp_path):
    _import(con, FIXTURES / "developer-edition-demo" / "Lead.csv", tmp_path, "salesforce")
    status, closed_at, source, extra, company = _one(
        con, "SELECT status, closed_at, source, extra, company_id FROM leads "
             "WHERE lead_id = '00Qbm00000Orxk5EAB'")
    assert (status, closed_at, source) == ("won", datetime(2026, 2, 24), "web_form")
    assert json.loads(extra)["LeadSource"] == "Web"  # the original is kept
    assert _one(con, "SELECT name, industry, annual_revenue FROM companies "
                     "WHERE company_id = ?", company) == (
        "Farmers Coop. of Florida", "Agriculture", 900750000)
    assert _one(con, "SELECT status, source FROM leads WHERE lead_id = '00Qbm00000OrxkFEAR'") == (
        "lost", "partner")  # Closed - Not Converted, Partner Referral


def test_an_unknown_lead_source_gets_the_default_and_keeps_its_text(con, tmp_path):
    path = _write(tmp_path, "sf.csv", "Id,Email,LeadSource\n1,a@acme.fr,Carrier Pigeon\n")
    _import(con, path, tmp_path, "salesforce")
    source, extra = _one(con, "SELECT source, extra FROM leads")
    assert source == "web_form"
    assert json.loads(extra) == {"LeadSource": "Carrier Pigeon"}


def test_reimporting_the_same_file_changes_nothing(con, tmp_path):
    path = FIXTURES / "data-cloud-workshop" / "Lead.csv"
    _import(con, path, tmp_path, "salesforce")
    before = con.execute("SELECT * FROM leads ORDER BY lead_id").df()
    again = _import(con, path, tmp_path, "salesforce", now=LATER)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 60)
    pd.testing.assert_frame_equal(con.execute("SELECT * FROM leads ORDER BY lead_id").df(),
                                  before)
    assert _one(con, "SELECT count(*) FROM lead_changes")[0] == 0


def test_an_updated_file_updates_only_changed_rows_and_keeps_the_history(con, tmp_path):
    first = _write(tmp_path, "v1.csv", LEADS_HEADER
                   + "L1,2026-11-01,Zoé,Martin,zoe@acme.fr,event,open,Acme,acme.fr\n"
                   + "L2,2026-11-02,Ann,Lee,ann@beta.io,partner,open,Beta,beta.io\n")
    _import(con, first, tmp_path)
    second = _write(tmp_path, "v2.csv", LEADS_HEADER
                    + "L1,2026-11-01,Zoé,Martin-Durand,zoe@acme.fr,event,won,Acme,acme.fr\n"
                    + "L2,2026-11-02,Ann,Lee,ann@beta.io,partner,open,Beta,beta.io\n")
    summary = _import(con, second, tmp_path, now=LATER)
    assert (summary.updated, summary.unchanged, summary.inserted) == (1, 1, 0)
    changes = con.execute("SELECT lead_id, field, old, new, changed_at, source_file "
                          "FROM lead_changes ORDER BY field").fetchall()
    assert [(c[0], c[1], c[2], c[3]) for c in changes] == [
        ("L1", "closed_at", None, "2026-11-30 06:00:00"),
        ("L1", "last_name", "Martin", "Martin-Durand"),
        ("L1", "status", "open", "won")]
    assert {c[4] for c in changes} == {LATER} and changes[0][5].endswith("v2.csv")
    assert _one(con, "SELECT updated_at FROM leads WHERE lead_id = 'L2'")[0] == NOW


def test_emails_differing_in_case_and_spaces_are_one_lead(con, tmp_path):
    path = _write(tmp_path, "dupes.csv", "Email,First Name,Company Name\n"
                  "John@X.com,John,X\n"
                  "  john@x.com ,Johnny,X\n")
    summary = _import(con, path, tmp_path, "hubspot")
    assert (summary.read, summary.inserted, summary.merged) == (2, 1, 1)
    assert _one(con, "SELECT first_name, email FROM leads") == ("Johnny", "john@x.com")


def test_an_email_already_in_the_warehouse_updates_that_lead(con, tmp_path):
    _import(con, _write(tmp_path, "a.csv", LEADS_HEADER
                        + "L1,2026-11-01,Zoé,Martin,Zoe@Acme.fr,event,open,,\n"), tmp_path)
    summary = _import(con, _write(tmp_path, "b.csv", "Email,Job Title\nzoe@acme.fr,CEO\n"),
                      tmp_path, "hubspot")
    assert (summary.inserted, summary.updated) == (0, 1)
    assert _one(con, "SELECT lead_id, title FROM leads") == ("L1", "CEO")


def test_an_email_pasted_with_tabs_is_the_same_person(con, tmp_path):
    path = _write(tmp_path, "tabs.csv", "Email,First Name\n"
                  "zoe@acme.fr,Zoé\n\tZoe@Acme.fr\t,Zoé M\n")
    summary = _import(con, path, tmp_path, "hubspot")
    assert (summary.inserted, summary.merged, summary.rejected) == (1, 1, 0)
    assert _one(con, "SELECT email, first_name FROM leads") == ("Zoe@Acme.fr", "Zoé M")  # no tab


def test_a_field_over_a_thousand_characters_is_rejected_owner_included(con, tmp_path):
    long = "x" * 1001
    path = _write(tmp_path, "long.csv", "Email,First Name,Contact owner\n"
                  f"a@x.com,{long},Camille\nb@x.com,Bob,{long}\nc@x.com,Cy,Camille\n")
    summary = _import(con, path, tmp_path, "hubspot")
    assert (summary.inserted, summary.rejected) == (1, 2)
    rejected = pd.read_csv(summary.rejects_file, encoding="utf-8-sig")
    assert set(rejected["reason"]) == {"a field is longer than 1000 characters"}


def test_country_names_are_stored_as_codes_and_unknown_ones_as_written(con, tmp_path):
    path = _write(tmp_path, "countries.csv", "Email,Company Name,Website URL,Country/Region\n"
                  "a@a.fr,A,a.fr,France\nb@b.de,B,b.de,Allemagne\nc@c.fr,C,c.fr, fr\n"
                  "d@d.xx,D,d.xx,Frence\n")
    _import(con, path, tmp_path, "hubspot")
    assert con.execute("SELECT name, country FROM companies ORDER BY 1").fetchall() == [
        ("A", "FR"), ("B", "DE"), ("C", "FR"), ("D", "Frence")]


def test_salesforce_api_dates_with_an_offset_land_in_utc(con, tmp_path):
    path = _write(tmp_path, "api.csv", "Id,Email,CreatedDate\n"
                  "00Q1,a@x.com,2024-01-22T20:36:47.000+0100\n"
                  "00Q2,b@x.com,2024-01-22T20:36:47.000+0000\n"
                  "00Q3,c@x.com,2024-01-22 08:00\n")  # another shape: read by the macros
    summary = _import(con, path, tmp_path, "salesforce")
    assert (summary.inserted, summary.rejected) == (3, 0)
    created = con.execute("SELECT lead_id, created_at FROM leads ORDER BY 1").fetchall()
    assert created == [("00Q1", datetime(2024, 1, 22, 19, 36, 47)),
                       ("00Q2", datetime(2024, 1, 22, 20, 36, 47)),
                       ("00Q3", datetime(2024, 1, 22, 8, 0))]


def test_the_fast_date_path_knows_salesforce_api_dates(con):
    con.execute("CREATE TEMP TABLE sample AS SELECT unnest(['2024-01-22T20:36:47.000+0000', "
                "'2025-03-01T08:00:00.000-0500']) AS v")
    assert import_rows.date_format_of(con, "sample", "v", CsvFormat()) == "%Y-%m-%dT%H:%M:%S.%f%z"


def test_non_ascii_emails_are_judged_like_everywhere_else_in_leadpilot(con, tmp_path):
    path = _write(tmp_path, "idn.csv", "Email,Company Name\n"
                  "zoé@exämple.fr,Exämple\nzoé@@acme.fr,Acme\né b@acme.fr,Acme\n")
    summary = _import(con, path, tmp_path, "hubspot")
    assert (summary.read, summary.inserted, summary.rejected) == (3, 1, 2)
    assert _one(con, "SELECT email FROM leads") == ("zoé@exämple.fr",)
    rejected = pd.read_csv(summary.rejects_file, encoding="utf-8-sig")
    assert rejected["line"].tolist() == [3, 4]
    assert rejected["reason"].tolist() == ["bad email: zoé@@acme.fr", "bad email: é b@acme.fr"]


def test_websites_written_differently_are_one_company(con, tmp_path):
    path = _write(tmp_path, "web.csv", "Email,Company Name,Website URL\n"
                  "a@x.com,X Corp,www.X.com\n"
                  "b@x.com,X Corporation,https://x.com/\n"
                  "c@y.de,Müller,http://www.müller.de/kontakt\n"
                  "d@y.de,Müller GmbH,xn--mller-kva.de\n")
    _import(con, path, tmp_path, "hubspot")
    companies = con.execute("SELECT company_id, domain FROM companies ORDER BY 1").fetchall()
    assert companies == [("d:x.com", "x.com"), ("d:xn--mller-kva.de", "xn--mller-kva.de")]
    assert _one(con, "SELECT count(DISTINCT company_id) FROM leads")[0] == 2


def test_a_company_without_website_is_keyed_by_its_normalised_name(con, tmp_path):
    path = _write(tmp_path, "names.csv", "Email,Company Name\n"
                  "a@gmail.com,Société Générale S.A.\nb@yahoo.fr,societe generale\n")
    _import(con, path, tmp_path, "hubspot")
    assert con.execute("SELECT DISTINCT company_id FROM leads").fetchall() == [
        ("n:societe generale",)]


def test_a_crm_lead_at_a_known_domain_joins_the_existing_company(con, tmp_path):
    con.execute("INSERT INTO companies (company_id, name, domain, updated_at) "
                "VALUES ('C1', 'SGE', 'www.sge.fr', ?)", [NOW])
    _import(con, _write(tmp_path, "sge.csv", "Email,Website URL,Number of Employees\n"
                        "a@sge.fr,https://sge.fr,120\n"), tmp_path, "hubspot")
    assert _one(con, "SELECT company_id FROM leads")[0] == "C1"
    assert _one(con, "SELECT domain, employees FROM companies") == ("www.sge.fr", 120)


def test_each_rejected_row_has_its_line_reason_and_original_text(con, tmp_path):
    path = _write(tmp_path, "bad.csv", LEADS_HEADER
                  + 'L1,2026-11-01,"Multi\nline",A,ok@acme.fr,event,open,,\n'
                  + "L2,2026-11-01,B,B,jean.dupont@,event,open,,\n"
                  + "L3,31/02/2026,C,C,c@acme.fr,event,open,,\n"
                  + ",,,,,event,open,,\n"
                  + "L5,2026-11-01,too,few\n")
    summary = _import(con, path, tmp_path)
    assert (summary.read, summary.inserted, summary.rejected) == (5, 1, 4)
    rejects = pd.read_csv(summary.rejects_file, encoding="utf-8-sig", dtype=str)
    by_line = dict(zip(rejects["line"].astype(int), rejects["reason"], strict=True))
    assert set(by_line) == {4, 5, 6, 7}
    assert "bad email" in by_line[4]
    assert "created_at is not a date" in by_line[5]
    assert "neither an id nor an email" in by_line[6]
    assert by_line[7] == "has 4 fields where the header has 9"
    assert rejects.loc[rejects["line"] == "4", "raw"].iloc[0] == (
        "L2,2026-11-01,B,B,jean.dupont@,event,open,,")


def test_numbers_that_cannot_be_read_and_negative_employee_counts_are_rejected(con, tmp_path):
    path = _write(tmp_path, "n.csv", "Email,Number of Employees,Annual Revenue\n"
                  "a@a.fr,-5,\nb@b.fr,12 people,\nc@c.fr,1 200,\"1 234 567,89\"\n")
    summary = _import(con, path, tmp_path, "hubspot")
    assert (summary.inserted, summary.rejected) == (1, 2)
    assert _one(con, "SELECT employees, annual_revenue FROM companies") == (1200, 1234568)


def test_a_french_excel_file_imports_with_a_toml_mapping(con, tmp_path):
    mapping = _write(tmp_path, "salon.toml", '[columns]\nemail = "Courriel"\n'
                     'first_name = "Prénom"\ncreated_at = "Date"\nemployees = "Effectif"\n'
                     'source = "Origine"\n[sources]\n"Salon" = "event"\n')
    path = _write(tmp_path, "salon.csv", "Prénom;Courriel;Date;Effectif;Origine;Stand\r\n"
                  "Élodie;elodie@exemple.fr;31/12/2026;1 250;Salon;B12\r\n", "cp1252")
    summary = _import(con, path, tmp_path, mapping=mapping)
    assert "cp1252" in summary.format and "semicolon" in summary.format
    first, created, source, extra = _one(
        con, "SELECT first_name, created_at, source, extra FROM leads")
    assert (first, created, source) == ("Élodie", datetime(2026, 12, 31), "event")
    assert json.loads(extra) == {"Origine": "Salon", "Stand": "B12"}
    assert _one(con, "SELECT employees FROM companies")[0] == 1250


@pytest.mark.parametrize("width", [3, 60])  # a few extra columns, and more than 40
def test_every_extra_column_is_kept_trimmed_and_empty_ones_left_out(con, tmp_path, width):
    extras = [f"Custom {i}" for i in range(width)]
    path = _write(tmp_path, "wide.csv", "Email,LeadSource," + ",".join(extras) + "\n"
                  "ann@acme.com,Web," + ",".join(f" v{i} " if i % 2 else "" for i in range(width))
                  + "\nbob@acme.com,Carrier Pigeon," + ",".join(["x"] * width) + "\n")
    _import(con, path, tmp_path, "salesforce")
    ann, bob = (json.loads(v) for (v,) in con.execute(
        "SELECT extra FROM leads ORDER BY email").fetchall())
    assert ann == {"LeadSource": "Web", **{f"Custom {i}": f"v{i}" for i in range(1, width, 2)}}
    assert bob == {"LeadSource": "Carrier Pigeon", **{name: "x" for name in extras}}


def test_a_dry_run_previews_and_writes_nothing(tmp_path):
    path = _write(tmp_path, "bad.csv", LEADS_HEADER + "L1,2026-11-01,A,A,nope,event,open,,\n"
                  + "L2,2026-11-01,B,B,b@b.fr,event,open,,\n")
    with store.opened_read_only(tmp_path / "never.duckdb") as con:
        summary = _import(con, path, tmp_path, dry_run=True)
    assert (summary.inserted, summary.rejected, summary.rejects_file) == (1, 1, None)
    assert summary.first_rejects[0]["line"] == 2
    assert not (tmp_path / "never.duckdb").exists() and not (tmp_path / "rejects").exists()


def test_a_file_with_no_id_or_email_column_fails_in_one_sentence(con, tmp_path):
    path = _write(tmp_path, "x.csv", "Name,City\nAnn,Lyon\n")
    with pytest.raises(LeadpilotError, match="no id or email column"):
        _import(con, path, tmp_path, "salesforce")
    assert _one(con, "SELECT count(*) FROM imports")[0] == 0


@pytest.mark.parametrize("text, message", [
    ("[columns]\nemail = 3\n", "line 2, field columns.email"),
    ("[columns]\nmood = \"x\"\n", "field columns.mood: unknown field"),
    ('[columns]\nemail = "E"\n[sources]\n"Web" = "billboard"\n', 'line 4, field sources."Web"'),
    ("[columns\n", "not valid TOML"),
])
def test_mapping_mistakes_name_the_file_line_and_field(tmp_path, text, message):
    path = _write(tmp_path, "m.toml", text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load_mapping(None, path)


def test_an_unknown_preset_is_one_sentence():
    with pytest.raises(ConfigError, match="unknown preset 'pipedrive'"):
        load_mapping("pipedrive", None)


def test_the_cli_previews_a_file_then_imports_it_in_one_sentence_per_problem(tmp_path):
    import os
    import subprocess
    import sys

    path = _write(tmp_path, "fr.csv", "Prénom;Courriel;Société\r\nZoé;zoe@acme.fr;Acme\r\n"
                  "Bob;bob@;Beta\r\n", "cp1252")
    mapping = _write(tmp_path, "m.toml", '[columns]\nfirst_name = "Prénom"\n'
                     'email = "Courriel"\ncompany_name = "Société"\n')
    env = {**os.environ, "LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"),
           "LEADPILOT_REJECTS_DIR": str(tmp_path / "rejects")}

    def leadpilot(*args):
        return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()",
                               "import", str(path), "--mapping", str(mapping), *args],
                              capture_output=True, text=True, env=env, timeout=120)

    preview = leadpilot("--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "Dry run: nothing was written" in preview.stdout
    assert "cp1252/latin-1, semicolon-separated" in preview.stdout
    assert "first_name <- Prénom" in preview.stdout and "bad email: bob@" in preview.stdout
    assert not (tmp_path / "w.duckdb").exists()
    done = leadpilot()
    assert done.returncode == 0 and "Imported" in done.stdout
    assert (tmp_path / "rejects").is_dir()
    broken = _write(tmp_path, "broken.toml", "[columns]\nemail = 3\n")
    failed = subprocess.run([sys.executable, "-c", "from flows.cli import main; main()",
                             "import", str(path), "--mapping", str(broken)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "broken.toml, line 2, field columns.email" in failed.stderr


def test_a_workbook_reports_its_reading_progress_row_by_row(con, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Email", "FirstName"])
    for i in range(3500):
        book.active.append([f"ann{i}@acme{i}.com", f"Ann{i}"])
    book.save(tmp_path / "leads.xlsx")
    seen = []
    _import(con, tmp_path / "leads.xlsx", tmp_path, "salesforce",
            stage=lambda name, done: seen.append(done) if name == "Reading" else None)
    converting = [done for done in seen if done < 0.8]
    assert len(converting) >= 3 and converting == sorted(converting)  # every 1,000 rows
    assert seen[-1] == 1.0
    assert _one(con, "SELECT count(*) FROM leads")[0] == 3500
