"""Values read as the file writes them, through one reused in-memory DuckDB per thread."""

from __future__ import annotations

import threading

import duckdb
import pandas as pd

from features.reading import values
from features.reading.values import CsvFormat, parse_dates, parse_numbers


def test_many_columns_are_parsed_through_one_connection_per_thread(monkeypatch):
    opened, connect = [], duckdb.connect

    def counting_connect(*args, **kwargs):
        opened.append(threading.get_ident())
        return connect(*args, **kwargs)

    monkeypatch.setattr(values, "_LOCAL", threading.local())
    monkeypatch.setattr(values.duckdb, "connect", counting_connect)
    fmt = CsvFormat(decimal=",", date_order="dmy")
    for _ in range(20):  # a history file of 20 columns, each read as numbers and as dates
        assert parse_numbers(pd.Series(["1 234,5", None, "x"]), fmt).tolist()[0] == 1234.5
        assert str(parse_dates(pd.Series(["24/02/2026"]), fmt)[0]) == "2026-02-24 00:00:00"
    assert len(opened) == 1

    results = {}

    def parse(name: str, text: str) -> None:
        results[name] = parse_numbers(pd.Series([text] * 1000), fmt).sum()

    threads = [threading.Thread(target=parse, args=(f"t{i}", f"{i},5")) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"t0": 500.0, "t1": 1500.0, "t2": 2500.0}
    assert len(opened) == 4  # one more per new thread, never one per call


def test_a_failed_parse_leaves_the_connection_usable(monkeypatch):
    monkeypatch.setattr(values, "_LOCAL", threading.local())
    fmt = CsvFormat()
    try:
        values._apply(pd.Series(["1"]), "v", "no_such_function(g)", {})
    except duckdb.Error:
        pass
    assert parse_numbers(pd.Series(["2.5"]), fmt).tolist() == [2.5]
