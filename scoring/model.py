"""The win-probability model: a LightGBM booster, its calibration, and the figures that judge it.

Training lives in scoring/learner.py, the one core shared by the warehouse model, models trained
on a CRM export (`--history`), `leadpilot evaluate` and the benchmark.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from features.columns import FEATURE_NAMES
from scoring.calibration import Calibrator
from scoring.frequency import FrequencyModel
from scoring.linear import LinearModel
from scoring.tree_contributions import TreeContributions, lightgbm_matrix

# how far a row's contributions may add up from its raw score (rounding: about 1e-14)
TURNS_CHECK = 1e-9
# the rows whose raw score numpy's trees must give LightGBM's, bit for bit: one in CHECK_EVERY
CHECK_EVERY = 16
log = logging.getLogger(__name__)


@dataclass
class Model:
    """Trees, a penalised logistic regression and value frequencies, blended, then calibrated.

    raw score = Σ weight × log-odds of each part (trees, linear, frequency); the calibration
    curve turns it into a probability. Any weight may be 0.
    """

    booster: lgb.Booster
    calibration: Calibrator
    card: dict[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = FEATURE_NAMES
    linear: LinearModel | None = None
    weights: tuple[float, ...] = (1.0, 0.0, 0.0)  # trees, linear, frequency
    frequency: FrequencyModel | None = None
    # the trees' contributions in numpy (TreeContributions), False where LightGBM must explain
    _trees: TreeContributions | bool | None = field(default=None, init=False, repr=False,
                                                   compare=False)

    def _parts(self) -> list[tuple[float, Any]]:
        parts = [(self.weights[0], None)]
        for weight, part in zip(self.weights[1:], (self.linear, self.frequency), strict=False):
            if part is not None and weight:
                parts.append((weight, part))
        return parts

    def raw_score(self, matrix: pd.DataFrame) -> np.ndarray:
        """The blended log-odds, before calibration."""
        x = matrix[list(self.columns)]
        raw = np.zeros(len(x))
        for weight, part in self._parts():
            if weight:
                raw = raw + weight * (self.booster.predict(x, raw_score=True) if part is None
                                      else part.raw_score(x))
        return raw

    def predict(self, matrix: pd.DataFrame) -> np.ndarray:
        """Calibrated win probability in [0, 1] for each row."""
        return self.calibration.apply(self.raw_score(matrix))

    def contributions(self, matrix: pd.DataFrame) -> np.ndarray:
        """Per-column contributions (log-odds), shape (n, columns + 1), the bias last: each
        row adds up to its `raw_score`."""
        return self.explained(matrix)[1]

    def predicted(self, matrix: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """`predict` and `contributions` of `matrix` at once (the booster reads it once)."""
        raw, contributions = self.explained(matrix)
        return self.calibration.apply(raw), contributions

    def explained(self, matrix: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """`raw_score` and `contributions` of `matrix`, the trees' contributions as LightGBM's
        pred_contrib gives them: worked out in numpy for small trees (scoring.
        tree_contributions: several times quicker, equal to about 1e-15), and checked there
        against the booster's own raw score, row by row; else by LightGBM itself (about 100
        times slower than `predict`, STACK_NOTES)."""
        x = matrix[list(self.columns)]
        raw, out = np.zeros(len(x)), np.zeros((len(x), len(self.columns) + 1))
        for weight, part in self._parts():
            if weight:
                if part is None:
                    part_raw, part_out = self._trees_explained(x)
                else:
                    part_raw, part_out = part.explained(x)
                raw, out = raw + weight * part_raw, out + weight * part_out
        return raw, out

    def _trees_explained(self, x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The trees' raw score and contributions: by numpy where their trees are small
        (scoring.tree_contributions), checked against LightGBM's own raw score on one row in
        CHECK_EVERY (bit for bit: the same leaves added in the same order) and on every row's
        contributions adding up to it; else, or where a check fails, by LightGBM."""
        if self._trees is None:
            self._trees = TreeContributions.of(self.booster.dump_model()) or False
        if self._trees and len(x):
            raw, out = self._trees.explained(lightgbm_matrix(x, self.booster.pandas_categorical))
            checked = np.arange(0, len(x), CHECK_EVERY)
            same = raw[checked] == self.booster.predict(x.iloc[checked], raw_score=True)
            adds_up = np.isclose(out.sum(axis=1), raw, rtol=0, atol=TURNS_CHECK)
            if same.all() and adds_up.all():
                return raw, out
            # a split turned otherwise than in LightGBM: a bug to report, the scores still right
            log.warning("numpy's trees gave %d of %d checked leads another score than LightGBM "
                        "and %d of %d leads' contributions did not add up: LightGBM scores and "
                        "explains them instead", (~same).sum(), len(checked), (~adds_up).sum(),
                        len(x))
        return (self.booster.predict(x, raw_score=True),
                np.asarray(self.booster.predict(x, pred_contrib=True)))

    def importance(self, matrix: pd.DataFrame) -> dict[str, float]:
        """Mean absolute contribution of each column over `matrix`, as shares adding up to 1."""
        mean_abs = np.abs(self.contributions(matrix)[:, :-1]).mean(axis=0)
        total = float(mean_abs.sum()) or 1.0
        return {name: float(v) / total for name, v in zip(self.columns, mean_abs, strict=True)}


def lift_at(won: np.ndarray, probability: np.ndarray, share: float = 0.1) -> float:
    """Win rate of the top `share` of leads by probability, divided by the overall win rate.

    >>> lift_at(np.array([1, 0, 0, 0]), np.array([0.9, 0.1, 0.2, 0.3]), share=0.25)
    4.0
    """
    won, probability = np.asarray(won, dtype=float), np.asarray(probability, dtype=float)
    top = max(1, math.ceil(len(won) * share))
    order = np.argsort(-probability, kind="stable")[:top]
    base = won.mean()
    return float(won[order].mean() / base) if base > 0 else float("nan")


def metrics(won: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    """ROC AUC, PR AUC, lift in the top decile, Brier score and win rate."""
    won, probability = np.asarray(won, dtype=float), np.asarray(probability, dtype=float)
    return {
        "roc_auc": round(float(roc_auc_score(won, probability)), 4),
        "pr_auc": round(float(average_precision_score(won, probability)), 4),
        "lift_at_10": round(lift_at(won, probability, 0.1), 3),
        "brier": round(float(brier_score_loss(won, probability)), 4),
        "win_rate": round(float(np.mean(won)), 4),
    }


def reliability(won: np.ndarray, probability: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Per decile of predicted probability: leads, mean predicted and observed win rate.

    >>> table = reliability(np.array([0, 1] * 10), np.linspace(0.05, 0.95, 20))
    >>> table["leads"].sum(), len(table)
    (20, 10)
    """
    frame = pd.DataFrame({"won": np.asarray(won, dtype=float),
                          "p": np.asarray(probability, dtype=float)})
    ranks = frame["p"].rank(method="first")
    frame["decile"] = np.ceil(ranks * bins / len(frame)).astype(int).clip(1, bins)
    table = frame.groupby("decile").agg(leads=("won", "size"), predicted=("p", "mean"),
                                        observed=("won", "mean"))
    return table.reset_index().round({"predicted": 4, "observed": 4})


def time_split(n_rows: int, holdout_fraction: float) -> tuple[slice, slice, slice]:
    """Slices of (fit, calibration, holdout) over rows sorted oldest first.

    The newest `holdout_fraction` is the holdout the model card reports on; the 15 % just before
    it is the newest part of the training rows.
    """
    n_holdout = max(1, math.floor(n_rows * holdout_fraction))
    n_calibration = max(1, math.floor((n_rows - n_holdout) * 0.15))
    n_fit = n_rows - n_holdout - n_calibration
    if n_fit < 20:
        raise ValueError(f"only {n_rows} closed leads: too few to train on")
    return slice(0, n_fit), slice(n_fit, n_fit + n_calibration), slice(n_fit + n_calibration, None)
