"""Contributions kept as the scores table stores them: rounded like Python's round(v, 4), as two
lists a lead (names and values), over the whole matrix at once."""

from __future__ import annotations

import doctest
import json

import numpy as np
import pandas as pd

import scoring.contributions
from scoring.contributions import as_lists, lists_of, rounded


def _spec(raw: pd.DataFrame) -> list[dict]:
    """What the scores table held as JSON before migration 023: one dict per lead."""
    return [{k: round(float(v), 4) for k, v in row.items() if v}
            for row in raw.to_dict(orient="records")]


def _bits(values: list[float]) -> list[int]:
    """Floats told apart by their bits (-0.0 is not 0.0, NaN equals NaN)."""
    return np.array(values, dtype=np.float64).view(np.int64).tolist()


def _as_dicts(names, values) -> list[tuple[list[str], list[int]]]:
    """Each lead's two lists, its values by their bits."""
    return [(n, _bits(v)) for n, v in zip(names.to_pylist(), values.to_pylist(), strict=True)]


def _expected(dicts: list[dict]) -> list[tuple[list[str], list[int]]]:
    return [(list(d), _bits(list(d.values()))) for d in dicts]


def _matrix() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    values = rng.normal(0.0, 0.4, (3000, 6))
    values[rng.random(values.shape) < 0.3] = 0.0
    ties = (rng.integers(-20000, 20000, 500) + 0.5) / 10 ** 4  # on the 4th decimal's tie
    values[:500, 0] = ties
    values[500:520, 1] = [1e-5, -1e-5, 4.9999e-5, -0.0, 5e-5, -5e-5, 1e-9, 123456.78915,
                          float("nan"), float("inf"), -float("inf"), 0.12345, 2.00005,
                          -2.00005, 1.5e-4, 0.99995, 1e6 + 0.00005, -0.0, 3.14159265, 7.0]
    return pd.DataFrame(values, columns=["events_7d", "country", "seniority", "source",
                                         "industry", "completeness"])


def test_the_lists_hold_what_round_kept_of_each_lead_in_the_columns_order():
    raw = _matrix()
    names, values = as_lists(raw, rounded(raw))
    assert _as_dicts(names, values) == _expected(_spec(raw))
    assert names.offsets.equals(values.offsets)  # the same slots, one pair a contribution


def test_the_lists_are_what_the_json_kept_before_read_back():
    # migration 023 made yesterday's JSON these lists: the next day reads them alike
    raw = _matrix().iloc[:, [0, 2, 3, 4, 5]].copy()  # no NaN nor infinity: not JSON
    raw.iloc[:5, 1] = [1e-7, -1e-7, -0.0, 2e-5, -4.99e-5]  # rounded to 0.0, -0.0, or left out
    names, values = as_lists(raw, rounded(raw))
    assert _as_dicts(names, values) == _expected([json.loads(json.dumps(d))
                                                  for d in _spec(raw)])


def test_a_kept_value_keeps_its_sign_and_a_zero_contribution_is_left_out():
    raw = pd.DataFrame({"a": [1e-5, -1e-5, 0.0], "b": [0.0, 0.25, -0.0]})
    names, values = as_lists(raw, rounded(raw))
    assert names.to_pylist() == [["a"], ["a", "b"], []]
    assert [_bits(v) for v in values.to_pylist()] == [_bits([0.0]), _bits([-0.0, 0.25]), []]
    assert rounded(raw)["b"].tolist() == [0.0, 0.25, 0.0]


def test_any_names_and_edges_of_shape_are_kept():
    raw = pd.DataFrame({'say "hi"': [0.5, 0.0], "été\\x": [0.0, -1.25], "": [2.0, 0.0]})
    assert _as_dicts(*as_lists(raw, rounded(raw))) == _expected(_spec(raw))
    assert [c.to_pylist() for c in as_lists(raw.iloc[:0], rounded(raw.iloc[:0]))] == [[], []]
    nothing = pd.DataFrame({"a": [0.0, 0.0]})
    assert [c.to_pylist() for c in as_lists(nothing, rounded(nothing))] == [[[], []], [[], []]]
    no_columns = pd.DataFrame(index=range(2))
    assert [c.to_pylist() for c in as_lists(no_columns, no_columns)] == [[[], []], [[], []]]


def test_each_name_is_held_once_not_once_a_lead():
    raw = pd.DataFrame({"events_7d": np.ones(1000), "country": np.full(1000, -0.5)})
    names, _ = as_lists(raw, rounded(raw))
    assert names.values.dictionary.to_pylist() == ["events_7d", "country"]
    assert len(names.values) == 2000


def test_the_lists_are_positional_whatever_the_frame_index():
    raw = pd.DataFrame({"a": [0.1, 0.2]}, index=[7, 3])
    kept = pd.DataFrame({"a": [0.1, 0.2]}, index=[7, 3])
    names, values = as_lists(raw, kept)
    framed = pd.DataFrame({"names": pd.arrays.ArrowExtensionArray(names),
                           "values": pd.arrays.ArrowExtensionArray(values)}, index=[40, 41])
    assert framed["values"].tolist() == [[0.1], [0.2]]


def test_contributions_given_as_dicts_keep_each_dict_s_order():
    found = [{"events_7d": 0.3, "email_kind": -0.15}, {}, {"email_kind": 0.0, "x": 1}]
    names, values = lists_of(found)
    assert names.to_pylist() == [["events_7d", "email_kind"], [], ["email_kind", "x"]]
    assert values.to_pylist() == [[0.3, -0.15], [], [0.0, 1.0]]
    assert [c.to_pylist() for c in lists_of([])] == [[], []]


def test_the_docstring_examples_of_the_contributions_run():
    result = doctest.testmod(scoring.contributions)
    assert result.attempted >= 3 and result.failed == 0
