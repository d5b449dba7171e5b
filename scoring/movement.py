"""Score movement: how much a lead's score moved since its last run, and the main cause.

Pure. The cause is the feature whose contribution moved most in the direction of the change:
model log-odds for a model score, rule points for the rules score. Example: "▲ +12: Pricing
page views in 7 days 0 → 2".
"""

from __future__ import annotations

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


def _cause(today: Mapping, before: Mapping, sign: int) -> str | None:
    names = sorted(set(today) | set(before))
    moves = np.array([float(today.get(n, 0.0)) - float(before.get(n, 0.0)) for n in names])
    if not len(names) or not np.any(np.abs(moves) > 1e-9):
        return None
    aligned = np.where(np.sign(moves) == sign, np.abs(moves), -1.0)
    pick = int(np.argmax(aligned)) if aligned.max() > 0 else int(np.argmax(np.abs(moves)))
    return names[pick]


def describe(today: pd.DataFrame, before: pd.DataFrame,
             labels: Mapping[str, Mapping[str, str]], languages: pd.Series) -> pd.Series:
    """One short text per lead of `today`: "▲ +12: <feature> <before> → <now>", "±0" or "new".

    Args:
        today, before: indexed by lead_id, with `win_probability` (0-1), `scored_by`,
            `contributions` (feature -> log-odds or points) and `values` (feature -> value).
        labels: language -> feature -> label a rep reads.
        languages: "en" or "fr" per lead of `today` (same index).
    """
    out = pd.Series(NEW, index=today.index, dtype=object)
    for lead in today.index.intersection(before.index):
        now, then = today.loc[lead], before.loc[lead]
        change = int(round((now["win_probability"] - then["win_probability"]) * 100))
        if change == 0:
            out[lead] = STEADY
            continue
        head = f"{'▲' if change > 0 else '▼'} {change:+d}"  # an arrow first: a cell that
        # starts with + or - would be quoted as a possible formula on the sheet
        if now["scored_by"] != then["scored_by"]:
            out[lead] = f"{head}: now {now['scored_by']} (was {then['scored_by']})"
            continue
        feature = _cause(now["contributions"] or {}, then["contributions"] or {},
                         1 if change > 0 else -1)
        if feature is None:
            out[lead] = head
            continue
        label = labels.get(languages.get(lead, "en"), labels["en"]).get(feature, feature)
        old, new = _shown((then["values"] or {}).get(feature)), _shown(
            (now["values"] or {}).get(feature))
        out[lead] = f"{head}: {label} {old} → {new}" if old != new else f"{head}: {label}"
    return out
