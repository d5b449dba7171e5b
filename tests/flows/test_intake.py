"""Intake: valid rows land, bad rows go to a rejects file with their line and reason."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from flows import store
from flows.errors import LeadpilotError
from flows.intake.daily import import_all
from flows.intake.reading import detect_format, read_table

NOW = datetime(2026, 11, 27, 6, 0)
LEADS = (
    "lead_id,created_at,first_name,last_name,title,email,phone,company_id,source,status,closed_at\n"
    "L1,2026-11-20 10:00:00,Zoé,Müller,DSI,zoe@sge.fr,+33 6 00,C1,web_form,open,\n"
    'L2,2026-11-21 10:00:00,"Ann, Jr",Lee,"Head of\nSales Ops",ann@gmail.com,,C1,event,open,\n'
    "L3,2026-02-30 10:00:00,Bad,Date,CEO,bad@sge.fr,,C1,partner,open,\n"
    "L4,2026-11-22 10:00:00,No,Source,CEO,x@sge.fr,,C1,,open,\n"
    "L5,2026-11-22 10:00:00,Bad,Email,CEO,jean.dupont@,,C1,outbound,open,\n"
    "L6,2026-01-22 10:00:00,Won,NoDate,CEO,w@sge.fr,,C1,outbound,won,\n"
    "L7,too,few,fields\n"
    "L1,2026-11-20 10:00:00,Zoé,Müller,DSI,zoe@sge.fr,+33 6 01,C1,web_form,open,\n"
)
COMPANIES = (
    "company_id,name,domain,country,industry,employees,annual_revenue,founded_year\n"
    "C1,Société Générale des Eaux,www.sge.fr,FR,retail,120,,1990\n"
    "C2,Negative,neg.fr,FR,retail,-5,,\n"
)
ACTIVITIES = (
    "event_id,lead_id,occurred_at,event_type\n"
    "E1,L1,2026-11-21 10:00:00,pricing_page\n"
    "E2,L1,2026-11-21 11:00:00,teleportation\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, text in (("leads", LEADS), ("companies", COMPANIES), ("activities", ACTIVITIES)):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _import(con, files, tmp_path):
    return import_all(con, files["leads"], files["companies"], files["activities"],
                      tmp_path / "rejects", NOW)


def test_valid_rows_land_and_each_bad_row_is_rejected_with_its_line_and_reason(files, tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    companies, leads, activities = _import(con, files, tmp_path)
    # L6, won without a closed_at, lands closed at the import (one door: `leadpilot import`'s
    # rule); the other bad rows are rejected
    assert (leads.read, leads.inserted, leads.merged, leads.rejected) == (8, 3, 1, 4)
    assert leads.balanced
    rejects = pd.read_csv(leads.rejects_file, encoding="utf-8-sig")
    by_line = dict(zip(rejects["line"], rejects["reason"], strict=True))
    assert set(by_line) == {5, 6, 7, 9}  # L2's quoted title spans lines 3-4
    assert "created_at" in by_line[5]
    assert "source is required" in by_line[6]
    assert "email" in by_line[7]
    assert "fields" in by_line[9]
    assert "jean.dupont@" in rejects.loc[rejects["line"] == 7, "raw"].iloc[0]
    assert (companies.inserted, companies.rejected) == (1, 1)
    assert (activities.inserted, activities.rejected) == (1, 1)


def test_a_later_row_with_the_same_key_wins(files, tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    _import(con, files, tmp_path)
    phone, title = con.execute(
        "SELECT phone, (SELECT title FROM leads WHERE lead_id = 'L2') FROM leads "
        "WHERE lead_id = 'L1'").fetchall()[0]
    assert phone == "+33 6 01"
    assert title == "Head of\nSales Ops"


def test_importing_the_same_files_twice_duplicates_nothing(files, tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    _import(con, files, tmp_path)
    again = _import(con, files, tmp_path)[1]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert con.execute("SELECT count(*) FROM leads").fetchall()[0][0] == 3
    assert con.execute("SELECT closed_at FROM leads WHERE lead_id = 'L6'").fetchone()[0] == NOW


def test_an_event_changed_in_a_later_file_replaces_its_row_and_stays_once(files, tmp_path):
    # activities has no key index (migration 017): the import keeps each event_id once
    con = store.connect(tmp_path / "w.duckdb")
    _import(con, files, tmp_path)
    files["activities"].write_text(
        "event_id,lead_id,occurred_at,event_type\n"
        "E1,L1,2026-11-22 09:00:00,demo_request\n"  # changed
        "E3,L2,2026-11-22 10:00:00,pricing_page\n"  # new
        "E3,L2,2026-11-22 11:00:00,webinar_attended\n", encoding="utf-8")  # the later wins
    activities = _import(con, files, tmp_path)[2]
    assert (activities.read, activities.inserted, activities.updated) == (3, 1, 1)
    assert con.execute("SELECT event_id, event_type, CAST(occurred_at AS VARCHAR) FROM "
                       "activities ORDER BY 1").fetchall() == [
        ("E1", "demo_request", "2026-11-22 09:00:00"),
        ("E3", "webinar_attended", "2026-11-22 11:00:00")]


def test_a_file_without_a_required_column_fails_whole_and_writes_nothing(files, tmp_path):
    files["activities"].write_text("event_id,lead_id\nE1,L1\n", encoding="utf-8")
    con = store.connect(tmp_path / "w.duckdb")
    with pytest.raises(LeadpilotError, match="occurred_at"):
        _import(con, files, tmp_path)
    assert con.execute("SELECT count(*) FROM leads").fetchall()[0][0] == 0  # rolled back


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\xff\xfe\x00\x00garbage", "binary data"),
])
def test_unreadable_files_give_one_clear_sentence(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(LeadpilotError, match=message):
        read_table(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(LeadpilotError, match="does not exist"):
        detect_format(tmp_path / "nope.csv")


def test_a_bom_does_not_break_the_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffevent_id,lead_id\nE1,L1\n".encode())
    rows, fmt = read_table(path)
    assert list(rows.columns[:2]) == ["event_id", "lead_id"] == list(fmt.columns)
    assert rows.values.tolist() == [["E1", "L1"]]


def test_the_macros_are_created_once_per_connection_and_again_after_a_rollback(
        files, tmp_path, monkeypatch):
    from flows.intake import rows

    created = []
    monkeypatch.setattr(rows, "install_macros",
                        lambda con, real=rows.install_macros: (created.append(1), real(con)))
    con = store.connect(tmp_path / "w.duckdb")
    _import(con, files, tmp_path)
    _import(con, files, tmp_path)
    assert len(created) == 1  # three files, twice: the macros were kept

    other = store.connect(tmp_path / "other.duckdb")
    other.execute("BEGIN TRANSACTION")  # a caller's own transaction, then rolled back
    rows.install(other)
    other.execute("ROLLBACK")
    assert len(created) == 2
    _import(other, files, tmp_path)  # created again, not taken as kept from the rolled-back one
    assert len(created) == 3
    _import(other, files, tmp_path)
    assert len(created) == 3


def test_duckdb_can_still_spill_when_the_daily_intake_commits(files, tmp_path, monkeypatch):
    # A big day spills: at 300k leads the COMMIT failed with "Failed to create directory
    # .../spill" once each file's scratch folder was deleted before it. It now spills beside
    # the warehouse, as every step does
    from contextlib import contextmanager

    from flows.intake import daily

    spill_at_commit = []

    @contextmanager
    def transaction(con, real=store.transaction):  # every transaction of the intake
        with real(con):
            yield con
            spill = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
            spill_at_commit.append((spill.name, spill.parent.is_dir()))

    monkeypatch.setattr(daily.store, "transaction", transaction)
    con = store.connect(tmp_path / "w.duckdb")
    _import(con, files, tmp_path)
    assert spill_at_commit and set(spill_at_commit) == {("w.duckdb.tmp", True)}


def _spill(con) -> int:
    """Make DuckDB spill (a sort far beyond its memory limit); returns the bytes it wrote."""
    con.execute("SET memory_limit = '100MB'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE OR REPLACE TEMP TABLE big AS SELECT md5(i::VARCHAR) || md5((i + 1)::"
                "VARCHAR) AS t FROM range(2000000) AS r(i) ORDER BY t")
    spilled = con.execute("SELECT sum(size) FROM duckdb_temporary_files()").fetchone()[0]
    con.execute("DROP TABLE big")
    return spilled or 0


def test_a_warehouse_that_spilled_before_still_imports_a_day_and_spills_after(files, tmp_path):
    # DuckDB cannot move its spill folder once used: the daily intake of a million leads,
    # its companies file spilled, failed on its leads with "Cannot switch temporary directory"
    con = store.connect(tmp_path / "w.duckdb")
    assert _spill(con) > 0
    assert all(result.balanced for result in _import(con, files, tmp_path))
    assert con.execute("SELECT count(*) FROM leads").fetchone()[0] > 0
    assert _spill(con) > 0  # its folder is still there: the next step can spill too


def test_an_in_memory_dry_run_spills_into_its_scratch_folder_not_the_working_directory(
        files, tmp_path):
    con = store.connect(":memory:")
    import_all(con, files["leads"], files["companies"], files["activities"],
               tmp_path / "rejects", NOW, dry_run=True)
    spill = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
    assert spill.name == "spill" and spill.is_absolute()


def _counting_reads(monkeypatch) -> list[str]:
    from flows.intake import daily

    read = []
    real = daily.import_file
    monkeypatch.setattr(daily, "import_file", lambda con, path, *args, **kwargs: (
        read.append(Path(path).name), real(con, path, *args, **kwargs))[1])
    return read


def test_the_same_files_again_are_not_read_and_report_what_reading_them_would(
        files, tmp_path, monkeypatch):
    read = _counting_reads(monkeypatch)
    con = store.connect(tmp_path / "w.duckdb")
    first = import_all(con, files["leads"], files["companies"], files["activities"],
                       tmp_path / "rejects" / "day1", NOW)
    assert read == ["companies.csv", "leads.csv"] and first[1].same_as is None
    before = con.execute("SELECT * FROM leads ORDER BY lead_id").fetchall()

    again = import_all(con, files["leads"], files["companies"], files["activities"],
                       tmp_path / "rejects" / "day2", NOW.replace(day=28))
    assert read == ["companies.csv", "leads.csv"]  # nothing read the second time
    leads = again[1]
    assert leads.same_as == "2026-11-27 06:00:00" and leads.balanced
    assert (leads.read, leads.inserted, leads.updated, leads.unchanged, leads.merged,
            leads.rejected) == (8, 0, 0, 3, 1, 4)
    assert con.execute("SELECT * FROM leads ORDER BY lead_id").fetchall() == before
    for day1, day2 in zip(first, again, strict=True):  # today's folder has the rejects too
        assert (day1.rejects_file is None) == (day2.rejects_file is None)
        if day1.rejects_file:
            assert "day2" in day2.rejects_file
            assert Path(day2.rejects_file).read_bytes() == Path(day1.rejects_file).read_bytes()


@pytest.mark.parametrize("change", ["one file", "a rejects file gone", "someone forgotten",
                                    "the reader"])
def test_the_files_are_read_again_when_anything_they_depend_on_changed(
        files, tmp_path, monkeypatch, change):
    from flows.intake import repeats
    from flows.privacy import suppression

    con = store.connect(tmp_path / "w.duckdb")
    first = _import(con, files, tmp_path)
    read = _counting_reads(monkeypatch)
    if change == "one file":
        with files["activities"].open("a", encoding="utf-8") as handle:
            handle.write("E3,L1,2026-11-22 10:00:00,pricing_page\n")
    elif change == "a rejects file gone":
        Path(first[1].rejects_file).unlink()
    elif change == "someone forgotten":
        suppression.record(con, "zoe@sge.fr", NOW)
    else:
        monkeypatch.setattr(repeats, "reader_id", lambda: "another version")
    again = _import(con, files, tmp_path)
    assert read == ["companies.csv", "leads.csv"]
    assert all(result.same_as is None for result in again)
    if change == "someone forgotten":
        assert again[1].suppressed == 2  # both rows of Zoé, now skipped as erased


def test_a_dry_run_always_reads_the_files(files, tmp_path, monkeypatch):
    con = store.connect(tmp_path / "w.duckdb")
    _import(con, files, tmp_path)
    read = _counting_reads(monkeypatch)
    preview = import_all(con, files["leads"], files["companies"], files["activities"],
                         tmp_path / "rejects", NOW, dry_run=True)
    assert read == ["companies.csv", "leads.csv"] and preview[1].same_as is None
