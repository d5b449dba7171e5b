"""The sheets kept beside the warehouse (flows/sheets/kept.py): a day's file put in place only
when whole, read back typed, rewritten without a person; and the sheets the warehouse kept
before (table sheet_rows, JSON rows) still read, until their day is published again."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from flows import store
from flows.sheets import kept
from flows.sheets.export import sheet_date, stored_sheet, stored_top
from scoring.sheet_layout import kept_table

DAY, OTHER = date(2026, 11, 27), date(2026, 11, 28)


def _sheet(n: int, first: int = 1) -> pd.DataFrame:
    return pd.DataFrame({
        "rank": range(first, first + n), "lead_id": [f"L{i}" for i in range(first, first + n)],
        "owner": ["Zoé Martin" if i % 2 else None for i in range(n)],
        "talking_points": ["1. « Bonjour »\n2. =1+1" for _ in range(n)],
        "acv": [Decimal("1879.20") if i % 3 else None for i in range(n)],
        "win_probability": [12.3] * n})


def test_a_day_is_kept_whole_and_read_back_typed_in_order(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with kept.writing(warehouse, DAY) as add:
        assert add(kept.kept_parts([_sheet(3), _sheet(2, first=4)])) == 5
        assert add(kept_table(_sheet(0))) == 0
    sheet = kept.read(warehouse, DAY)
    assert sheet["lead_id"].tolist() == ["L1", "L2", "L3", "L4", "L5"]
    assert sheet["owner"].tolist() == ["", "Zoé Martin", "", "", "Zoé Martin"]
    assert sheet["acv"].tolist() == [None, Decimal("1879.20"), Decimal("1879.20"), None,
                                     Decimal("1879.20")]
    assert sheet["talking_points"][0] == "1. « Bonjour »\n2. =1+1"
    assert kept.read(warehouse, DAY, first=2)["lead_id"].tolist() == ["L1", "L2"]
    assert kept.rows(warehouse, DAY) == 5 and kept.days(warehouse) == [DAY]
    assert kept.read(warehouse, OTHER) is None and kept.rows(warehouse, OTHER) == 0


def test_a_failed_write_leaves_the_day_as_it_was_and_no_partial_file(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with kept.writing(warehouse, DAY) as add:
        add(kept_table(_sheet(3)))
    with pytest.raises(OSError, match="disk full"), kept.writing(warehouse, DAY) as add:
        add(kept_table(_sheet(7)))
        raise OSError("disk full")
    assert kept.rows(warehouse, DAY) == 3
    assert [p.name for p in kept.folder(warehouse).iterdir()] == ["2026-11-27.parquet"]


def test_a_day_published_again_without_rows_keeps_no_sheet(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with kept.writing(warehouse, DAY) as add:
        add(kept_table(_sheet(3)))
    with kept.writing(warehouse, DAY) as add:
        add(kept_table(_sheet(0)))
    assert kept.days(warehouse) == [] and kept.read(warehouse, DAY) is None


def test_a_person_is_erased_from_every_day_that_holds_them_and_only_them(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    for day, n in ((DAY, 5), (OTHER, 2)):
        with kept.writing(warehouse, day) as add:
            for first in range(1, n + 1, 2):  # several row groups
                add(kept_table(_sheet(min(2, n - first + 1), first)))
    assert kept.days_with(warehouse, ["L2", "L4", "nobody"]) == {DAY: 2, OTHER: 1}
    before = kept.read(warehouse, DAY)
    assert kept.erase(warehouse, DAY, ["L2", "L4"]) == 2
    after = kept.read(warehouse, DAY)
    pd.testing.assert_frame_equal(after, before[~before["lead_id"].isin(["L2", "L4"])]
                                  .reset_index(drop=True))
    assert kept.days_with(warehouse, ["L2", "L4"]) == {OTHER: 1}
    assert kept.days_with(warehouse, []) == {}


def test_a_sheet_kept_before_the_sheet_gained_a_column_is_read_and_erased(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    older = kept_table(_sheet(3)).drop_columns(["owner", "wrong_points"])  # as kept back then
    kept.folder(warehouse).mkdir()
    pq.write_table(older, kept.day_file(warehouse, DAY))
    assert kept.read(warehouse, DAY)["owner"].tolist() == ["", "", ""]
    assert kept.erase(warehouse, DAY, ["L2"]) == 1
    again = kept.read(warehouse, DAY)
    assert again["lead_id"].tolist() == ["L1", "L3"] and again["wrong_points"].tolist() == ["", ""]


def _legacy(warehouse, day, sheet: pd.DataFrame) -> None:
    """Keep `sheet` as the warehouse kept sheets before: JSON rows in table sheet_rows."""
    with store.opened(warehouse) as con:
        rows = [(day, int(r), lead, json.dumps({"rank": int(r), "lead_id": lead, "acv": acv}))
                for r, lead, acv in zip(sheet["rank"], sheet["lead_id"],
                                        sheet["acv"].map(lambda v: None if v is None
                                                         else str(v)), strict=True)]
        con.executemany("INSERT INTO sheet_rows VALUES (?, ?, ?, ?)", rows)


def test_a_sheet_the_warehouse_kept_before_is_still_exported_beside_the_new_ones(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    _legacy(warehouse, OTHER, _sheet(3))
    with kept.writing(warehouse, DAY) as add:
        add(kept_table(_sheet(2)))
    with store.opened(warehouse) as con:
        assert sheet_date(con, None) == OTHER and sheet_date(con, DAY) == DAY
        old = stored_sheet(con, OTHER)
        assert old["acv"].tolist() == [None, Decimal("1879.20"), Decimal("1879.20")]
        assert stored_sheet(con, OTHER, leaving=["L2"])["lead_id"].tolist() == ["L1", "L3"]
        top, total = stored_top(con, OTHER, 1)
        assert top["lead_id"].tolist() == ["L1"] and total == 3
        top, total = stored_top(con, DAY, 1)
        assert top["lead_id"].tolist() == ["L1"] and total == 2


def test_an_in_memory_warehouse_reads_only_the_sheets_it_holds():
    with duckdb.connect(":memory:") as con:
        store.migrate(con)
        assert kept.warehouse_of(con) is None
        assert stored_sheet(con, DAY).empty and stored_top(con, DAY, 3)[1] == 0
