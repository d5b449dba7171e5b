"""The column-wise CSV writer gives byte for byte what pandas' to_csv writes."""

from __future__ import annotations

import random

import pandas as pd
import pyarrow as pa
import pytest

from flows.sheets import csv_table
from flows.sheets.csv_table import write_text_csv

# Characters that make the csv module quote (separators, quote, CR, LF) and others that do not.
ALPHABET = ("a", "é", ",", ";", '"', "\r", "\n", " ", "'", "=", "\t", "€", "\u2028", "§", "")


def _pandas_bytes(columns: dict[str, list[str]], sep: str, path) -> bytes:
    pd.DataFrame(columns).to_csv(path, index=False, sep=sep, encoding="utf-8-sig",
                                 lineterminator="\r\n")
    return path.read_bytes()


# "§" is no ASCII character: its cells are found by Arrow's regex, the others' with numpy
@pytest.mark.parametrize("sep", [",", ";", "\t", "§"])
def test_random_tables_are_written_exactly_as_pandas_writes_them(tmp_path, sep):
    chance = random.Random(14)
    for _ in range(150):
        rows, width = chance.randint(0, 30), chance.randint(1, 4)
        columns = {f"h{j}{chance.choice(ALPHABET)}": [
            "".join(chance.choice(ALPHABET) for _ in range(chance.randint(0, 6)))
            for _ in range(rows)] for j in range(width)}
        write_text_csv(columns, tmp_path / "ours.csv", sep)
        assert (tmp_path / "ours.csv").read_bytes() == _pandas_bytes(columns, sep,
                                                                     tmp_path / "pd.csv")


def test_rows_past_one_chunk_come_out_whole_and_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_table, "ROWS_PER_CHUNK", 3)
    columns = {"n": [str(i) for i in range(10)], "text": ['a "b"', "", "x,y"] * 3 + ["z\nw"]}
    write_text_csv(columns, tmp_path / "ours.csv", ",")
    assert (tmp_path / "ours.csv").read_bytes() == _pandas_bytes(columns, ",", tmp_path / "p")


def test_a_column_arrow_holds_in_several_chunks_is_written_as_one(tmp_path):
    """A published part is a slice of DuckDB's Arrow result, which may cross its batches."""
    texts = ['a "b"', "", "x,y", "z\nw", "plain", "=1"] * 5
    chunked = pa.chunked_array([pa.array(texts[:7]), pa.array(texts[7:20]), pa.array(texts[20:])])
    columns = {"n": [str(i) for i in range(30)],
               "text": pd.Series(pd.arrays.ArrowStringArray(chunked), dtype="str")}
    write_text_csv(columns, tmp_path / "ours.csv", ",")
    assert (tmp_path / "ours.csv").read_bytes() == _pandas_bytes(
        {"n": columns["n"], "text": texts}, ",", tmp_path / "p")


def test_a_null_cell_is_refused_rather_than_written_as_an_empty_one(tmp_path):
    with pytest.raises(ValueError, match="null"):
        write_text_csv({"a": ["x", None]}, tmp_path / "t.csv")


@pytest.mark.parametrize("sep", [",", "§"])
def test_columns_whose_every_cell_needs_quotes_are_written_as_pandas_writes_them(tmp_path, sep):
    """The sheet's multi-line columns are quoted whole; their double quotes still doubled."""
    columns = {"n": ["1", "2", "3"], "lines": ["a\nb", "c\r\nd", f"e{sep}"],
               "said": ['a "b"\n', '"', 'x\ny"'], "last": ["x\n", "\n", '""']}
    write_text_csv(columns, tmp_path / "ours.csv", sep)
    assert (tmp_path / "ours.csv").read_bytes() == _pandas_bytes(columns, sep, tmp_path / "p")


def test_a_lone_column_of_empty_cells_is_quoted_in_every_row(tmp_path):
    columns = {"a": ["", ""]}
    write_text_csv(columns, tmp_path / "ours.csv")
    assert (tmp_path / "ours.csv").read_bytes() == _pandas_bytes(columns, ",", tmp_path / "p")
