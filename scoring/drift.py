"""Population stability index (PSI): how far today's leads have moved from the training data.

Pure. A model card keeps a `profile` of its training rows (bin edges and shares per feature and
for the score); each daily run compares today's leads with it. Rule of thumb: below 0.1 stable,
0.1-0.2 a shift worth watching, above 0.2 a shift the model was not trained for.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

THRESHOLD = 0.2
SCORE = "score"  # the name of the score's own entry in a profile
_FLOOR = 1e-4  # an empty bin counts as this share, so the index stays finite
_MISSING = "(missing)"


def _is_category(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(
        series)


def _numeric_bins(values: np.ndarray, edges: list[float]) -> np.ndarray:
    """Bin index per value: 0..len(edges) for numbers, len(edges) + 1 for NaN."""
    binned = np.searchsorted(np.asarray(edges), values, side="right")
    return np.where(np.isnan(values), len(edges) + 1, binned)


def _entry(series: pd.Series, bins: int) -> dict[str, Any]:
    if _is_category(series):
        labels = series.astype(object).where(series.notna(), _MISSING).astype(str)
        shares = labels.value_counts(normalize=True)
        return {"kind": "categorical", "shares": {str(k): float(v) for k, v in shares.items()}}
    values = series.to_numpy(dtype=float)
    edges = sorted(set(np.nanquantile(values, np.linspace(0, 1, bins + 1)[1:-1]).tolist())) \
        if not np.isnan(values).all() else []
    counts = np.bincount(_numeric_bins(values, edges), minlength=len(edges) + 2)
    return {"kind": "numeric", "edges": edges, "shares": (counts / len(values)).tolist()}


def profile(matrix: pd.DataFrame, score: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Bin edges and shares of every column of `matrix` and of `score` (training rows)."""
    out = {name: _entry(matrix[name], bins) for name in matrix.columns}
    out[SCORE] = _entry(pd.Series(np.asarray(score, dtype=float)), bins)
    return out


def _index(expected: np.ndarray, actual: np.ndarray) -> float:
    e, a = np.maximum(expected, _FLOOR), np.maximum(actual, _FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def psi(reference: dict[str, Any], matrix: pd.DataFrame, score: np.ndarray) -> dict[str, float]:
    """PSI of each profiled column present in `matrix`, and of the score.

    >>> ref = profile(pd.DataFrame({"x": np.arange(100.0)}), np.linspace(0, 1, 100))
    >>> psi(ref, pd.DataFrame({"x": np.arange(100.0)}), np.linspace(0, 1, 100))["x"]
    0.0
    """
    current = {**{name: matrix[name] for name in matrix.columns},
               SCORE: pd.Series(np.asarray(score, dtype=float))}
    out = {}
    for name, entry in reference.items():
        if name not in current or len(current[name]) == 0:
            continue
        series = current[name]
        if entry["kind"] == "categorical":
            labels = series.astype(object).where(series.notna(), _MISSING).astype(str)
            keys = sorted(set(entry["shares"]) | set(labels.unique()))
            expected = np.array([entry["shares"].get(k, 0.0) for k in keys])
            actual = labels.value_counts(normalize=True).reindex(keys, fill_value=0).to_numpy()
        else:
            expected = np.asarray(entry["shares"])
            counts = np.bincount(_numeric_bins(series.to_numpy(dtype=float), entry["edges"]),
                                 minlength=len(expected))
            actual = counts / len(series)
        out[name] = round(_index(expected, actual), 4)
    return out


def drifted(indices: dict[str, float], threshold: float = THRESHOLD) -> list[str]:
    """Names whose PSI is above `threshold`, the largest first."""
    return sorted((n for n, v in indices.items() if v > threshold), key=lambda n: -indices[n])
