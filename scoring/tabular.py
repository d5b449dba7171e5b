"""Any CRM export as model input: the outcome column, automatic column types, leak warnings.

Pure: a DataFrame of text columns in (as CSV reading hands it over), typed columns out. Numbers
are parsed by a function the caller passes, so decimal commas and thousands separators are the
CSV reader's business, not this module's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

WON = frozenset({"1", "1.0", "yes", "true", "won", "win"})
LOST = frozenset({"0", "0.0", "no", "false", "lost", "loss"})
NUMERIC_SHARE = 0.95  # a column is numeric when this share of its filled cells are numbers
MAX_LEVELS = 50  # a text column with more distinct values is high-cardinality
MIN_LEVEL_ROWS = 10  # a high-cardinality value is kept when it appears at least this often
OTHER, EMPTY = "(other)", "(empty)"
LEAK_AUC = 0.95  # a single column that ranks outcomes this well is probably filled in later

NumberParser = Callable[[pd.Series], pd.Series]


def plain_numbers(text: pd.Series) -> pd.Series:
    """Numbers written with a dot for decimals; anything else becomes NaN."""
    return pd.to_numeric(text, errors="coerce")


@dataclass(frozen=True)
class ColumnPlan:
    """What to do with one column: `numeric`, `categorical` (every value a level), `text`
    (high-cardinality: its frequent values are levels, the rest `(other)`) or `dropped`."""

    name: str
    kind: str
    levels: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "levels": list(self.levels),
                "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnPlan:
        return cls(data["name"], data["kind"], tuple(data.get("levels", ())), data.get("note", ""))


def parse_target(text: pd.Series) -> pd.Series:
    """1.0 for won, 0.0 for lost, NaN for an open lead (empty cell).

    Accepts 1/0, yes/no, true/false and won/lost in any case.

    >>> parse_target(pd.Series(["Yes", "no", "", "WON", "0"])).tolist()
    [1.0, 0.0, nan, 1.0, 0.0]

    Raises:
        ValueError: naming the values that are none of those.
    """
    clean = text.astype("string").str.strip().str.lower()
    clean = clean.mask(clean == "")
    unknown = clean.dropna()[~clean.dropna().isin(WON | LOST)]
    if len(unknown):
        examples = ", ".join(repr(v) for v in unknown.value_counts().index[:3])
        raise ValueError(f"holds values that are not 1/0, yes/no, true/false or won/lost: "
                         f"{examples} ({len(unknown)} rows)")
    return clean.map(lambda v: 1.0 if v in WON else 0.0, na_action="ignore").astype("float64")


def _blank(text: pd.Series) -> pd.Series:
    clean = text.astype("string").str.strip()
    return clean.mask(clean == "")


def plan_columns(frame: pd.DataFrame, parse_numbers: NumberParser = plain_numbers,
                 skip: Iterable[str] = ()) -> list[ColumnPlan]:
    """Decide the type of every column of `frame` (closed leads' rows) except those in `skip`."""
    plans = []
    for name in frame.columns:
        if name in set(skip):
            continue
        text = _blank(frame[name])
        filled = text.dropna()
        distinct = filled.nunique()
        if distinct <= 1:
            plans.append(ColumnPlan(name, "dropped", note="empty or a single value"))
            continue
        numbers = parse_numbers(filled.astype(str))
        if numbers.notna().mean() >= NUMERIC_SHARE:
            plans.append(ColumnPlan(name, "numeric"))
        elif distinct <= MAX_LEVELS:
            plans.append(ColumnPlan(name, "categorical", tuple(sorted(filled.unique()))))
        else:
            counts = filled.value_counts()
            kept = counts[counts >= MIN_LEVEL_ROWS].index[:MAX_LEVELS]
            if len(kept) == 0:
                plans.append(ColumnPlan(name, "dropped",
                                        note="free text or an identifier: no value repeats"))
            else:
                plans.append(ColumnPlan(name, "text", tuple(sorted(kept)),
                                        note=f"{distinct} values: the {len(kept)} most "
                                             f"frequent kept, the rest as {OTHER}"))
    return plans


def to_matrix(frame: pd.DataFrame, plans: list[ColumnPlan],
              parse_numbers: NumberParser = plain_numbers) -> pd.DataFrame:
    """The model's input: float64 numerics (NaN when empty) and `category` columns whose levels
    are fixed by the plan, so that training and scoring see the same categories."""
    matrix = pd.DataFrame(index=frame.index)
    for plan in plans:
        if plan.kind == "dropped":
            continue
        text = _blank(frame[plan.name]) if plan.name in frame else pd.Series(
            pd.NA, index=frame.index, dtype="string")
        if plan.kind == "numeric":
            parsed = parse_numbers(text.fillna("").astype(str)).where(text.notna())
            matrix[plan.name] = pd.to_numeric(parsed, errors="coerce").astype("float64")
            continue
        levels = (*plan.levels, EMPTY) + ((OTHER,) if plan.kind == "text" else ())
        known = text.where(text.isin(plan.levels), OTHER if plan.kind == "text" else None)
        values = known.where(text.notna(), EMPTY).astype(object)
        matrix[plan.name] = pd.Categorical(values, categories=levels)
    return matrix


def single_column_auc(matrix: pd.DataFrame, won: np.ndarray, seed: int = 42) -> dict[str, float]:
    """How well each column alone ranks wins above losses (0.5: not at all, 1: perfectly).

    Numerics are ranked by value (missing at either end, whichever ranks better); categories by
    their win rate in the other folds (5-fold), so an identifier cannot look perfect.
    """
    y = np.asarray(won, dtype=float)
    splits = int(min(5, y.sum(), len(y) - y.sum()))
    if splits < 2:
        return {}
    folds = list(StratifiedKFold(splits, shuffle=True, random_state=seed).split(y, y))
    result = {}
    for name in matrix.columns:
        column = matrix[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()
            score = np.empty(len(y))
            for fit_rows, test_rows in folds:
                rates = pd.Series(y[fit_rows]).groupby(codes[fit_rows]).mean()
                score[test_rows] = pd.Series(codes[test_rows]).map(rates).fillna(y[fit_rows].mean())
            candidates = [score]
        else:
            values = column.to_numpy(dtype=float)
            low, high = np.nanmin(values) - 1, np.nanmax(values) + 1
            candidates = [np.where(np.isnan(values), low, values),
                          np.where(np.isnan(values), high, values)]
        aucs = [roc_auc_score(y, c) for c in candidates]
        result[name] = round(max(max(a, 1 - a) for a in aucs), 4)
    return result


def leak_suspects(matrix: pd.DataFrame, won: np.ndarray, seed: int = 42) -> dict[str, float]:
    """The columns that alone predict the outcome almost perfectly (AUC >= LEAK_AUC)."""
    return {name: auc for name, auc in single_column_auc(matrix, won, seed).items()
            if auc >= LEAK_AUC}


def _value_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def phrase_reasons(contributions: np.ndarray, matrix: pd.DataFrame, n_positive: int = 3,
                   n_negative: int = 2, minimum: float = 0.01) -> list[str]:
    """Reasons for a model trained on a file's own columns: "▲ job: student" per strong column.

    Args:
        contributions: (n, columns + 1) log-odds per column, the bias last.
        matrix: the values the model saw, one column per contribution.
    """
    scores = np.asarray(contributions, dtype=float)[:, :-1]
    names = list(matrix.columns)
    values = matrix.to_numpy(dtype=object)
    out = []
    for i in range(len(matrix)):
        order = np.argsort(-scores[i], kind="stable")
        up = [j for j in order[:n_positive] if scores[i, j] >= minimum]
        down = [j for j in order[::-1][:n_negative] if scores[i, j] <= -minimum]
        out.append("\n".join([f"▲ {names[j]}: {_value_text(values[i, j])}" for j in up]
                             + [f"▼ {names[j]}: {_value_text(values[i, j])}" for j in down]))
    return out
