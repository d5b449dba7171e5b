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
            out[name] = _categorical(entry, labels.value_counts().to_dict(), len(series))
        else:
            bins = _numeric_bins(series.to_numpy(dtype=float), entry["edges"])
            out[name] = _numeric(entry, np.bincount(bins, minlength=len(entry["shares"])),
                                 len(series))
    return out


def psi_of_counts(reference: dict[str, Any], counts: pd.DataFrame) -> dict[str, float]:
    """The same indices as `psi`, from today's leads counted per bin (numeric entries) or per
    label (categorical ones) where they are stored: `counts` has columns name, label, bin and
    leads (flows/models/sql/drift_counts.sql). A profiled name with no count is left out.

    >>> ref = profile(pd.DataFrame({"x": np.arange(100.0)}), np.linspace(0, 1, 100))
    >>> today = pd.DataFrame({"name": ["x"] * 10, "label": [None] * 10,
    ...                       "bin": range(10), "leads": [10] * 10})
    >>> psi_of_counts(ref, today)
    {'x': 0.0}
    """
    out = {}
    for name, entry in reference.items():
        rows = counts[counts["name"] == name]
        total = int(rows["leads"].sum())
        if total == 0:
            continue
        if entry["kind"] == "categorical":
            out[name] = _categorical(entry, dict(zip(rows["label"], rows["leads"], strict=True)),
                                     total)
        else:
            found = np.zeros(len(entry["shares"]), dtype=np.int64)
            np.add.at(found, rows["bin"].to_numpy(dtype=np.int64), rows["leads"].to_numpy())
            out[name] = _numeric(entry, found, total)
    return out


def _categorical(entry: dict[str, Any], counts: dict[str, int], total: int) -> float:
    keys = sorted(set(entry["shares"]) | set(counts))
    expected = np.array([entry["shares"].get(k, 0.0) for k in keys])
    actual = np.array([counts.get(k, 0) for k in keys]) / total
    return round(_index(expected, actual), 4)


def _numeric(entry: dict[str, Any], counts: np.ndarray, total: int) -> float:
    return round(_index(np.asarray(entry["shares"]), counts / total), 4)


def drifted(indices: dict[str, float], threshold: float = THRESHOLD) -> list[str]:
    """Names whose PSI is above `threshold`, the largest first."""
    return sorted((n for n, v in indices.items() if v > threshold), key=lambda n: -indices[n])
