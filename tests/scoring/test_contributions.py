"""Contributions kept as the scores table stores them: rounded like Python's round(v, 4), as
JSON text, over the whole matrix at once."""

from __future__ import annotations

import doctest
import json

import numpy as np
import pandas as pd

import scoring.contributions
from scoring.contributions import as_json, json_numbers, rounded


def _spec(raw: pd.DataFrame) -> list[str]:
    """What the scores table held before the columnar version: one dict per lead."""
    return [json.dumps({k: round(float(v), 4) for k, v in row.items() if v})
            for row in raw.to_dict(orient="records")]


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


def test_rounding_and_json_text_are_those_of_round_and_json_dumps_per_lead():
    raw = _matrix()
    kept = rounded(raw)
    assert as_json(raw, kept).tolist() == _spec(raw)


def test_finite_contributions_are_numbered_by_a_table_and_read_as_json_dumps_writes_them(
        monkeypatch):
    # no NaN or infinity: every kept value is a whole number of 1/10,000 (and a sign), so the
    # values and the pairs are numbered by tables, with no hash of a value (counted)
    raw = _matrix().iloc[:, [0, 2, 3, 4, 5]].copy()
    raw.iloc[:5, 1] = [1e-7, -1e-7, -0.0, 2e-5, -4.99e-5]  # rounded to 0.0, -0.0, or left out
    hashed = []
    real = pd.factorize
    monkeypatch.setattr(pd, "factorize", lambda *a, **k: hashed.append(1) or real(*a, **k))
    assert as_json(raw, rounded(raw)).tolist() == _spec(raw)
    assert hashed == []
    raw.iloc[7, 2] = 123456.78915  # beyond what the table reads exactly: hashed, the same text
    assert as_json(raw, rounded(raw)).tolist() == _spec(raw)
    assert hashed


def test_a_kept_value_keeps_its_sign_and_a_zero_contribution_is_left_out():
    raw = pd.DataFrame({"a": [1e-5, -1e-5, 0.0], "b": [0.0, 0.25, -0.0]})
    assert as_json(raw, rounded(raw)).tolist() == ['{"a": 0.0}', '{"a": -0.0, "b": 0.25}', "{}"]
    assert rounded(raw)["b"].tolist() == [0.0, 0.25, 0.0]


def test_names_that_need_escaping_and_edges_of_shape_are_written_as_json_dumps_writes_them():
    raw = pd.DataFrame({'say "hi"': [0.5, 0.0], "été\\x": [0.0, -1.25], "": [2.0, 0.0]})
    assert as_json(raw, rounded(raw)).tolist() == _spec(raw)
    assert as_json(raw.iloc[:0], rounded(raw.iloc[:0])).tolist() == []
    nothing = pd.DataFrame({"a": [0.0, 0.0]})
    assert as_json(nothing, rounded(nothing)).tolist() == ["{}", "{}"]
    no_columns = pd.DataFrame(index=range(2))
    assert as_json(no_columns, no_columns).tolist() == ["{}", "{}"]


def test_the_text_is_positional_whatever_the_frame_index():
    raw = pd.DataFrame({"a": [0.1, 0.2]}, index=[7, 3])
    kept = pd.DataFrame({"a": [0.1, 0.2]}, index=[7, 3])
    framed = pd.DataFrame({"contributions": as_json(raw, kept)}, index=[40, 41])
    assert framed["contributions"].tolist() == ['{"a": 0.1}', '{"a": 0.2}']


def test_numbers_are_written_as_json_dumps_writes_them_whatever_their_size():
    rng = np.random.default_rng(7)
    values = np.concatenate([
        np.round(rng.normal(0, 1, 50_000), 4),  # what the scores keep
        rng.normal(0, 3, 20_000),
        np.exp(rng.uniform(-30, 50, 50_000)) * rng.choice([-1, 1], 50_000),  # every exponent
        rng.integers(-10**6, 10**6, 5_000).astype(float),
        np.nextafter(np.repeat([1e9, 1e-4, 1e10, 1e-5, 1e15, 1e16], 50), 0),
        [1e9, 1e-4, 0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308],
    ])
    assert json_numbers(values).to_pylist() == [json.dumps(float(v)) for v in values]


def test_the_docstring_examples_of_the_contributions_run():
    result = doctest.testmod(scoring.contributions)
    assert result.attempted >= 1 and result.failed == 0
