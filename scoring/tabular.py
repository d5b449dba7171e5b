"""Any CRM export as model input: the outcome column, automatic column types, leak warnings.

Pure: a DataFrame of text columns in (as CSV reading hands it over), typed columns out. Numbers
are parsed by a function the caller passes, so decimal commas and thousands separators are the
CSV reader's business, not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

WON = frozenset({"1", "1.0", "yes", "true", "won", "win"})
LOST = frozenset({"0", "0.0", "no", "false", "lost", "loss"})
NUMERIC_SHARE = 0.95  # a column is numeric (or dates) when this share of its filled cells are
MAX_LEVELS = 50  # a text column with more distinct values is high-cardinality
MAX_TEXT_LEVELS = 250  # levels kept of a high-cardinality column (LightGBM smooths them)
MIN_LEVEL_ROWS = 10  # a high-cardinality value is kept when it appears at least this often
UNIQUE_SHARE = 0.9  # a column with this many distinct values per filled row is an id or prose
MAX_DATE_PAIRS = 10  # elapsed days between at most this many pairs of date columns
OTHER, EMPTY = "(other)", "(empty)"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LEAK_AUC = 0.95  # a single column that ranks outcomes this well is probably filled in later
# "Lead ID", "lead_id", "OpportunityId", "Order No", "uuid"; not "paid" nor "valid"
_ID_NAME = re.compile(r"(?:^|[^A-Za-z])(?i:id|uuid|guid|key|ref|number|no)$|[a-z](?:Id|ID)$")

NumberParser = Callable[[pd.Series], pd.Series]
DateParser = Callable[[pd.Series], pd.Series]


def plain_numbers(text: pd.Series) -> pd.Series:
    """Numbers written with a dot for decimals; anything else becomes NaN."""
    return pd.to_numeric(text, errors="coerce")


def plain_dates(text: pd.Series) -> pd.Series:
    """ISO dates (with or without a time); anything else becomes NaT."""
    return pd.to_datetime(text, format="ISO8601", errors="coerce")


@dataclass(frozen=True)
class ColumnPlan:
    """What to do with one column of the file, or one feature derived from columns.

    Kinds: `numeric`, `categorical` (every value a level), `text` (high-cardinality: its
    frequent values are levels, the rest `(other)`), `date` (its month and weekday), `elapsed`
    (days from `sources[0]` to `sources[1]`), `length` (free text: its length in characters)
    or `dropped` (set aside, `note` says why).
    """

    name: str
    kind: str
    levels: tuple[str, ...] = ()
    note: str = ""
    sources: tuple[str, ...] = ()

    @property
    def features(self) -> tuple[str, ...]:
        """The model's input columns this plan gives."""
        if self.kind == "dropped":
            return ()
        if self.kind == "date":
            return (f"{self.name} (month)", f"{self.name} (weekday)")
        return (self.name,)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "levels": list(self.levels),
                "note": self.note, "sources": list(self.sources)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnPlan:
        return cls(data["name"], data["kind"], tuple(data.get("levels", ())), data.get("note", ""),
                   tuple(data.get("sources", ())))


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


def _identifier(name: str, numbers: pd.Series, distinct: int) -> bool:
    """Whole numbers, (nearly) one per row, named like an id or counting up like a row number."""
    values = numbers.to_numpy(dtype=float)
    if distinct < UNIQUE_SHARE * len(values) or not np.all(values == np.round(values)):
        return False
    dense = values.max() - values.min() + 1 <= 2 * len(values)
    return bool(_ID_NAME.search(name.strip())) or dense


def _prose(filled: pd.Series) -> bool:
    """Free text: long values, most of them several words."""
    return bool(filled.str.len().median() >= 20 and filled.str.contains(" ").mean() >= 0.5)


def _parses(filled: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> bool:
    """Whether NUMERIC_SHARE of the values parse: tried on a sample first (parsing is slow)."""
    sample = filled.iloc[:200].astype(str)
    if parse(sample).notna().mean() < NUMERIC_SHARE:
        return False
    return bool(parse(filled.astype(str)).notna().mean() >= NUMERIC_SHARE)


def _plan_one(name: str, text: pd.Series, parse_numbers: NumberParser,
              parse_dates: DateParser) -> ColumnPlan:
    filled = text.dropna()
    distinct = filled.nunique()
    if distinct <= 1:
        return ColumnPlan(name, "dropped", note="empty or a single value")
    numbers = parse_numbers(filled.astype(str))
    if numbers.notna().mean() >= NUMERIC_SHARE:
        if _identifier(name, numbers.dropna(), distinct):
            return ColumnPlan(name, "dropped", note=f"an identifier: {distinct} distinct whole "
                                                    f"numbers in {len(filled)} rows")
        return ColumnPlan(name, "numeric")
    if _parses(filled, parse_dates):
        return ColumnPlan(name, "date", note="dates: month and weekday")
    if distinct <= MAX_LEVELS:
        return ColumnPlan(name, "categorical", tuple(sorted(filled.unique())))
    if distinct >= UNIQUE_SHARE * len(filled):
        if _prose(filled):
            return ColumnPlan(f"{name} (length)", "length", sources=(name,),
                              note="free text: its length in characters kept, the words set aside")
        return ColumnPlan(name, "dropped", note=f"an identifier: {distinct} distinct values in "
                                                f"{len(filled)} rows")
    counts = filled.value_counts()
    kept = counts[counts >= MIN_LEVEL_ROWS].index[:MAX_TEXT_LEVELS]
    if len(kept) == 0:
        return ColumnPlan(name, "dropped", note="free text or an identifier: no value repeats")
    return ColumnPlan(name, "text", tuple(sorted(kept)),
                      note=f"{distinct} values: the {len(kept)} most frequent kept, the rest as "
                           f"{OTHER}")


def _elapsed(dates: dict[str, pd.Series], moment: str | None) -> list[ColumnPlan]:
    """Days between pairs of date columns, the earlier (by median) first; with a scoring
    `moment`, every other date's age at it comes first."""
    names = sorted(dates, key=lambda n: (n != moment, list(dates).index(n)))
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]][:MAX_DATE_PAIRS]
    plans = []
    for a, b in pairs:
        if dates[a].median() > dates[b].median():
            a, b = b, a
        note = {b: f"age of {a} at the row's scoring moment ({b})",
                a: f"days from the row's scoring moment ({a}) to {b}"}.get(
            moment, f"days from {a} to {b}")
        plans.append(ColumnPlan(f"days from {a} to {b}", "elapsed", sources=(a, b), note=note))
    return plans


def plan_columns(frame: pd.DataFrame, parse_numbers: NumberParser = plain_numbers,
                 skip: Iterable[str] = (), parse_dates: DateParser = plain_dates,
                 moment: str | None = None) -> list[ColumnPlan]:
    """Decide the type of every column of `frame` (closed leads' rows) except those in `skip`.

    Args:
        moment: the column that dates each row's scoring moment (typed as dates whatever its
            share of readable cells), or None.
    """
    plans = []
    for name in frame.columns:
        if name in set(skip):
            continue
        plan = _plan_one(name, _blank(frame[name]), parse_numbers, parse_dates)
        if name == moment:
            plan = ColumnPlan(name, "date", note="the scoring moment: month and weekday")
        plans.append(plan)
    dates = {p.name: parse_dates(_blank(frame[p.name]).fillna("").astype(str))
             for p in plans if p.kind == "date"}
    return plans + _elapsed(dates, moment)


def _categories(values: pd.Series, levels: tuple[str, ...], empty: pd.Series | None = None,
                extra: tuple[str, ...] = ()) -> pd.Categorical:
    """`values` as fixed categories: `levels`, EMPTY where `empty` (default: where missing),
    then `extra`; any other value is missing."""
    empty = values.isna() if empty is None else empty
    return pd.Categorical(values.where(~empty, EMPTY).astype(object),
                          categories=(*levels, EMPTY, *extra))


def to_matrix(frame: pd.DataFrame, plans: list[ColumnPlan],
              parse_numbers: NumberParser = plain_numbers,
              parse_dates: DateParser = plain_dates) -> pd.DataFrame:
    """The model's input: float64 numerics (NaN when empty) and `category` columns whose levels
    are fixed by the plan, so that training and scoring see the same categories."""
    matrix = pd.DataFrame(index=frame.index)
    parsed: dict[str, pd.Series] = {}

    def text_of(name: str) -> pd.Series:
        return _blank(frame[name]) if name in frame else pd.Series(
            pd.NA, index=frame.index, dtype="string")

    def dates_of(name: str) -> pd.Series:
        if name not in parsed:
            parsed[name] = pd.Series(parse_dates(text_of(name).fillna("").astype(str)).to_numpy(),
                                     index=frame.index)
        return parsed[name]

    for plan in plans:
        if plan.kind == "numeric":
            text = text_of(plan.name)
            numbers = parse_numbers(text.fillna("").astype(str)).where(text.notna())
            matrix[plan.name] = pd.to_numeric(numbers, errors="coerce").astype("float64")
        elif plan.kind in ("categorical", "text"):
            text = text_of(plan.name)
            known = text.where(text.isin(plan.levels), OTHER if plan.kind == "text" else None)
            matrix[plan.name] = _categories(known, plan.levels, text.isna(),
                                            (OTHER,) if plan.kind == "text" else ())
        elif plan.kind == "date":
            when = dates_of(plan.name)
            month, weekday = plan.features
            matrix[month] = _categories(when.dt.month.map(lambda m: MONTHS[int(m) - 1],
                                                          na_action="ignore"), MONTHS)
            matrix[weekday] = _categories(when.dt.day_of_week.map(lambda d: WEEKDAYS[int(d)],
                                                              na_action="ignore"), WEEKDAYS)
        elif plan.kind == "elapsed":
            start, end = (dates_of(name) for name in plan.sources)
            matrix[plan.name] = ((end - start).dt.total_seconds() / 86400).astype("float64")
        elif plan.kind == "length":
            matrix[plan.name] = text_of(plan.sources[0]).str.len().astype("float64")
    return matrix


def column_report(plans: list[ColumnPlan], skipped: dict[str, str] | None = None
                  ) -> dict[str, list[dict[str, Any]]]:
    """Which columns the model uses as they are, which features were derived (from what, how),
    and which columns were set aside and why (`skipped`: the target, the excluded ones)."""
    used = [{"name": p.name, "kind": p.kind} for p in plans
            if p.kind in ("numeric", "categorical", "text")]
    derived = [{"name": feature, "from": list(p.sources or (p.name,)), "how": p.note}
               for p in plans if p.kind in ("date", "elapsed", "length") for feature in p.features]
    aside = [{"name": name, "why": why} for name, why in (skipped or {}).items()]
    aside += [{"name": p.name, "why": p.note} for p in plans if p.kind == "dropped"]
    return {"used": used, "derived": derived, "set_aside": aside}


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
