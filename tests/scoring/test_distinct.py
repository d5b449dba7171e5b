"""Work once per distinct value (scoring/distinct.py): the codes group exactly the rows whose
values, as the function reads them, are the same."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd

import scoring.distinct
from scoring.distinct import Columns, _factorise, per_distinct, per_group


def _stripped(column: pd.Series) -> list:
    return [(v.strip() or None) if isinstance(v, str) else None for v in column.tolist()]


def _partition(codes: np.ndarray) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for row, code in enumerate(codes.tolist()):
        groups.setdefault(code, []).append(row)
    return sorted(groups.values())


def test_text_codes_come_from_its_distinct_values_as_read_and_match_the_values():
    text = pd.Series([" a", "a", None, "b", "", "a ", "b"], dtype="str")
    columns = Columns(pd.DataFrame({"s": text}), _stripped)
    assert columns.values("s").tolist() == ["a", "a", None, "b", None, "a", "b"]
    codes = columns.codes("s")
    assert _partition(codes) == [[0, 1, 5], [2, 4], [3, 6]]
    assert _partition(codes) == _partition(_factorise(columns.values("s")))


def test_a_column_no_row_fills_is_one_group_and_types_stay_apart():
    assert _factorise(np.array([None] * 4, dtype=object)).tolist() == [0, 0, 0, 0]
    mixed = np.empty(5, dtype=object)
    mixed[:] = [3, 3.0, None, True, 3]
    assert _partition(_factorise(mixed)) == [[0, 4], [1], [2], [3]]


def test_a_function_runs_once_per_distinct_text_as_read():
    text = pd.Series([" a", "a", None, "b", "", "a "] * 100, dtype="str")
    columns = Columns(pd.DataFrame({"s": text, "empty": [None] * 600}), _stripped)
    calls = []

    def said(context: dict) -> str:
        calls.append(context)
        return f"{context['s']}/{context['empty']}"

    out = per_distinct(said, ["s", "empty"], columns, np.arange(600))
    assert out[:6].tolist() == ["a/None", "a/None", "None/None", "b/None", "None/None", "a/None"]
    assert len(calls) == 3


def _nan_as_none(column: pd.Series) -> list:
    return [None if isinstance(v, float) and v != v else v for v in column.tolist()]


def test_numbers_read_as_each_row_converted_alone_though_converted_once_per_distinct_value():
    frame = pd.DataFrame({
        "f": [0.0, -0.0, np.nan, 2.5, 0.0, np.nan, 2.5, 1e-300],
        "i": [3, 3, -1, 0, 7, 3, 0, -1],
        "b": [True, False, True, True, False, False, True, True],
    })
    for convert in (_nan_as_none, list):
        columns = Columns(frame, convert)
        for name in frame.columns:
            each = np.empty(len(frame), dtype=object)
            each[:] = convert(frame[name])  # every row converted, as before
            values = columns.values(name)
            assert [(type(v), repr(v)) for v in values] == [(type(v), repr(v)) for v in each]
            assert _partition(columns.codes(name)) == _partition(_factorise(each))
    # 0.0 and -0.0 print apart: two groups; the two NaN rows one, read as None
    assert _partition(Columns(frame, _nan_as_none).codes("f")) == [[0, 4], [1], [2, 5], [3, 6],
                                                                    [7]]


def test_columns_of_groups_group_rows_as_their_results_written_out_do():
    # each row's seats, grade and currency from a function of its inputs (two inputs may give
    # the same result; a result may be another type's equal: 3 and 3.0)
    rng = np.random.default_rng(3)
    inputs = Columns(pd.DataFrame({"n": rng.integers(0, 40, 3000),
                                   "g": rng.choice(["A", "B", None], 3000)}), _nan_as_none)
    every = np.arange(3000)
    groups = {"half": per_group(lambda c: c["n"] // 2 if c["n"] % 7 else float(c["n"] // 2),
                                ["n"], inputs, every),
              "grade": per_group(lambda c: c["g"] or "none", ["g"], inputs, every)}
    written = Columns(pd.DataFrame({name: results[inverse] for name, (results, inverse)
                                    in groups.items()}, dtype=object), list)
    grouped = Columns.of_groups(groups)
    for name in groups:
        assert grouped.values(name).tolist() == written.values(name).tolist()
    rows = every[rng.random(3000) < 0.7]
    inverse, firsts = grouped.groups(["half", "grade"], rows)
    assert inverse.tolist() == written.groups(["half", "grade"], rows)[0].tolist()
    assert firsts.tolist() == written.groups(["half", "grade"], rows)[1].tolist()
    # 20 whole halves and 6 float ones (n a multiple of 7), 3 grades: 3 and 3.0 stay apart
    assert len(firsts) == 26 * 3


def test_the_docstring_examples_of_distinct_run():
    result = doctest.testmod(scoring.distinct)
    assert result.attempted > 0 and result.failed == 0
