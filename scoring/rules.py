"""The cold-start score: transparent fit-and-engagement points from data/rules.yaml.

Used until there are enough outcomes to train a model. Pure: the rules arrive parsed; every
reason a rep reads is the `because` of a rule that matched, never a model contribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from features.columns import FEATURE_NAMES, NUMERIC
from scoring.editable import Editable

CONDITIONS: tuple[str, ...] = ("at_least", "at_most", "among")


@dataclass(frozen=True)
class Rule:
    when: str
    condition: str
    value: Any
    points: int
    because: str

    def matches(self, frame: pd.DataFrame) -> np.ndarray:
        column = frame[self.when]
        if self.condition == "among":
            return column.astype(object).astype(str).isin(self.value).to_numpy()
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            hit = numbers >= self.value if self.condition == "at_least" else numbers <= self.value
        return np.where(np.isnan(numbers), False, hit)


@dataclass(frozen=True)
class RuleBook:
    start: int
    rules: tuple[Rule, ...]

    @classmethod
    def from_file(cls, editable: Editable) -> RuleBook:
        """Validate `start` and `rules` from the edited YAML; errors name the line and field."""
        data = editable.data if isinstance(editable.data, dict) else {}
        start = data.get("start")
        if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= 100:
            raise editable.error("start", f"must be a whole number from 0 to 100, got {start!r}")
        items = data.get("rules")
        if not isinstance(items, list) or not items:
            raise editable.error("rules", "must list at least one rule")
        return cls(start, tuple(_rule(editable, f"rules[{i}]", item)
                                for i, item in enumerate(items)))


def _rule(editable: Editable, where: str, item: Any) -> Rule:
    if not isinstance(item, dict):
        raise editable.error(where, "must be a rule with when, a condition, points and because")
    unknown = sorted(set(item) - {"when", "points", "because", *CONDITIONS})
    if unknown:
        raise editable.error(f"{where}.{unknown[0]}", "is not a rule setting (use when, "
                             "at_least, at_most, among, points, because)")
    when = item.get("when")
    if when not in FEATURE_NAMES:
        raise editable.error(f"{where}.when", f"must name a lead feature from "
                             f"features/columns.py, got {when!r}")
    given = [c for c in CONDITIONS if c in item]
    if len(given) != 1:
        raise editable.error(where, "needs exactly one condition: at_least, at_most or among")
    condition, value = given[0], item[given[0]]
    if condition == "among":
        if not isinstance(value, list) or not value:
            raise editable.error(f"{where}.among", "must list one or more values")
        value = tuple(str(v) for v in value)
    else:
        if when not in NUMERIC:
            raise editable.error(f"{where}.{condition}", f"{when} is not a number: use among")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise editable.error(f"{where}.{condition}", f"must be a number, got {value!r}")
    points = item.get("points")
    if isinstance(points, bool) or not isinstance(points, int) or not -100 <= points <= 100:
        raise editable.error(f"{where}.points", f"must be a whole number from -100 to 100, "
                             f"got {points!r}")
    because = item.get("because")
    if not isinstance(because, str) or not because.strip():
        raise editable.error(f"{where}.because", "must say why, in words a rep reads")
    return Rule(when, condition, value, points, because.strip())


def score_by_rules(frame: pd.DataFrame, book: RuleBook, n_positive: int = 3,
                   n_negative: int = 2) -> pd.DataFrame:
    """Score each lead by the rules.

    Returns:
        One row per lead (index of `frame`): `win_probability` (points / 100, kept within
        0-1), `reasons_positive` / `reasons_negative` (the `because` of matched rules, most
        points first) and `contributions` (points / 100 per feature that matched a rule).
    """
    hits = np.column_stack([rule.matches(frame) for rule in book.rules]) if len(frame) else \
        np.zeros((0, len(book.rules)), dtype=bool)
    points = np.array([rule.points for rule in book.rules], dtype=float)
    total = np.clip(book.start + hits @ points, 0, 100)
    order = np.argsort(-points, kind="stable")
    positive, negative, contributions = [], [], []
    for row in hits:
        matched = [i for i in order if row[i]]
        positive.append([book.rules[i].because for i in matched if points[i] > 0][:n_positive])
        negative.append([book.rules[i].because for i in reversed(matched)
                         if points[i] < 0][:n_negative])
        by_feature: dict[str, float] = {}
        for i in matched:
            by_feature[book.rules[i].when] = by_feature.get(book.rules[i].when, 0.0) + \
                points[i] / 100
        contributions.append(by_feature)
    return pd.DataFrame({"win_probability": total / 100, "reasons_positive": positive,
                         "reasons_negative": negative, "contributions": contributions},
                        index=frame.index)
