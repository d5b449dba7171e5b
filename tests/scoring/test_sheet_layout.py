"""Sheet layout: column kinds, a stored row typed again, and the split into one sheet per owner."""

from __future__ import annotations

import doctest
import json
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa

import scoring.arrow_money
import scoring.sheet_layout
from scoring.arrow_money import decimal_objects, is_arrow_decimal
from scoring.sheet import SHEET_COLUMNS
from scoring.sheet_layout import (
    DATE_COLUMNS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    WHOLE_COLUMNS,
    WRAPPED_COLUMNS,
    kept_table,
    sheet_from_rows,
    slug,
    split_by_owner,
    typed_sheet,
)


def test_every_column_kind_names_a_sheet_column_and_no_column_has_two_kinds():
    names = [name for name, _ in SHEET_COLUMNS]
    kinds = (*MONEY_COLUMNS, *PERCENT_COLUMNS, *WHOLE_COLUMNS, *DATE_COLUMNS, *WRAPPED_COLUMNS)
    assert set(kinds) <= set(names)
    assert len(kinds) == len(set(kinds))


def test_a_stored_row_comes_back_with_exact_money_and_every_current_column():
    row = json.dumps({"rank": 2, "win_probability": 23.4, "acv": "1879.20", "discount": "12.5",
                      "deal_value": "", "seats": None, "lead_id": "L1", "title": None})
    sheet = sheet_from_rows([row])
    assert list(sheet.columns) == [name for name, _ in SHEET_COLUMNS]
    assert sheet.loc[0, "acv"] == Decimal("1879.20")
    assert str(sheet.loc[0, "acv"]) == "1879.20"  # the cents kept, not 1879.2
    assert sheet.loc[0, "discount"] == Decimal("12.5")
    assert sheet.loc[0, "deal_value"] is None
    assert sheet.loc[0, "win_probability"] == 23.4
    assert sheet.loc[0, "rank"] == 2 and pd.isna(sheet.loc[0, "seats"])
    assert sheet.loc[0, "title"] == "" and sheet.loc[0, "owner"] == ""  # older rows: no owner


def test_slugs_are_ascii_lowercase_and_safe_in_a_file_name():
    assert slug("Léa Rousseau") == "lea-rousseau"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("Ørjan Ødegård") == "rjan-degard"
    assert slug("   ") == slug(None) == "unassigned"
    assert slug("李") == "owner"


def test_the_split_per_owner_covers_every_lead_exactly_once_in_sheet_order():
    sheet = pd.DataFrame({
        "rank": [1, 2, 3, 4, 5, 6],
        "owner": ["Zoé Martin", "Ann", None, "Zoe Martin", "Ann", ""],
        "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6"],
    })
    parts = split_by_owner(sheet)
    assert list(parts) == ["zoe-martin", "ann", "unassigned", "zoe-martin-2"]
    together = pd.concat(parts.values())
    assert sorted(together["lead_id"]) == sorted(sheet["lead_id"])
    assert together["lead_id"].is_unique
    assert parts["ann"]["rank"].tolist() == [2, 5]
    assert parts["unassigned"]["lead_id"].tolist() == ["L3", "L6"]
    assert parts["zoe-martin-2"]["owner"].tolist() == ["Zoe Martin"]


def _awkward_sheet() -> pd.DataFrame:
    return pd.DataFrame({
        "rank": [1, 2, 3, 4], "lead_id": ['L"1', "L2", "L3", "L/4"],
        "talking_points": ['1. },{"rank":9,"x":"y', "a\nb\r\nc", None, "tab\t\x01 😀 \u2028 é"],
        "acv": [Decimal("1879.20"), None, Decimal("5"), Decimal("-0.00")],
        "deal_value": pd.Series([pd.NA, Decimal("12.50"), float("nan"), None], dtype=object,
                                index=[7, 3, 5, 0]),
        "seats": pd.array([3, None, 1, 12], dtype="Int64"),
        "win_probability": [23.4, 0.0, 100.0, float("nan")]}, index=[7, 3, 5, 0])


def _json_rows(kept: pa.Table) -> list[str]:
    """The JSON rows the warehouse kept of a sheet before its sheets were kept as files: each
    row as one object, made by DuckDB's to_json of the same text."""
    con = duckdb.connect()
    con.register("_kept", kept)
    return [row for (row,) in con.execute("SELECT to_json(_kept) FROM _kept").fetchall()]


def test_a_kept_sheet_comes_back_as_printed_and_as_the_json_rows_kept_before_it():
    sheet = _awkward_sheet()
    kept = kept_table(sheet)
    assert kept.column_names == [name for name, _ in SHEET_COLUMNS]
    assert kept.column("acv").to_pylist() == ["1879.20", None, "5", "-0.00"]  # exact digits
    again = typed_sheet(kept.to_pandas())
    assert again["lead_id"].tolist() == ['L"1', "L2", "L3", "L/4"]
    assert again["talking_points"].tolist() == ['1. },{"rank":9,"x":"y', "a\nb\r\nc", "",
                                                "tab\t\x01 😀 \u2028 é"]
    assert again["acv"].tolist()[::2] == [Decimal("1879.20"), Decimal("5")]
    assert str(again["acv"][3]) == "-0.00" and again["acv"][1] is None
    assert again["deal_value"].tolist() == [None, Decimal("12.50"), None, None]
    assert again["seats"].tolist()[::2] == [3, 1] and pd.isna(again["seats"][1])
    assert again["win_probability"].tolist()[:3] == [23.4, 0.0, 100.0]
    assert again["owner"].tolist() == [""] * 4  # a column the frame lacks: empty
    pd.testing.assert_frame_equal(again, sheet_from_rows(_json_rows(kept)))
    assert kept_table(sheet.head(0)).num_rows == 0


def test_money_held_by_arrow_is_kept_as_the_same_text_as_its_decimals():
    """Published parts keep money as Arrow decimals; the kept text is the one the same
    Decimal objects give, and decimal_objects gives those objects back."""
    money = [Decimal("1879.20"), None, Decimal("-12.50"), Decimal("0.00"), Decimal("5.00")]
    sheet = pd.DataFrame({"rank": [1, 2, 3, 4, 5], "lead_id": list("abcde"),
                          "acv": pd.Series(money, dtype=object),
                          "discount": pd.Series([Decimal("12.3"), None, Decimal("0.0"),
                                                 Decimal("100.0"), Decimal("-4.5")],
                                                dtype=object)})
    held = sheet.assign(acv=sheet["acv"].astype(pd.ArrowDtype(pa.decimal128(18, 2))),
                        discount=sheet["discount"].astype(pd.ArrowDtype(pa.decimal128(18, 1))))
    assert is_arrow_decimal(held["acv"]) and not is_arrow_decimal(sheet["acv"])
    assert kept_table(held).equals(kept_table(sheet))
    assert kept_table(held).column("acv")[0].as_py() == "1879.20"
    pd.testing.assert_frame_equal(decimal_objects(held), sheet)


def test_the_docstring_examples_of_the_sheet_layout_run():
    result = doctest.testmod(scoring.sheet_layout)
    assert result.attempted >= 4 and result.failed == 0
    result = doctest.testmod(scoring.arrow_money)
    assert result.attempted >= 3 and result.failed == 0
