"""The linear half of leadpilot's model: an L2-penalised logistic regression that holds up on a
few hundred rows, with exact per-column contributions and a JSON form for the model card."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

MIN_LEVEL_ROWS = 5  # rarer categories get no coefficient of their own
PENALTIES: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # C values to try


@dataclass(frozen=True)
class Term:
    """One input of the regression: a number, its missing flag, or a category level."""

    column: str
    kind: str  # "number", "missing" or "level"
    level: str = ""
    centre: float = 0.0  # median (number), else 0
    scale: float = 1.0  # standard deviation (number), else 1
    spread: float = 1.0  # the input's standard deviation in training: every input is scaled


@dataclass(frozen=True)
class LinearModel:
    """Terms, their coefficients and the intercept; raw scores are log-odds."""

    columns: tuple[str, ...]
    terms: tuple[Term, ...]
    coefficients: tuple[float, ...]
    intercept: float
    means: tuple[float, ...]  # mean of each term over the training rows (for contributions)

    def design(self, x: pd.DataFrame) -> np.ndarray:
        """One column per term."""
        return _design(x, self.terms)

    def raw_score(self, x: pd.DataFrame) -> np.ndarray:
        return self._raw(self.design(x))

    def contributions(self, x: pd.DataFrame) -> np.ndarray:
        """Per column, the log-odds its terms add relative to an average training lead, plus the
        bias last; each row adds up to `raw_score`. Shape (n, columns + 1)."""
        return self._contributions(self.design(x))

    def explained(self, x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """`raw_score` and `contributions` from one design matrix."""
        design = self.design(x)
        return self._raw(design), self._contributions(design)

    def _raw(self, design: np.ndarray) -> np.ndarray:
        return design @ np.asarray(self.coefficients) + self.intercept

    def _contributions(self, design: np.ndarray) -> np.ndarray:
        coefficients = np.asarray(self.coefficients)
        parts = (design - np.asarray(self.means)) * coefficients
        out = np.zeros((len(design), len(self.columns) + 1))
        position = {name: i for i, name in enumerate(self.columns)}
        for k, term in enumerate(self.terms):
            out[:, position[term.column]] += parts[:, k]
        out[:, -1] = self.intercept + float(np.asarray(self.means) @ coefficients)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "intercept": self.intercept,
                "terms": [{"column": t.column, "kind": t.kind, "level": t.level,
                           "centre": t.centre, "scale": t.scale, "spread": t.spread,
                           "coefficient": c, "mean": m}
                          for t, c, m in zip(self.terms, self.coefficients, self.means,
                                             strict=True)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        terms = data["terms"]
        return cls(tuple(data["columns"]),
                   tuple(Term(t["column"], t["kind"], t["level"], t["centre"], t["scale"],
                              t.get("spread", 1.0)) for t in terms),
                   tuple(float(t["coefficient"]) for t in terms), float(data["intercept"]),
                   tuple(float(t["mean"]) for t in terms))


def _is_category(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype)


def terms_for(x: pd.DataFrame) -> tuple[Term, ...]:
    """The regression's inputs, learned from the training rows."""
    terms = []
    for name in x.columns:
        column = x[name]
        if _is_category(column):
            counts = column.value_counts()
            terms += [Term(name, "level", str(level)) for level in counts.index
                      if counts[level] >= MIN_LEVEL_ROWS]
            continue
        values = column.to_numpy(dtype=float)
        if np.isnan(values).all():
            continue
        kind = "number"
        if np.nanmin(values) >= 0 and pd.Series(values).skew() > 1:
            kind, values = "log_number", np.log1p(values)  # counts: diminishing returns
        centre = float(np.nanmedian(values))
        scale = float(np.nanstd(values)) or 1.0
        terms.append(Term(name, kind, centre=centre, scale=scale))
        if np.isnan(values).any():
            terms.append(Term(name, "missing"))
    return tuple(terms)


def _design(x: pd.DataFrame, terms: tuple[Term, ...]) -> np.ndarray:
    out = np.zeros((len(x), len(terms)))
    for k, term in enumerate(terms):
        column = x[term.column]
        if term.kind == "level":
            out[:, k] = _is_level(column, term.level)
        else:
            values = column.to_numpy(dtype=float)
            if term.kind == "log_number":
                values = np.log1p(np.clip(values, 0, None))
            if term.kind == "missing":
                out[:, k] = np.isnan(values)
            else:
                out[:, k] = (np.where(np.isnan(values), term.centre, values) - term.centre
                             ) / term.scale
        out[:, k] /= term.spread
    return out


def _is_level(column: pd.Series, level: str) -> np.ndarray:
    """Which values of `column` equal `level`: for a category column, told once per category
    and read off the rows' codes (a missing one: no)."""
    if not _is_category(column):
        return column.astype(object).to_numpy() == level
    hit = np.array([value == level for value in column.cat.categories] + [False])
    return hit[column.cat.codes.to_numpy()]


def fit_linear(x: pd.DataFrame, won: np.ndarray, penalty: float) -> LinearModel:
    """Fit the regression with inverse penalty `penalty` (sklearn's C) on all of `x`."""
    return fit_path(x, won, (penalty,))[0]


def fit_path(x: pd.DataFrame, won: np.ndarray,
             penalties: tuple[float, ...]) -> list[LinearModel]:
    """One fitted regression per penalty, sharing one design matrix (weakest penalty last,
    each fit starting from the previous one's coefficients)."""
    raw_terms = terms_for(x)
    spreads = _design(x, raw_terms).std(axis=0)
    terms = tuple(replace(t, spread=float(sd) if sd > 0 else 1.0)
                  for t, sd in zip(raw_terms, spreads, strict=True))
    design = _design(x, terms)
    means = tuple(map(float, design.mean(axis=0)))
    regression = LogisticRegression(C=penalties[0], solver="newton-cholesky", max_iter=200,
                                    warm_start=True)
    models = []
    for penalty in penalties:
        regression.set_params(C=penalty)
        regression.fit(design, won)
        models.append(LinearModel(tuple(x.columns), terms, tuple(map(float, regression.coef_[0])),
                                  float(regression.intercept_[0]), means))
    return models
