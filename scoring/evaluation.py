"""Cross-validation of a training recipe and the figures sales can check: ROC AUC, PR AUC, lift
in the top decile, Brier score and a reliability table per decile."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.learner import stratified_folds, time_folds
from scoring.model import metrics, reliability

N_FOLDS = 5
Trainer = Callable[[pd.DataFrame, np.ndarray, "np.ndarray | None"],
                   Callable[[pd.DataFrame], np.ndarray]]


def evaluation_folds(won: np.ndarray, order: np.ndarray | None, n_folds: int = N_FOLDS,
                     seed: int = 42) -> list[tuple[np.ndarray, np.ndarray]]:
    """Time-based folds when there is a date, else stratified k-fold.

    Time-based: the newer half of the rows, by date, is cut into `n_folds` blocks; each fold
    trains on every row older than its block and tests on the block. Every model is thus judged
    on leads newer than all it learned from, having learned from at least half the history.
    """
    if order is not None:
        return time_folds(order, n_folds, 0.5)
    return stratified_folds(np.asarray(won, dtype=float), n_folds, seed)


@dataclass
class CrossValidation:
    """Out-of-fold figures of one recipe on one data set."""

    folds: list[dict] = field(default_factory=list)  # per fold: rows, metrics, seconds
    won: np.ndarray = field(default_factory=lambda: np.empty(0))
    probability: np.ndarray = field(default_factory=lambda: np.empty(0))
    seconds: float = 0.0

    @property
    def summary(self) -> dict[str, float]:
        """Each figure averaged over the folds, plus the mean training time per fold."""
        keys = ("roc_auc", "pr_auc", "lift_at_10", "brier")
        out = {k: round(float(np.mean([f["metrics"][k] for f in self.folds])), 4) for k in keys}
        out["train_seconds"] = round(self.seconds / max(1, len(self.folds)), 2)
        return out

    def reliability(self) -> pd.DataFrame:
        """The reliability table of all out-of-fold predictions pooled."""
        return reliability(self.won, self.probability)


def cross_validate(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None,
                   trainer: Trainer, folds: list[tuple[np.ndarray, np.ndarray]],
                   on_fold: Callable[[int], None] | None = None) -> CrossValidation:
    """Train `trainer` on each fold's training rows and judge it on the fold's test rows."""
    y = np.asarray(won, dtype=float)
    result = CrossValidation()
    pooled_won, pooled_p = [], []
    for number, (train, test) in enumerate(folds):
        sub_order = None if order is None else np.asarray(order)[train]
        started = time.perf_counter()
        predict = trainer(x.iloc[train], y[train], sub_order)
        result.seconds += time.perf_counter() - started
        probability = np.asarray(predict(x.iloc[test]), dtype=float)
        result.folds.append({"rows": {"train": len(train), "test": len(test)},
                             "metrics": metrics(y[test], probability)})
        pooled_won.append(y[test])
        pooled_p.append(probability)
        if on_fold is not None:
            on_fold(number)
    result.won, result.probability = np.concatenate(pooled_won), np.concatenate(pooled_p)
    return result
