"""Drift counted in the warehouse (flows/models/sql/drift_counts.sql) gives the same indices as
the PSI over the decoded rows in pandas, bin for bin."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from features.columns import CATEGORICAL, FEATURE_NAMES, NUMERIC, SIZE_BANDS
from features.point_in_time import model_matrix
from flows import store
from flows.models.scoring import drift_counts
from scoring.drift import SCORE, profile, psi, psi_of_counts

DAY = date(2026, 11, 27)


def _leads(n: int, seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"lead_id": [f"L{i:04d}" for i in range(n)]})
    for name in NUMERIC:  # small whole numbers: many values sit exactly on a bin edge
        values = rng.poisson(2 + shift, n).astype(float)
        frame[name] = np.where(rng.random(n) < 0.1, np.nan, values)  # unknown: its own bin
    for name in CATEGORICAL:
        labels = np.asarray(SIZE_BANDS + ("Zoé", ""), dtype=object)
        frame[name] = np.where(rng.random(n) < 0.1, None, labels[rng.integers(0, 7 + int(
            shift), n)])  # None reads as 'unknown'; a shifted day brings a label never trained on
    return frame


TODAY = _leads(400, seed=2, shift=1)
SCORES = np.round(np.random.default_rng(3).random(len(TODAY)), 2)  # ties on the bin edges


@pytest.fixture
def con():
    con = store.connect(":memory:")
    today, score = TODAY, SCORES
    with store.transaction(con):
        store.replace_run(con, "lead_features", DAY,
                          today.assign(as_of=datetime(2026, 11, 27)))
        store.replace_run(con, "scores", DAY, pd.DataFrame({
            "lead_id": today["lead_id"], "model_version": "v1", "win_probability": score,
            "grade": "B"}))
    return con


def test_the_warehouse_counts_give_the_same_indices_as_pandas(con):
    training = _leads(1000, seed=1, shift=0)
    reference = profile(model_matrix(training),
                        np.round(np.random.default_rng(4).random(1000) * 0.8, 2))
    counted = psi_of_counts(reference, drift_counts(con, DAY, reference))
    assert counted == psi(reference, model_matrix(TODAY), SCORES)
    assert set(counted) == {*FEATURE_NAMES, SCORE}
    assert max(counted.values()) > 0.1  # the day is shifted: the comparison is not of zeros


def test_a_profile_of_one_kind_still_counts_its_names(con):
    reference = profile(model_matrix(_leads(300, seed=5, shift=0))[["events_7d"]],
                        np.linspace(0, 1, 300))
    counted = psi_of_counts(reference, drift_counts(con, DAY, reference))
    assert set(counted) == {"events_7d", SCORE}
    assert counted == psi(reference, model_matrix(TODAY)[["events_7d"]], SCORES)


def test_another_day_counts_nothing(con):
    reference = profile(model_matrix(_leads(300, seed=5, shift=0)), np.linspace(0, 1, 300))
    assert drift_counts(con, date(2026, 11, 28), reference).empty
