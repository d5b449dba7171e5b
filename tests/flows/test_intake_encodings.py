"""Intake of the files sales ops actually drop in: any encoding, separator and line end that
`detect_format` recognises lands the same rows, with the same rejects on the same lines, as
the UTF-8 comma original. Each variant is written here from one UTF-8 source with codecs."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows import store
from flows.intake import rejects as rejects_files
from flows.intake.activities import import_activities
from flows.intake.daily import import_all
from flows.intake.importer import import_file
from flows.intake.loading import load_csv
from flows.intake.mapping import load_mapping
from flows.intake.reading import detect_format

NOW = datetime(2026, 11, 27, 6, 0)
SOURCE = {  # lines: L2's title spans 3-4, so L3 is on line 5
    "leads": [
        ["lead_id", "created_at", "first_name", "last_name", "title", "email", "phone",
         "company_id", "source", "status", "closed_at"],
        ["L1", "2026-11-20 10:00:00", "Zoé", "Müller", "DSI", "zoe@sge.fr", "+33 6 00", "C1",
         "web_form", "open", ""],
        ["L2", "2026-11-21 10:30:00", "Ann, Jr; III", "Lee", 'Head of "Sales"\nOps',
         "ann@gmail.com", "", "C1", "event", "open", ""],
        ["L3", "2026-02-30 10:00:00", "Bad", "Date", "CEO", "bad@sge.fr", "", "C1", "partner",
         "open", ""],
        ["L4", "2026-11-22 10:00:00", "No", "Source", "CEO", "x@sge.fr", "", "C1", "", "open",
         ""],
        ["L5", "too", "few"],
        ["L6", "2026-01-22 09:15:00", "François", "Weiß", "Gérant", "fw@sge.fr", "", "C2",
         "outbound", "won", "2026-11-25 16:45:00"],
        ["L1", "2026-11-20 10:00:00", "Zoé", "Müller", "DSI", "zoe@sge.fr", "+33 6 01", "C1",
         "web_form", "open", ""],
    ],
    "companies": [
        ["company_id", "name", "domain", "country", "industry", "employees", "annual_revenue",
         "founded_year"],
        ["C1", "Société Générale des Eaux", "sge.fr", "FR", "retail", "120", "2500000.00",
         "1990"],
        ["C2", "Demi-Entreprise", "demi.fr", "FR", "retail", "1.500", "", ""],
        ["C3", "Brasserie Çà et Là", "cel.fr", "FR", "retail", "8", "750000", "2004"],
    ],
    "activities": [
        ["event_id", "lead_id", "occurred_at", "event_type"],
        ["E1", "L1", "2026-11-21 10:00:00", "pricing_page"],
        ["E2", "L1", "2026-11-21 11:00:00", "teleportation"],
        ["E3", "L6", "2026-11-22 08:00:00", "webinar_attended"],
    ],
}
REJECTED = {  # line in the original -> the column its reason names
    "leads": {5: "created_at", 6: "source", 7: "fields"},
    "companies": {3: "employees"},  # 1.500 is not whole; its French 1,500 must not read 1500
    "activities": {3: "event_type"},
}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):00$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


@dataclass(frozen=True)
class Variant:
    name: str
    encoding: str
    delimiter: str = ","
    newline: str = "\n"
    excel_fr: bool = False  # Excel in French: decimal commas, dates as 27/11/2026 10:00
    sep_line: bool = False  # Excel's "sep=;" first line

    def text(self, rows: list[list[str]]) -> str:
        lines = [f"sep={self.delimiter}"] if self.sep_line else []
        for number, row in enumerate(rows):
            cells = [_french(c) if self.excel_fr and number else c for c in row]
            lines.append(self.delimiter.join(_quoted(c, self.delimiter) for c in cells))
        return self.newline.join(lines) + self.newline

    def write(self, path: Path, rows: list[list[str]]) -> Path:
        encoder = codecs.lookup(self.encoding)
        path.write_bytes(encoder.encode(self.text(rows))[0])
        return path

    @property
    def offset(self) -> int:
        return 1 if self.sep_line else 0


def _quoted(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _french(cell: str) -> str:
    if _DECIMAL.match(cell):
        return cell.replace(".", ",")
    return _ISO.sub(r"\3/\2/\1 \4:\5", cell)


ORIGINAL = Variant("UTF-8, comma, LF", "utf-8")
FRENCH_EXCEL = Variant("cp1252, semicolon, CRLF (French Excel)", "cp1252", ";", "\r\n",
                       excel_fr=True)
UNICODE_TEXT = Variant("UTF-16 LE with BOM, tab, CRLF (Excel Unicode text)", "utf-16", "\t",
                       "\r\n")
VARIANTS = [
    Variant("UTF-8 with BOM, comma, CRLF", "utf-8-sig", newline="\r\n"),
    FRENCH_EXCEL,
    Variant("cp1252, semicolon, sep= line (French Excel)", "cp1252", ";", "\r\n", True, True),
    Variant("latin-1, semicolon, LF", "latin-1", ";"),
    UNICODE_TEXT,
    Variant("UTF-16 BE without BOM, comma, LF", "utf-16-be"),
    Variant("UTF-8, pipe, CR (old Mac)", "utf-8", "|", "\r"),
    Variant("UTF-8, tab, CRLF", "utf-8", "\t", "\r\n"),
]


def _land(variant: Variant, folder: Path, con=None):
    """Write the three files as `variant`, import them; returns (results, connection)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: variant.write(folder / f"{name}.csv", rows) for name, rows in SOURCE.items()}
    con = con or store.connect(folder / "w.duckdb")
    results = import_all(con, paths["leads"], paths["companies"], paths["activities"],
                         folder / "rejects", NOW)
    return dict(zip(("companies", "leads", "activities"), results, strict=True)), con


def _tables(con) -> dict[str, pd.DataFrame]:
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY {key}").df()  # noqa: S608
            for table, key in (("leads", "lead_id"), ("companies", "company_id"),
                               ("activities", "event_id"))}


def _counts(result) -> tuple[int, ...]:
    return result.read, result.inserted, result.updated, result.merged, result.rejected


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    results, con = _land(ORIGINAL, tmp_path_factory.mktemp("original"))
    tables = _tables(con)
    con.close()
    return results, tables


def test_the_utf8_original_lands_what_the_variants_are_compared_with(original):
    results, tables = original
    assert {n: _counts(r) for n, r in results.items()} == {
        "leads": (7, 3, 0, 1, 3), "companies": (3, 2, 0, 0, 1), "activities": (3, 2, 0, 0, 1)}
    companies = tables["companies"].set_index("company_id")
    assert companies.loc["C1", "annual_revenue"] == 2_500_000
    assert companies.loc["C1", "name"] == "Société Générale des Eaux"
    leads = tables["leads"].set_index("lead_id")
    assert leads.loc["L2", "title"] == 'Head of "Sales"\nOps'
    assert leads.loc["L2", "first_name"] == "Ann, Jr; III"
    assert leads.loc["L1", "phone"] == "+33 6 01"  # the later row with the same key wins
    assert leads.loc["L6", "closed_at"] == pd.Timestamp("2026-11-25 16:45:00")


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_each_encoding_and_separator_lands_the_same_rows_as_the_utf8_original(
        variant, original, tmp_path):
    expected_results, expected_tables = original
    results, con = _land(variant, tmp_path)
    for name, table in _tables(con).items():
        pd.testing.assert_frame_equal(table, expected_tables[name], check_dtype=False)
    assert {n: _counts(r) for n, r in results.items()} == {
        n: _counts(r) for n, r in expected_results.items()}


@pytest.mark.parametrize("variant", [ORIGINAL, *VARIANTS], ids=lambda v: v.name)
def test_rejects_name_the_line_of_the_original_file_and_keep_its_text(variant, tmp_path):
    results, _ = _land(variant, tmp_path)
    for name, expected in REJECTED.items():
        rejects = pd.read_csv(results[name].rejects_file, encoding="utf-8-sig",
                              keep_default_na=False)
        lines = variant.text(SOURCE[name]).splitlines()
        assert list(rejects["line"]) == [line + variant.offset for line in expected]
        for line, column, reason, raw in zip(expected, expected.values(), rejects["reason"],
                                             rejects["raw"], strict=True):
            assert column in reason
            assert raw == lines[line + variant.offset - 1]  # as written, separator and all


@pytest.mark.parametrize("variant", [FRENCH_EXCEL, UNICODE_TEXT], ids=lambda v: v.name)
def test_a_second_run_of_the_same_day_duplicates_nothing(variant, tmp_path):
    first, con = _land(variant, tmp_path)
    before = _tables(con)
    again, _ = _land(variant, tmp_path, con)
    for name, result in again.items():
        assert (result.inserted, result.updated + result.unchanged) == (0, first[name].inserted)
        assert result.rejected == first[name].rejected
    for name, table in _tables(con).items():
        pd.testing.assert_frame_equal(table, before[name])


def test_a_french_excel_resave_of_yesterdays_files_updates_and_adds_nothing(tmp_path):
    _, con = _land(ORIGINAL, tmp_path / "utf8")
    before = _tables(con)
    again, _ = _land(FRENCH_EXCEL, tmp_path / "fr", con)
    assert sum(r.inserted for r in again.values()) == 0
    for name, table in _tables(con).items():
        pd.testing.assert_frame_equal(table, before[name], check_dtype=False)


def _read(path):
    """The file as the import's reader loads it: (rows as text, the reader's rejects)."""
    con = duckdb.connect()
    loaded = load_csv(con, path, detect_format(path), "rows")
    return con.execute("SELECT * FROM rows ORDER BY rowid").df(), loaded.rejects


def test_cp1252_letters_that_latin1_lacks_read_right(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_bytes("company_id;name\nC1;L’Oréal Œnologie €\n".encode("cp1252"))
    rows, ragged = _read(path)
    assert rows["name"].tolist() == ["L’Oréal Œnologie €"]
    assert ragged.empty


def test_a_utf8_file_with_cp1252_bytes_past_the_first_megabyte_still_lands(tmp_path):
    header = "event_id,lead_id,occurred_at,event_type\n"
    body = "".join(f"E{i:07d},Lé{i:07d},2026-11-21 10:00:00,page_view\n" for i in range(25_000))
    path = tmp_path / "activities.csv"
    path.write_bytes((header + body).encode() + "E9,Lé9,2026-11-21 10:00:00,docs\n"
                     .encode("cp1252"))
    assert path.stat().st_size > 1 << 20  # beyond the sample detect_format decodes
    rows, ragged = _read(path)
    assert len(rows) == 25_001 and ragged.empty
    assert rows["lead_id"].iloc[[0, -1]].tolist() == ["Lé0000000", "Lé9"]


def test_a_french_file_reads_decimal_commas_and_spaced_thousands(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_bytes("company_id;employees;annual_revenue\n"
                     "C1;1 200;2 500 000,00\nC2;12,5;\nC3;1.500;\n".encode("cp1252"))
    with store.opened(tmp_path / "w.duckdb") as con:
        result = import_file(con, path, load_mapping("companies", None), tmp_path, NOW)
        valid = con.execute("SELECT company_id, employees, annual_revenue FROM companies "
                            "ORDER BY company_id").fetchall()
    assert valid == [("C1", 1200, 2_500_000), ("C3", 1500, None)]
    rejects = pd.read_csv(result.rejects_file, encoding="utf-8-sig")
    assert rejects.set_index("line")["reason"].to_dict() == {
        3: "employees is not a whole number of people: 12,5"}


def test_an_unreadable_day_first_date_says_which_forms_are_read(tmp_path):
    path = tmp_path / "activities.csv"
    path.write_bytes(b"event_id;lead_id;occurred_at;event_type\n"
                     b"E1;L1;21/11/2026 10:00;docs\nE2;L1;31/02/2026 10:00;docs\n")
    with store.opened(tmp_path / "w.duckdb") as con:
        result = import_activities(con, path, tmp_path / "rejects", tmp_path, set())
        rejects_files.publish([Path(result["rejects_file"])])  # as import_all does once committed
        landed = con.execute("SELECT occurred_at FROM activities").fetchall()
    assert landed == [(datetime(2026, 11, 21, 10, 0),)]
    reason = pd.read_csv(result["rejects_file"], encoding="utf-8-sig")["reason"].tolist()
    assert reason == ["occurred_at is not a date: 31/02/2026 10:00"]
