"""Dates written with a French or English month name: the value macros, their strptime fast
path, and `leadpilot import` of files holding them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from features.reading.values import CsvFormat, date_formats, install_macros, parse_dates
from flows import store
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping

NOW = datetime(2026, 11, 29, 6, 0)

AWKWARD = [  # (text, the UTC timestamp it means)
    ("24 févr. 2026", datetime(2026, 2, 24)),
    ("24 février 2026", datetime(2026, 2, 24)),
    ("24 FÉVR. 2026", datetime(2026, 2, 24)),
    ("24 fevr 2026", datetime(2026, 2, 24)),
    ("Feb 24, 2026", datetime(2026, 2, 24)),
    ("24-Feb-2026", datetime(2026, 2, 24)),
    ("24-feb-26", datetime(2026, 2, 24)),
    ("February 24 2026 3:05 PM", datetime(2026, 2, 24, 15, 5)),
    ("Tuesday, February 24th, 2026 at 9:30 am", datetime(2026, 2, 24, 9, 30)),
    ("Tue, 24 Feb 2026 14:18:00 +0100", datetime(2026, 2, 24, 13, 18)),
    ("mardi 24 février 2026 à 14h05", datetime(2026, 2, 24, 14, 5)),
    ("1er mai 2026", datetime(2026, 5, 1)),
    ("3 May 2026", datetime(2026, 5, 3)),
    ("15 août 2026", datetime(2026, 8, 15)),
    ("15 aout 2026", datetime(2026, 8, 15)),
    ("Aug. 15, 2026", datetime(2026, 8, 15)),
    ("3 déc. 2026", datetime(2026, 12, 3)),
    ("31 décembre 1999 23:59", datetime(1999, 12, 31, 23, 59)),
    ("4 Sept 2026", datetime(2026, 9, 4)),
    ("Sept. 4, 2026", datetime(2026, 9, 4)),
    ("4 septembre 2026", datetime(2026, 9, 4)),
    ("24 mars 2026", datetime(2026, 3, 24)),
    ("Mar 24 2026", datetime(2026, 3, 24)),
    ("7 juil. 2026", datetime(2026, 7, 7)),
    ("7 juin 2026", datetime(2026, 6, 7)),
    ("12 janv. 26", datetime(2026, 1, 12)),
    ("2026-Apr-30", datetime(2026, 4, 30)),
    ("  30 avr. 2026  ", datetime(2026, 4, 30)),
]
NOT_DATES = ["31 févr. 2026", "30 February 2026", "24 Foo 2026", "févr. 2026", "Feb 2026",
             "le 24", "not a date"]


def _timestamps(values: list[str], order: str) -> list:
    con = duckdb.connect()
    try:
        install_macros(con)
        con.execute("CREATE TABLE v AS SELECT unnest($values) AS text, "
                    "generate_subscripts($values, 1) AS i", {"values": values})
        return [row[0] for row in con.execute(
            "SELECT lp_timestamp_of(g, $ord) FROM (SELECT i, lp_date_parts(text) AS g FROM v) "
            "ORDER BY i", {"ord": order}).fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("order", ["dmy", "mdy", "ymd"])
def test_french_and_english_month_names_read_the_same_whatever_the_file_order(order):
    texts = [text for text, _ in AWKWARD]
    assert _timestamps(texts, order) == [expected for _, expected in AWKWARD]


def test_an_impossible_day_or_an_unknown_month_is_no_date():
    assert _timestamps(NOT_DATES, "dmy") == [None] * len(NOT_DATES)


def test_numeric_dates_still_follow_the_file_order_next_to_month_names():
    values = ["03/04/2026", "24 févr. 2026", "2026-03-04T10:00:00.000+0000"]
    assert _timestamps(values, "dmy")[0] == datetime(2026, 4, 3)
    assert _timestamps(values, "mdy") == [datetime(2026, 3, 4), datetime(2026, 2, 24),
                                           datetime(2026, 3, 4, 10)]


def test_the_strptime_fast_path_agrees_with_the_macros_on_english_month_names():
    english = ["24 Feb 2026", "4-Feb-2026", "24-Feb-26", "24 Feb 26", "Feb 24, 26",
               "Feb 24, 2026", "24 February 2026",
               "February 24, 2026", "24-feb-69"]
    con = duckdb.connect()
    fast = [con.execute("SELECT try_strptime($v, $f)", {"v": v, "f": date_formats(
        CsvFormat(date_order="dmy"))}).fetchone()[0] for v in english]
    con.close()
    assert None not in fast  # the import reads these without the regular expressions
    assert fast == _timestamps(english, "dmy")
    assert fast[-1] == datetime(1969, 2, 24)


def test_parse_dates_reads_month_names_for_outcomes_and_history_files():
    parsed = parse_dates(pd.Series(["24 févr. 2026", "Feb 24, 2026 3:05 PM", "31 févr. 2026"]),
                         CsvFormat(date_order="mdy"))
    assert parsed[:2].tolist() == [pd.Timestamp("2026-02-24"), pd.Timestamp("2026-02-24 15:05")]
    assert pd.isna(parsed[2])


def _import(tmp_path: Path, name: str, text: str, mapping: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    toml = tmp_path / f"{name}.toml"
    toml.write_text(mapping, encoding="utf-8")
    con = store.connect(tmp_path / "w.duckdb")
    summary = import_file(con, path, load_mapping(None, toml), tmp_path / "rejects", NOW)
    assert summary.balanced, summary
    return con, summary


def test_a_french_excel_file_with_month_names_imports_with_the_right_timestamps(tmp_path):
    con, summary = _import(tmp_path, "salon.csv", (
        "Courriel;Créé le;Clôturé le;Statut;Effectif\r\n"
        "zoe@exemple.fr;24 févr. 2026;3 mars 2026 14h05;gagné;1 250\r\n"
        "eric@exemple.fr;1er août 2026;;ouvert;12\r\n"
        "lea@exemple.fr;15 DÉC. 2025;30 janv. 2026;perdu;\r\n"
        "bad@exemple.fr;31 févr. 2026;;ouvert;\r\n"), (
        '[columns]\nemail = "Courriel"\ncreated_at = "Créé le"\nclosed_at = "Clôturé le"\n'
        'status = "Statut"\nemployees = "Effectif"\n'
        '[statuses]\n"gagné" = "won"\n"perdu" = "lost"\n"ouvert" = "open"\n'), "cp1252")
    try:
        assert (summary.inserted, summary.rejected) == (3, 1)
        rows = con.execute("SELECT email, created_at, closed_at, status FROM leads "
                           "ORDER BY email").fetchall()
        reject = (tmp_path / "rejects" / "salon_rejects.csv").read_text(encoding="utf-8-sig")
    finally:
        con.close()
    assert rows == [
        ("eric@exemple.fr", datetime(2026, 8, 1), None, "open"),
        ("lea@exemple.fr", datetime(2025, 12, 15), datetime(2026, 1, 30), "lost"),
        ("zoe@exemple.fr", datetime(2026, 2, 24), datetime(2026, 3, 3, 14, 5), "won"),
    ]
    assert "created_at is not a date: 31 févr. 2026" in reject


def test_a_us_export_mixing_numeric_and_month_name_dates_keeps_month_first(tmp_path):
    con, summary = _import(tmp_path, "us.csv", (
        "Id,Email,CreatedDate,ConvertedDate,IsConverted\n"
        "L1,a@acme.com,03/04/26 02:18 AM,\"Mar 24, 2026\",true\n"
        "L2,b@acme.com,02/24/26 11:05 PM,24-Feb-26,true\n"
        "L3,c@acme.com,\"February 24, 2026 3:05 PM\",,false\n"), (
        '[columns]\nlead_id = "Id"\nemail = "Email"\ncreated_at = "CreatedDate"\n'
        'closed_at = "ConvertedDate"\nstatus = "IsConverted"\n[statuses]\n"true" = "won"\n'))
    try:
        assert "MM/DD/YYYY" in summary.format and summary.rejected == 0
        rows = con.execute("SELECT lead_id, created_at, closed_at FROM leads "
                           "ORDER BY lead_id").fetchall()
    finally:
        con.close()
    assert rows == [("L1", datetime(2026, 3, 4, 2, 18), datetime(2026, 3, 24)),
                    ("L2", datetime(2026, 2, 24, 23, 5), datetime(2026, 2, 24)),
                    ("L3", datetime(2026, 2, 24, 15, 5), None)]
