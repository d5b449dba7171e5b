"""The win-probability model: LightGBM trained on older leads, calibrated, judged on newer ones."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from features.columns import FEATURE_NAMES

PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.03,
    "num_leaves": 15,
    "max_depth": 5,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 5.0,
    "cat_smooth": 20,
    "min_data_per_group": 50,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbosity": -1,
}
MAX_ROUNDS = 1000
EARLY_STOPPING_ROUNDS = 50


@dataclass
class Model:
    """A booster plus its Platt calibration (probability = sigmoid(a × raw + b))."""

    booster: lgb.Booster
    calibration: tuple[float, float]
    card: dict[str, Any] = field(default_factory=dict)

    def raw_score(self, matrix: pd.DataFrame) -> np.ndarray:
        return self.booster.predict(matrix[list(FEATURE_NAMES)], raw_score=True)

    def predict(self, matrix: pd.DataFrame) -> np.ndarray:
        """Calibrated win probability in [0, 1] for each row."""
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * self.raw_score(matrix) + b)))

    def contributions(self, matrix: pd.DataFrame) -> np.ndarray:
        """LightGBM's own per-feature contributions (log-odds), shape (n, features + 1)."""
        return np.asarray(self.booster.predict(matrix[list(FEATURE_NAMES)], pred_contrib=True))


def metrics(won: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    """ROC AUC, PR AUC and Brier score of probabilities against outcomes."""
    return {
        "roc_auc": round(float(roc_auc_score(won, probability)), 4),
        "pr_auc": round(float(average_precision_score(won, probability)), 4),
        "brier": round(float(brier_score_loss(won, probability)), 4),
        "win_rate": round(float(np.mean(won)), 4),
    }


def time_split(n_rows: int, holdout_fraction: float) -> tuple[slice, slice, slice]:
    """Slices of (fit, calibration, holdout) over rows sorted oldest first.

    The newest `holdout_fraction` is the holdout; the 15 % just before it stops the boosting
    early and fits the calibration; the rest trains the trees.
    """
    n_holdout = max(1, math.floor(n_rows * holdout_fraction))
    n_calibration = max(1, math.floor((n_rows - n_holdout) * 0.15))
    n_fit = n_rows - n_holdout - n_calibration
    if n_fit < 20:
        raise ValueError(f"only {n_rows} closed leads: too few to train on")
    return slice(0, n_fit), slice(n_fit, n_fit + n_calibration), slice(n_fit + n_calibration, None)


def train(matrix: pd.DataFrame, won: pd.Series, holdout_fraction: float = 0.2,
          seed: int = 42) -> tuple[Model, dict[str, Any]]:
    """Train on the older leads, calibrate on the next ones, judge on the newest.

    Args:
        matrix: model_matrix() of closed leads, sorted by scoring moment, oldest first.
        won: 1 for won, 0 for lost, aligned with `matrix`.
        holdout_fraction: share of the newest leads kept for the holdout.
        seed: LightGBM seed; the same data and seed give the same model.

    Returns:
        The model and a report with row counts, best iteration and holdout metrics.
    """
    y = won.to_numpy(dtype=float)
    if len(np.unique(y)) < 2:
        raise ValueError("the history holds only one outcome: both wins and losses are needed")
    fit, calibration, holdout = time_split(len(matrix), holdout_fraction)
    params = {**PARAMS, "seed": seed}
    x = matrix[list(FEATURE_NAMES)]
    train_set = lgb.Dataset(x.iloc[fit], y[fit], free_raw_data=False)
    valid_set = lgb.Dataset(x.iloc[calibration], y[calibration], reference=train_set)
    booster = lgb.train(
        params, train_set, num_boost_round=MAX_ROUNDS, valid_sets=[valid_set],
        callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
    )
    raw_cal = booster.predict(x.iloc[calibration], raw_score=True)
    platt = LogisticRegression(C=1e6).fit(raw_cal.reshape(-1, 1), y[calibration])
    model = Model(booster, (float(platt.coef_[0][0]), float(platt.intercept_[0])))
    holdout_probability = model.predict(x.iloc[holdout])
    report = {
        "rows": {"fit": fit.stop, "calibration": calibration.stop - calibration.start,
                 "holdout": len(matrix) - calibration.stop},
        "best_iteration": int(booster.best_iteration or booster.current_iteration()),
        "holdout": metrics(y[holdout], holdout_probability),
        "params": params,
    }
    return model, report
