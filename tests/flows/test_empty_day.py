"""A day without any open lead (before the first lead arrived, or every lead closed): the
daily run still succeeds and writes the sheet's header alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support import NOW

from flows import store
from flows.sheets import kept
from scoring.sheet import SHEET_HEADERS

pytestmark = pytest.mark.usefixtures("prefect_harness")
EMPTY_DAY = date(2000, 1, 3)  # long before the demo's first lead


def test_chunks_of_no_lead_are_none_and_of_some_leads_cover_every_lead_id():
    assert list(store.chunk_bounds([])) == []  # raised ValueError (zip strict) before
    assert list(store.chunk_bounds(["L1"])) == [{"first": "", "after": None}]
    assert list(store.chunk_bounds(["L1", "L5", "L9"])) == [
        {"first": "", "after": "L5"}, {"first": "L5", "after": "L9"},
        {"first": "L9", "after": None}]


def test_a_day_without_open_leads_runs_and_writes_the_header_alone(demo_copy):
    from flows.pipeline.daily import daily_lead_sheet

    path = daily_lead_sheet(run_date=EMPTY_DAY, now=NOW)
    sheet = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(sheet.columns) == SHEET_HEADERS and sheet.empty
    with duckdb.connect(str(demo_copy / "w.duckdb"), read_only=True) as con:
        for table in ("scores", "quotes", "talking_points", "sheet_rows"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE run_date = ?",  # noqa: S608
                               [EMPTY_DAY]).fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM runs WHERE run_date = ?",
                           [EMPTY_DAY]).fetchall() == [(1,)]
    assert EMPTY_DAY not in kept.days(demo_copy / "w.duckdb")  # no sheet kept for the day
    assert not list(kept.folder(demo_copy / "w.duckdb").glob("*.partial"))


def test_the_command_says_no_lead_was_open_instead_of_an_empty_table(demo_copy):
    from flows.cli import commands
    from flows.pipeline.daily import daily_lead_sheet
    from flows.settings import Settings

    path = daily_lead_sheet(run_date=EMPTY_DAY, now=NOW)
    with commands.console.capture() as printed:
        commands._print_top(Settings(), EMPTY_DAY, Path(path), 5)
    text = printed.get()
    assert "(0 leads)" in text
    assert "No lead was open on 2000-01-03: the sheet holds its header alone." in text
    assert "Top 0 leads" not in text
