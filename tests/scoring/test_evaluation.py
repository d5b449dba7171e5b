"""Cross-validation as `leadpilot evaluate` runs it, with a trainer simple enough to reason about
(the CLI tests with the real training are marked slow: tests/flows/test_history_training.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.evaluation import cross_validate, evaluation_folds


def _data(n: int = 400, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    won = (signal + rng.normal(scale=0.7, size=n) > 0.8).astype(float)
    return pd.DataFrame({"signal": signal}), won, np.arange(n)


def _mean_rate_by_sign(x: pd.DataFrame, won: np.ndarray, order):
    """A trainer: the training rows' win rate on each side of signal = 0."""
    positive = x["signal"].to_numpy() > 0
    rates = {True: won[positive].mean(), False: won[~positive].mean()}
    return lambda rows: np.where(rows["signal"].to_numpy() > 0, rates[True], rates[False])


def test_time_folds_judge_each_model_on_rows_newer_than_all_it_learned_from():
    x, won, order = _data()
    folds = evaluation_folds(won, order)
    seen = []

    def trainer(rows, y, sub_order):
        seen.append(sub_order.max())
        return _mean_rate_by_sign(rows, y, sub_order)

    result = cross_validate(x, won, order, trainer, folds)
    assert len(result.folds) == 5 and len(seen) == 5
    for latest, (_, test) in zip(seen, folds, strict=True):
        assert order[test].min() > latest
    assert sum(f["rows"]["test"] for f in result.folds) == 200  # the newer half, once each
    assert len(result.won) == len(result.probability) == 200


def test_stratified_folds_pool_every_row_once_and_the_figures_follow_the_signal():
    x, won, _ = _data()
    folds = evaluation_folds(won, None)
    calls = []
    result = cross_validate(x, won, None, _mean_rate_by_sign, folds, on_fold=calls.append)
    assert calls == [0, 1, 2, 3, 4]
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(400))
    assert result.won.sum() == won.sum()
    summary = result.summary
    assert 0.7 < summary["roc_auc"] < 1
    assert summary["lift_at_10"] > 1.5
    table = result.reliability()
    assert table["leads"].sum() == 400

    shuffled = cross_validate(x.sample(frac=1, random_state=0).reset_index(drop=True), won,
                              None, _mean_rate_by_sign, folds)
    assert shuffled.summary["roc_auc"] < 0.65  # signal no longer lines up with the outcome
