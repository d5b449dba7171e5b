"""Format detection and value parsing: the contract `import`, `outcomes` and `train` share."""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from features.reading.values import CsvFormat, parse_dates, parse_decimals, parse_numbers
from flows.errors import LeadpilotError
from flows.intake.reading import detect_format, read_table


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_french_excel_csv_is_detected_as_cp1252_semicolons_decimal_comma_and_day_first(
        tmp_path):
    text = "Nom;Montant;Date\r\nZoé;1 234,50;31/12/2026\r\nÉric;12,5;01/02/2026\r\n"
    fmt = detect_format(_write(tmp_path, "fr.csv", text.encode("cp1252")))
    assert (fmt.encoding, fmt.delimiter, fmt.decimal, fmt.thousands, fmt.date_order) == (
        "cp1252", ";", ",", " ", "dmy")
    assert fmt.line_ending == "CRLF"
    assert "semicolon-separated" in fmt.describe() and "DD/MM/YYYY" in fmt.describe()


def test_a_bom_is_detected_and_kept_out_of_the_first_header(tmp_path):
    path = _write(tmp_path, "bom.csv", codecs.BOM_UTF8 + b"Id,Email\n1,a@b.fr\n")
    frame, fmt = read_table(path)
    assert fmt.has_bom and fmt.encoding == "utf-8-sig"
    assert list(frame.columns) == ["Id", "Email"]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    path = _write(tmp_path, "u.txt", "Name\tAmount\nZoé\t1,234.50\n".encode("utf-16"))
    frame, fmt = read_table(path)
    assert (fmt.encoding, fmt.delimiter, fmt.thousands) == ("utf-16", "\t", ",")
    assert frame.to_dict("records") == [{"Name": "Zoé", "Amount": "1,234.50"}]


def test_salesforce_us_dates_are_read_month_first(tmp_path):
    path = _write(tmp_path, "sf.csv", b"Id,LastModifiedDate\n1,02/24/26 02:18 AM\n"
                                      b"2,02/23/26 08:55 PM\n")
    fmt = detect_format(path)
    assert fmt.date_order == "mdy"
    frame, _ = read_table(path, fmt)
    assert parse_dates(frame["LastModifiedDate"], fmt).tolist() == [
        pd.Timestamp("2026-02-24 02:18"), pd.Timestamp("2026-02-23 20:55")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path, delimiter):
    rows = [["id", "name", "city"], ["1", "Ann", "Lyon"], ["2", "Bob", "Nice"]]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    assert detect_format(_write(tmp_path, "d.csv", text.encode())).delimiter == delimiter


def test_numbers_read_the_same_in_french_and_english_forms():
    french = CsvFormat(decimal=",", thousands=" ")
    values = pd.Series(["1 234,50", "1,234.50", "1\u202f234,50", "-5", "€ 12", "abc", None])
    assert parse_numbers(values, french).tolist()[:5] == [1234.5, 1234.5, 1234.5, -5.0, 12.0]
    assert parse_numbers(values, french)[5:].isna().all()


def test_an_ambiguous_comma_group_follows_the_file_decimal():
    values = pd.Series(["1,234", "0.105"])
    assert parse_numbers(values, CsvFormat(decimal=".")).tolist() == [1234.0, 0.105]
    assert parse_numbers(values, CsvFormat(decimal=",")).tolist() == [1.234, 0.105]


def test_money_comes_back_as_decimal_without_float_noise():
    assert parse_decimals(pd.Series(["1 234,10", "0,10"]), CsvFormat(decimal=",")).tolist() == [
        Decimal("1234.1"), Decimal("0.1")]


def test_dates_in_iso_european_and_us_forms_with_offsets_and_impossible_days():
    values = pd.Series(["2024-01-22T20:36:47.000+0100", "31/12/2026", "31/02/2026",
                        "1.2.2026 14h05", "not a date"])
    parsed = parse_dates(values, CsvFormat(date_order="dmy")).tolist()
    assert parsed[:2] == [pd.Timestamp("2024-01-22 19:36:47"), pd.Timestamp("2026-12-31")]
    assert pd.isna(parsed[2]) and pd.isna(parsed[4])
    assert parsed[3] == pd.Timestamp("2026-02-01 14:05")


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (codecs.BOM_UTF8, "byte-order mark"),
    (b"\x00\x01\x02\x03binary\x00\x00\xff" * 50, "binary"),
])
def test_unreadable_files_say_why_in_one_sentence(tmp_path, data, message):
    with pytest.raises(LeadpilotError, match=message):
        detect_format(_write(tmp_path, "x.csv", data))


def test_duplicate_and_blank_headers_get_unique_names(tmp_path):
    frame, fmt = read_table(_write(tmp_path, "h.csv", b"Email,email,,Name\na,b,c,d\n"))
    assert fmt.columns == ("Email", "email (2)", "column_3", "Name")
    assert frame.iloc[0].tolist() == ["a", "b", "c", "d"]


def test_an_excel_workbook_reads_like_a_csv_with_typed_cells_in_iso(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Lead ID", "Outcome", "Close date", "Deal value (EUR)"])
    sheet.append(["L1", "won", datetime(2026, 12, 3), 12500.5])
    sheet.append(["L2", "lost", "04/12/2026", None])
    book.save(tmp_path / "sheet.xlsx")
    frame, fmt = read_table(tmp_path / "sheet.xlsx")
    assert fmt.kind == "xlsx"
    assert frame["Close date"].tolist() == ["2026-12-03 00:00:00", "04/12/2026"]
    assert parse_decimals(frame["Deal value (EUR)"], fmt).tolist() == [Decimal("12500.5"), None]
