"""Score movement: how much a lead's score moved since its last run, and the main cause.

Pure. The cause is the feature whose contribution moved most in the direction of the change:
model log-odds for a model score, rule points for the rules score. Example: "▲ +12: Pricing
page views in 7 days 0 → 2".
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

STEADY = "±0"
NEW = "new"


def _shown(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        return value
    number = float(value)
    return str(int(round(number))) if abs(number - round(number)) < 0.05 else f"{number:.1f}"


def describe(today: pd.DataFrame, before: pd.DataFrame,
             labels: Mapping[str, Mapping[str, str]], languages: pd.Series,
             values: pd.DataFrame | None = None,
             contributions: pd.DataFrame | None = None,
             before_values: pd.DataFrame | None = None) -> pd.Series:
    """One short text per lead of `today`: "▲ +12: <feature> <before> → <now>", "±0" or "new".

    Args:
        today, before: indexed by lead_id, with `win_probability` (0-1), `scored_by`,
            `contributions` (feature -> log-odds or points) and `values` (feature -> value),
            each a dict or its JSON text (parsed only for the leads whose score moved).
        labels: language -> feature -> label a rep reads.
        languages: "en" or "fr" per lead of `today` (same index).
        values, contributions: today's values and contributions as columns (same index as
            `today`; 0 for a contribution the lead has not), read in place of
            `today["values"]` and `today["contributions"]` when given.
        before_values: the earlier values as columns (indexed by lead_id like `before`), read
            in place of `before["values"]` when given: only the moved leads' cells are read.
    """
    out = pd.Series(NEW, index=today.index, dtype=object)
    common = today.index.intersection(before.index)
    if not len(common):
        return out
    now, then = today.loc[common], before.loc[common]
    diff = (now["win_probability"].to_numpy(dtype=float)
            - then["win_probability"].to_numpy(dtype=float)) * 100
    for bad in diff[~np.isfinite(diff)][:1]:
        int(round(float(bad)))  # raises as a lead with no probability always did
    change = np.rint(diff).astype(np.int64)
    heads = {c: f"{'▲' if c > 0 else '▼'} {c:+d}" for c in np.unique(change).tolist()}
    # an arrow first: a cell that starts with + or - would be quoted as a possible formula
    texts = np.array([STEADY if c == 0 else heads[c] for c in change.tolist()], dtype=object)
    now_by, then_by = _objects(now["scored_by"]), _objects(then["scored_by"])
    switched = (change != 0) & (now_by != then_by)
    texts[switched] = [f"{head}: now {a} (was {b})" for head, a, b in zip(
        texts[switched], now_by[switched], then_by[switched], strict=True)]
    rows = np.flatnonzero((change != 0) & ~switched)
    causes = _causes(_dicts(now["contributions"], rows) if contributions is None
                     else contributions.loc[common].iloc[rows],
                     _dicts(then["contributions"], rows), np.where(change[rows] > 0, 1, -1))
    langs = languages.reindex(common).to_numpy(dtype=object)
    old_values = (None if before_values is None
                  else before_values.reindex(common))  # a lead's values, or NaN
    before_dicts = _objects(then["values"]) if old_values is None else None
    today_values = _objects(now["values"]) if values is None else values.loc[common]
    causes = np.asarray(causes, dtype=object)
    for feature in {cause for cause in causes if cause is not None}:
        mine = rows[causes == feature]
        shown_now = (today_values[feature].to_numpy(dtype=object)[mine] if values is not None
                     else [_parsed(v).get(feature) for v in today_values[mine]])
        shown_then = ([_parsed(v).get(feature) for v in before_dicts[mine]]
                      if old_values is None else
                      old_values[feature].to_numpy(dtype=object)[mine]
                      if feature in old_values else [None] * len(mine))
        for i, new, then_value in zip(mine.tolist(), shown_now, shown_then, strict=True):
            label = labels.get(langs[i], labels["en"]).get(feature, feature)
            old, new = _shown(then_value), _shown(new)
            texts[i] = (f"{texts[i]}: {label} {old} → {new}" if old != new
                        else f"{texts[i]}: {label}")
    out[common] = texts
    return out


def _causes(today: list[Mapping] | pd.DataFrame, before: list[Mapping],
            signs: np.ndarray) -> list[str | None]:
    """Per lead, the feature whose contribution moved most in the direction `signs` (else the
    one that moved most), or None when nothing moved: one matrix over every feature named (a
    feature a lead lacks moves by 0, so it never changes that lead's pick)."""
    named = today.columns if isinstance(today, pd.DataFrame) else (
        name for found in today for name in found)
    names = sorted({*named, *(name for found in before for name in found)})
    if not names:
        return [None] * len(today)
    now = (today.reindex(columns=names, fill_value=0.0).to_numpy(dtype=float)
           if isinstance(today, pd.DataFrame) else _dense(today, names))
    moves = now - _dense(before, names)
    aligned = np.where(np.sign(moves) == signs[:, None], np.abs(moves), -1.0)
    pick = np.where(aligned.max(axis=1) > 0, np.argmax(aligned, axis=1),
                    np.argmax(np.abs(moves), axis=1))
    moved = np.any(np.abs(moves) > 1e-9, axis=1)
    return [names[j] if m else None for j, m in zip(pick.tolist(), moved.tolist(), strict=True)]


def _dense(found: list[Mapping], names: list[str]) -> np.ndarray:
    """The contributions as a matrix over `names`, 0.0 where a lead has none."""
    matrix = np.zeros((len(found), len(names)))
    lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    rows = np.repeat(np.arange(len(found)), lengths)
    columns = pd.Index(names).get_indexer([name for each in found for name in each])
    matrix[rows, columns] = [float(value) for each in found for value in each.values()]
    return matrix


def _dicts(column: pd.Series, rows: np.ndarray) -> list[Mapping]:
    return [_parsed(found) for found in column.iloc[rows]]


def _parsed(found: object) -> Mapping:
    """A dict as it is, its JSON text parsed; {} for anything else (None, NaN, "null")."""
    if isinstance(found, str):
        found = json.loads(found)
    return found if isinstance(found, Mapping) and found else {}


def _objects(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=object)
