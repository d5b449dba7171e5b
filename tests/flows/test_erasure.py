"""`leadpilot forget EMAIL`: after it, no table and no sheet file leadpilot wrote holds the person,
and the counts it reports are the rows that went."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import duckdb
import openpyxl
import pandas as pd
import pytest
from sheet_runs import publish_copy, register_kept
from support import ANCHOR
from typer.testing import CliRunner

from flows import store
from flows.cli import app
from flows.errors import LeadpilotError
from flows.privacy.erasure import forget
from flows.sheets import kept
from flows.sheets.export import files_for, stored_sheet
from flows.sheets.files import write_sheet


@pytest.fixture(scope="module")
def warehouse(demo_env, tmp_path_factory):
    """A published copy of the demo, with sheet files in three forms, a rejects file, and an
    enrichment cache keyed by email and by lookup key, as another feature might add."""
    settings = publish_copy(demo_env, tmp_path_factory.mktemp("forget"))
    with store.opened(settings.warehouse) as con:
        register_kept(con, ANCHOR)
        person, lead, other = con.execute("""
            SELECT l.email, l.lead_id,
                   (SELECT min(lead_id) FROM kept_rows WHERE lead_id <> l.lead_id)
            FROM leads l JOIN kept_rows s USING (lead_id)
            WHERE l.lead_id IN (SELECT lead_id FROM activities) AND l.email IS NOT NULL
            ORDER BY s.rank LIMIT 1""").fetchone()
        con.execute("""
            CREATE TABLE test_cache (provider VARCHAR, key VARCHAR, payload VARCHAR);
            CREATE TABLE test_lookups (lead_id VARCHAR, provider VARCHAR, key VARCHAR);""")
        con.execute("INSERT INTO test_lookups VALUES (?, 'registry', 'K-person'), "
                    "(?, 'registry', 'K-shared'), (?, 'registry', 'K-shared')",
                    [lead, lead, other])
        con.execute("INSERT INTO test_cache VALUES ('registry', 'K-person', 'x'), "
                    "('registry', 'K-shared', 'y'), ('people', ?, 'z')", [f" {person.upper()}"])
        sheet = stored_sheet(con, ANCHOR)
    folder = settings.out_dir / ANCHOR.isoformat()
    write_sheet(sheet, folder / "lead_sheet.xlsx", "xlsx")
    for path, part in files_for(sheet, folder, "csv", per_owner=True, locale="fr")[1:]:
        write_sheet(part, path, "csv", "fr")  # lead_sheet_<owner>.fr.csv
    rejects = settings.rejects_dir / ANCHOR.isoformat()
    rejects.mkdir(parents=True)
    pd.DataFrame({"line": [7, 9], "reason": ["created_at is not a date", "bad source"],
                  "raw": [f"L999,yesterday,{person.title()},web_form", "L998,x,a@b.fr,fax"]}
                 ).to_csv(rejects / "leads_rejects.csv", index=False, encoding="utf-8-sig")
    return settings, person, lead


def _row_counts(settings) -> dict[str, int]:
    with store.opened(settings.warehouse) as con:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    # the sheets kept as files count as sheet_rows, the table that kept them before
    counts["sheet_rows"] += sum(kept.rows(settings.warehouse, d) for d in kept.days(
        settings.warehouse))
    return counts


def _mentions(settings, *needles: str) -> list[str]:
    """Every table.column whose text holds one of the needles (case-insensitive)."""
    found = []
    with store.opened(settings.warehouse) as con:
        columns = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                              "WHERE table_schema = 'main'").fetchall()
        for table, column in columns:
            text = f'lower(CAST("{column}" AS VARCHAR))'
            hits = con.execute(
                f'SELECT count(*) FROM "{table}" WHERE '  # noqa: S608
                + " OR ".join(f"contains({text}, ?)" for _ in needles),
                [n.lower() for n in needles]).fetchone()[0]
            if hits:
                found.append(f"{table}.{column}")
        for day in kept.days(settings.warehouse):  # the sheets kept as files, by column
            sheet = kept.read(settings.warehouse, day).astype(str).apply(lambda c: c.str.lower())
            found += [f"kept sheet.{column}" for column in sheet.columns
                      if any(sheet[column].str.contains(n.lower(), regex=False).any()
                             for n in needles)]
    return found


def _env(settings) -> dict[str, str]:
    return {"LEADPILOT_WAREHOUSE": str(settings.warehouse),
            "LEADPILOT_OUT_DIR": str(settings.out_dir),
            "LEADPILOT_REJECTS_DIR": str(settings.rejects_dir)}


def test_forget_erases_the_person_everywhere_and_reports_the_rows_it_removed(warehouse):
    settings, person, lead = warehouse
    assert {"leads.email", "activities.lead_id", "kept sheet.email", "kept sheet.lead_id",
            "owner_assignments.lead_id", "test_cache.key"} <= set(_mentions(settings, person,
                                                                              lead))
    before = _row_counts(settings)
    preview = CliRunner().invoke(app, ["forget", person, "--dry-run"], env=_env(settings))
    assert preview.exit_code == 0, preview.output
    assert _row_counts(settings) == before  # a dry run changes nothing

    result = CliRunner().invoke(app, ["forget", f"  {person.upper()} "], env=_env(settings))
    assert result.exit_code == 0, result.output
    after = _row_counts(settings)
    removed = {t: before[t] - after[t] for t in before if before[t] > after[t]}
    assert after["suppressed_emails"] == before["suppressed_emails"] + 1  # kept out of imports
    printed = dict(re.findall(r"│ (\w+)\s+│\s+(\d+)\s+│", result.output))
    assert {t: int(n) for t, n in printed.items() if int(n) and t != "total"} == removed
    assert re.search(rf"total\s+│\s+{sum(removed.values())}\s+│", result.output)
    assert preview.output.count("│") and re.findall(r"│ (\w+)\s+│\s+(\d+)\s+│",
                                                    preview.output) == list(printed.items())
    assert removed["leads"] == 1 and removed["activities"] >= 1 and removed["sheet_rows"] == 1
    assert removed["test_cache"] == 2  # keyed by the email, and by a key only they looked up
    assert _mentions(settings, person, lead) == []
    with store.opened(settings.warehouse) as con:
        assert con.execute("SELECT key FROM test_cache").fetchall() == [("K-shared",)]


def _erased(warehouse):
    """The fixture's person, erased: by the test above when it ran first (in file order, as
    `make test` runs a module), else here, so that a test run alone checks an erasure too."""
    settings, person, lead = warehouse
    if _mentions(settings, person, lead):
        forget(settings, person)
    return settings, person, lead


def test_forget_rewrites_the_sheets_and_rejects_leadpilot_wrote(warehouse):
    settings, person, lead = _erased(warehouse)
    folder = settings.out_dir / ANCHOR.isoformat()
    files = sorted(folder.glob("lead_sheet*"))
    assert len(files) == 2 + 6  # csv (en) + xlsx + one French csv per owner and the backlog
    for path in files:
        if path.suffix == ".xlsx":
            rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].values)
            text = "\n".join(str(v) for row in rows for v in row).lower()
            assert len(rows) == 300  # header + the 299 others
        else:
            text = path.read_text(encoding="utf-8-sig").lower()
            if path.name != "lead_sheet.csv":
                assert path.name.endswith(".fr.csv")
                assert text.startswith("rang;rang du compte;")  # still French Excel
        assert person.lower() not in text and lead.lower() not in text, path.name
    pages = sorted((folder / "reps").iterdir())
    assert len(pages) == 2 * 6  # each list's page and e-mail (5 reps, the Backlog), rewritten
    for path in pages:
        text = _page_text(path).lower()
        assert person.lower() not in text and lead.lower() not in text, path.name
    assert sum(text.count('<article class="card"') for text in (
        p.read_text(encoding="utf-8") for p in pages if p.suffix == ".html")) == 299
    rejects = pd.read_csv(settings.rejects_dir / ANCHOR.isoformat() / "leads_rejects.csv",
                          encoding="utf-8-sig")
    assert rejects["line"].tolist() == [9]


def _page_text(path) -> str:
    """A rep page's text, or an e-mail's decoded parts (its body may be base64)."""
    if path.suffix != ".eml":
        return path.read_text(encoding="utf-8")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    return "\n".join(part.get_content() for part in mail.iter_parts())


def test_the_erased_person_is_not_left_in_the_warehouse_file_bytes(warehouse):
    settings, person, _ = _erased(warehouse)
    assert person.encode() not in settings.warehouse.read_bytes()
    with store.opened(settings.warehouse) as con:  # the rewritten file is a whole warehouse
        assert len(stored_sheet(con, ANCHOR)) == 299
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO companies SELECT * FROM companies LIMIT 1")


def test_forgetting_someone_unknown_removes_nothing(warehouse):
    settings = warehouse[0]
    before = _row_counts(settings)
    erased = forget(settings, "nobody@example.com")
    assert erased.total == 0 and erased.lead_ids == [] and erased.files == {}
    after = _row_counts(settings)
    assert after.pop("suppressed_emails") == before.pop("suppressed_emails") + 1
    assert after == before  # only the suppression list grew


def test_forget_refuses_what_is_not_an_email(warehouse):
    with pytest.raises(LeadpilotError, match="'L000001' is not an email address."):
        forget(warehouse[0], "L000001")


def test_a_kept_sheet_that_cannot_be_rewritten_leaves_the_person_erasable_again(demo_env,
                                                                                tmp_path,
                                                                                monkeypatch):
    """The kept sheets are rewritten before the warehouse commits: had the commit come first,
    the person's lead ids would be gone, and no later `forget` could find them in the files."""
    settings = publish_copy(demo_env, tmp_path)
    with store.opened(settings.warehouse) as con:
        person = stored_sheet(con, ANCHOR)["email"][0]
    before = _row_counts(settings)

    def full_disk(*_):
        raise OSError("No space left on device")

    monkeypatch.setattr(kept, "erase", full_disk)
    with pytest.raises(OSError, match="No space left"):
        forget(settings, person)
    assert _row_counts(settings) == before  # nothing erased, nor suppressed
    monkeypatch.undo()
    assert forget(settings, person).tables["sheet_rows"] == 1  # found again, in the file
    assert _mentions(settings, person) == []
