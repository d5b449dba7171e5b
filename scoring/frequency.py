"""The frequency part of leadpilot's model: per-value won/lost frequencies combined by naive
Bayes (the idea behind Odoo's lead scoring). Almost no variance, so it holds up on a few hundred
rows; its log-odds are a sum over columns, so every score splits exactly into contributions.

Smoothing: each value counts one extra row at the overall win rate (PSEUDO_ROWS), so a rare
value leans towards the base rate and a value never seen in training adds nothing, as in Odoo,
which skips unknown values. (Adding one win and one loss instead would give an unseen value the
log-ratio log(losses / wins): about +2 when one lead in ten is won, as if novelty meant winning.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

BINS = 10  # numbers with many distinct values are cut into training deciles
REPEATS = 5  # numbers whose values repeat this often on average count value by value
EMPTY = "(empty)"
PSEUDO_ROWS = 1.0  # rows at the overall win rate added to every value's counts


@dataclass(frozen=True)
class FrequencyModel:
    """Per column: bin edges (numbers) and the log-ratio of each value; the prior log-odds."""

    columns: tuple[str, ...]
    edges: dict[str, list[float]]
    ratios: dict[str, dict[str, float]]  # column -> value -> log P(v|won) - log P(v|lost)
    unseen: dict[str, float]  # column -> log-ratio of a value never seen in training
    prior: float
    means: dict[str, float]  # column -> mean log-ratio over the training rows

    def _values(self, x: pd.DataFrame, name: str) -> pd.Series:
        return _values(x[name], self.edges.get(name))

    def _terms(self, x: pd.DataFrame) -> np.ndarray:
        return np.column_stack([
            self._values(x, name).map(self.ratios[name]).fillna(self.unseen[name]).to_numpy(
                dtype=float) for name in self.columns]) if self.columns else np.zeros((len(x), 0))

    def raw_score(self, x: pd.DataFrame) -> np.ndarray:
        return self.prior + self._terms(x).sum(axis=1)

    def contributions(self, x: pd.DataFrame) -> np.ndarray:
        """Per column, its log-ratio minus its training mean, plus the bias last; each row adds
        up to `raw_score`. Shape (n, columns + 1)."""
        return self._contributions(self._terms(x))

    def explained(self, x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """`raw_score` and `contributions` from one lookup of each value's log-ratio."""
        terms = self._terms(x)
        return self.prior + terms.sum(axis=1), self._contributions(terms)

    def _contributions(self, terms: np.ndarray) -> np.ndarray:
        means = np.array([self.means[name] for name in self.columns])
        return np.column_stack([terms - means, np.full(len(terms), self.prior + means.sum())])

    def to_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "edges": self.edges, "ratios": self.ratios,
                "unseen": self.unseen, "prior": self.prior, "means": self.means}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrequencyModel:
        return cls(tuple(data["columns"]), data["edges"], data["ratios"], data["unseen"],
                   float(data["prior"]), data["means"])


def _values(column: pd.Series, edges: list[float] | None) -> pd.Series:
    if edges is None:
        return column.astype(object).where(column.notna(), EMPTY).astype(str)
    numbers = column.to_numpy(dtype=float)
    binned = np.searchsorted(np.asarray(edges), numbers, side="right").astype(str)
    return pd.Series(np.where(np.isnan(numbers), EMPTY, binned), index=column.index)


def fit_frequency(x: pd.DataFrame, won: np.ndarray) -> FrequencyModel:
    """Count each value's wins and losses (smoothed towards the win rate) in every column."""
    y = np.asarray(won, dtype=float)
    wins, losses = float(y.sum()), float(len(y) - y.sum())
    rate = wins / len(y)
    edges, ratios, unseen, means = {}, {}, {}, {}
    for name in x.columns:
        column = x[name]
        numeric = not isinstance(column.dtype, pd.CategoricalDtype)
        if numeric and column.nunique() * REPEATS > len(column):
            numbers = column.to_numpy(dtype=float)
            edges[name] = np.unique(np.nanquantile(numbers, np.linspace(0, 1, BINS + 1)[1:-1])
                                    ).tolist()
        values = _values(column, edges.get(name))
        codes, uniques = pd.factorize(values)
        won_counts = np.bincount(codes, weights=y, minlength=len(uniques))
        lost_counts = np.bincount(codes, minlength=len(uniques)) - won_counts
        ratio = pd.Series(np.log((won_counts + PSEUDO_ROWS * rate) / wins)
                          - np.log((lost_counts + PSEUDO_ROWS * (1 - rate)) / losses),
                          index=uniques)
        ratios[name] = {str(v): float(r) for v, r in ratio.items()}
        unseen[name] = 0.0  # no evidence either way
        means[name] = float(values.map(ratios[name]).mean())
    return FrequencyModel(tuple(x.columns), edges, ratios, unseen, float(np.log(wins / losses)),
                          means)
