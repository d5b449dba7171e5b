"""The tree count of a booster trained without early stopping (lightgbm.dask's), judged on
later rows."""

from __future__ import annotations

import doctest

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import log_loss

import scoring.staged
from scoring.staged import best_tree_count, staged_log_loss, truncated


def _booster_and_later_rows():
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"a": rng.normal(size=3000), "b": rng.normal(size=3000)})
    won = (x["a"] + rng.normal(scale=1.5, size=3000) > 0).to_numpy(dtype=float)
    params = {"objective": "binary", "verbosity": -1, "learning_rate": 0.3, "num_leaves": 31,
              "min_data_in_leaf": 5, "deterministic": True, "force_row_wise": True, "seed": 1}
    booster = lgb.train(params, lgb.Dataset(x.iloc[:2000], won[:2000]), num_boost_round=95)
    return booster, x.iloc[2000:], won[2000:]


def test_each_staged_loss_is_the_loss_of_that_many_first_trees():
    booster, x, won = _booster_and_later_rows()
    losses = staged_log_loss(booster, x, won, step=10)
    assert list(losses) == [10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
    for trees in (10, 60, 95):
        raw = booster.predict(x, raw_score=True, num_iteration=trees)
        assert np.isclose(losses[trees], log_loss(won, 1 / (1 + np.exp(-raw))))


def test_an_overfitting_booster_is_cut_where_the_later_rows_say():
    booster, x, won = _booster_and_later_rows()
    losses = staged_log_loss(booster, x, won, step=5)
    best = best_tree_count(losses)
    assert best < 95 and losses[best] < losses[95]  # fast learning, noisy label: it overfits
    cut = truncated(booster, best)
    assert cut.num_trees() == best
    assert np.allclose(cut.predict(x, raw_score=True),
                       booster.predict(x, raw_score=True, num_iteration=best))


def test_ties_keep_the_fewest_trees():
    assert best_tree_count({10: 0.5, 20: 0.4, 30: 0.4}) == 20


def test_the_examples_in_the_docstrings_hold():
    assert doctest.testmod(scoring.staged).failed == 0
