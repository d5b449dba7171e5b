"""Turn raw model scores (log-odds) into probabilities that mean what they say.

Two methods: Platt (a logistic curve, two numbers) and isotonic (a monotone step curve whose
steps are smoothed, so that none says 0 % or 100 %). `choose`
fits both on out-of-sample scores and keeps the one with the lower cross-validated Brier score,
so "30 %" means about 3 wins in 10 leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

METHODS: tuple[str, ...] = ("platt", "isotonic")
EPSILON = 1e-4  # probabilities are kept within [EPSILON, 1 - EPSILON]


@dataclass(frozen=True)
class Calibrator:
    """A fitted calibration curve: Platt (`a`, `b`) or isotonic (`x`, `y` knots)."""

    method: str
    a: float = 1.0
    b: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def apply(self, raw: np.ndarray) -> np.ndarray:
        """Probability for each raw score.

        >>> Calibrator("platt", a=1.0, b=0.0).apply(np.array([0.0])).tolist()
        [0.5]
        """
        raw = np.asarray(raw, dtype=float)
        if self.method == "platt":
            p = expit(self.a * raw + self.b)
        else:
            p = np.interp(raw, self.x, self.y)
        return np.clip(p, EPSILON, 1 - EPSILON)

    def to_dict(self) -> dict[str, Any]:
        """What the model card stores."""
        if self.method == "platt":
            return {"method": "platt", "a": self.a, "b": self.b}
        return {"method": "isotonic", "x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        """Rebuild from a model card (older cards hold only Platt's `a` and `b`)."""
        if data.get("method", "platt") == "platt":
            return cls("platt", a=float(data["a"]), b=float(data["b"]))
        return cls("isotonic", x=tuple(map(float, data["x"])), y=tuple(map(float, data["y"])))


def fit(method: str, raw: np.ndarray, won: np.ndarray) -> Calibrator:
    """Fit one calibration method on raw scores and outcomes."""
    raw, won = np.asarray(raw, dtype=float), np.asarray(won, dtype=float)
    if method == "platt":
        platt = LogisticRegression(C=1e6, solver="newton-cholesky").fit(raw.reshape(-1, 1), won)
        return Calibrator("platt", a=float(platt.coef_[0][0]), b=float(platt.intercept_[0]))
    if method == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, won)
        return Calibrator("isotonic", x=tuple(map(float, iso.X_thresholds_)),
                          y=tuple(map(float, _smoothed_steps(iso, raw, won))))
    raise ValueError(f"unknown calibration method {method!r}: use one of {METHODS}")


def _smoothed_steps(iso: IsotonicRegression, raw: np.ndarray, won: np.ndarray) -> np.ndarray:
    """The isotonic knots' levels with each step's rate smoothed as (wins + 1) / (leads + 2).

    A step is the rate of the leads it groups: a top step of 20 leads that all won says 100 %,
    and a rep must never read that a lead cannot be lost (nor that one cannot be won) from a
    finite sample. Smoothing can unsort two neighbouring steps of different sizes: the running
    maximum keeps the curve monotone.
    """
    levels, step = np.unique(iso.predict(raw), return_inverse=True)
    leads, wins = np.bincount(step), np.bincount(step, weights=won)
    smoothed = (wins + 1) / (leads + 2)
    knots = np.searchsorted(levels, iso.y_thresholds_)
    return np.maximum.accumulate(smoothed[knots])


def cross_validated_brier(method: str, raw: np.ndarray, won: np.ndarray, seed: int,
                          n_splits: int = 5) -> float:
    """Brier score of `method` on scores it was not fitted on (k-fold over the given rows)."""
    raw, won = np.asarray(raw, dtype=float), np.asarray(won, dtype=float)
    splits = min(n_splits, int(won.sum()), int(len(won) - won.sum()))
    if splits < 2:
        raise ValueError("calibration needs at least two wins and two losses")
    squared = np.empty(len(won))
    folds = StratifiedKFold(splits, shuffle=True, random_state=seed).split(raw, won)
    for fit_rows, test_rows in folds:
        squared[test_rows] = (fit(method, raw[fit_rows], won[fit_rows]).apply(raw[test_rows])
                              - won[test_rows]) ** 2
    return float(squared.mean())


def choose(raw: np.ndarray, won: np.ndarray, seed: int = 42) -> tuple[Calibrator, dict[str, float]]:
    """Fit Platt and isotonic on out-of-sample scores; keep the one with the lower CV Brier.

    Returns:
        The chosen calibrator, refitted on all the given rows, and the CV Brier of each method.
    """
    briers = {method: round(cross_validated_brier(method, raw, won, seed), 6)
              for method in METHODS}
    best = min(METHODS, key=lambda method: (briers[method], METHODS.index(method)))
    return fit(best, raw, won), briers
