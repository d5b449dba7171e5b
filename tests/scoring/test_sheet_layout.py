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
    STORED_ROWS,
    WHOLE_COLUMNS,
    WRAPPED_COLUMNS,
    json_ready,
    sheet_from_rows,
    slug,
    split_by_owner,
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
        "deal_value": pd.Series([pd.NA, Decimal("12.50"), float("nan"), None], dtype=object),
        "seats": pd.array([3, None, 1, 12], dtype="Int64"),
        "win_probability": [23.4, 0.0, 100.0, float("nan")]}, index=[7, 3, 5, 0])


def _stored_rows(frame: pd.DataFrame) -> pd.Series:
    """The JSON text the publish step stores of each row of `frame` (STORED_ROWS over
    json_ready), indexed like `frame`: a scan of a registered frame keeps its rows' order."""
    con = duckdb.connect()
    con.register("_incoming", json_ready(frame))
    stored = con.execute(STORED_ROWS).fetchall()
    assert [(rank, lead) for rank, lead, _ in stored] == list(zip(
        frame["rank"].astype(int), frame["lead_id"], strict=True))
    return pd.Series([row for _, _, row in stored], index=frame.index, dtype=object)


def test_rows_as_json_are_the_objects_pandas_would_write_and_come_back_the_same():
    sheet = _awkward_sheet()
    rows = _stored_rows(sheet)
    expected = sheet.to_json(orient="records", lines=True, default_handler=str,
                             force_ascii=False).rstrip("\n").split("\n")  # not at U+2028
    assert rows.index.tolist() == [7, 3, 5, 0]
    assert [json.loads(row) for row in rows] == [json.loads(row) for row in expected]
    assert json.loads(rows[7])["acv"] == "1879.20"  # exact text, not a float
    again = sheet_from_rows(rows)
    assert again["talking_points"].tolist() == ['1. },{"rank":9,"x":"y', "a\nb\r\nc", "",
                                                "tab\t\x01 😀 \u2028 é"]
    assert again["acv"].tolist()[::2] == [Decimal("1879.20"), Decimal("5")]
    assert str(again["acv"][3]) == "-0.00" and again["acv"][1] is None
    assert _stored_rows(sheet.head(0)).tolist() == []


def test_money_held_by_arrow_is_stored_as_the_same_json_as_its_decimals():
    """Published parts keep money as Arrow decimals; the stored row is the one the same
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
    assert _stored_rows(held).tolist() == _stored_rows(sheet).tolist()
    assert json.loads(_stored_rows(held)[0])["acv"] == "1879.20"
    pd.testing.assert_frame_equal(decimal_objects(held), sheet)


def test_the_docstring_examples_of_the_sheet_layout_run():
    result = doctest.testmod(scoring.sheet_layout)
    assert result.attempted >= 4 and result.failed == 0
    result = doctest.testmod(scoring.arrow_money)
    assert result.attempted >= 3 and result.failed == 0
