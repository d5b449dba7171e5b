"""Talking points: concrete facts about a lead, what to say about them, and where each came from.

Each playbook entry (scoring.playbook) is worked out over every lead at once: its condition
once per distinct combination of the fields it reads, its text rendered once per language and
distinct combination of the fields it prints. Pure: the playbook arrives as parsed data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import pandas as pd
from jinja2 import Template

from scoring.distinct import DAY, Columns, _objects, per_group, text_lists
from scoring.playbook import (
    DATE_FORMAT,
    LEAD_COLUMNS,
    SKIP,
    Point,
    check_playbook,
    compile_points,
)
from scoring.reasons import LANGUAGES, validate_languages

__all__ = ["LEAD_COLUMNS", "MAX_POINTS", "check_playbook", "pick_points", "suggest"]

MAX_POINTS = 5


def suggest(
    leads: pd.DataFrame,
    playbook: dict,
    languages: pd.Series,
    minimum: int = 3,
    maximum: int = MAX_POINTS,
) -> pd.Series:
    """Each lead's talking points as text: `pick_points` without the playbook ids."""
    return pick_points(leads, playbook, languages, minimum, maximum)["points"].rename(
        "talking_points")


def pick_points(
    leads: pd.DataFrame,
    playbook: dict,
    languages: pd.Series,
    minimum: int = 3,
    maximum: int = MAX_POINTS,
    known: Known | None = None,
) -> pd.DataFrame:
    """Pick and render each lead's talking points, highest priority first.

    Every line reads ``<sentence> (source: <source>[, <YYYY-MM-DD>])``. A condition that meets a
    missing value is false, and a text that would print one is skipped, so nothing reads "None".

    Args:
        leads: one row per lead with (nullable) LEAD_COLUMNS; extra columns are ignored unless
            the playbook uses them.
        playbook: parsed ``data/playbook.yaml``.
        languages: "en" or "fr" per lead, same index as `leads`.
        minimum: fewest points a lead may get; the playbook's fallbacks guarantee it.
        maximum: most points kept per lead.
        known: ``Known`` of `playbook`, kept by a caller that picks a day's points in parts.

    Returns:
        Index of `leads`; `points`: a list[str] per lead; `point_ids`: the playbook entry id of
        each of those points, in the same order (what a rep's "talking point 2" refers to).
        Both are Arrow list columns (an element reads as a Python list).

    Raises:
        ValueError: if the playbook fails `check_playbook`, or a lead gets fewer than `minimum`
            points (the message names the lead id).
    """
    _check(leads, playbook, minimum, maximum)
    langs = validate_languages(languages, leads.index)
    in_language = {lang: langs == lang for lang in LANGUAGES}  # compared once, not per entry
    columns = Columns(leads, _python_values, LEAD_COLUMNS)
    picked = _Picked(len(leads), maximum)
    known = known if known is not None else Known(playbook)
    for number, point in enumerate(known.compiled(playbook)):  # each entry over every lead
        rows = picked.open_rows()  # still short of points
        if not len(rows):
            break
        holds, group = per_group(partial(known.of, partial(_holds, point.when), key=number),
                                 point.when_names, columns, rows, point.when_by)
        rows = rows[np.asarray(holds, dtype=bool)[group]]  # bools per group, not per row
        picked.add(point.id, rows, _lines(point, columns, rows, in_language, picked,
                                          partial(known.of, key=number)))
    short = np.flatnonzero(picked.count < minimum)
    if len(short):
        ids = leads["lead_id"] if "lead_id" in leads.columns else leads.index.to_series()
        raise ValueError(
            f"lead {ids.iloc[short[:1]].tolist()[0]!r} gets {picked.count[short[0]]} talking "
            f"point(s), fewer than {minimum}: the playbook needs always-true fallbacks (source, "
            "title, company)"
        )
    return pd.DataFrame({"points": picked.column(picked.codes, picked.texts, leads.index),
                         "point_ids": picked.column(picked.points, picked.point_ids,
                                                    leads.index)})


def _check(leads: pd.DataFrame, playbook: dict, minimum: int, maximum: int) -> None:
    if not 0 <= minimum <= maximum:
        raise ValueError(f"need 0 <= minimum <= maximum, got {minimum} and {maximum}")
    if not leads.columns.is_unique:
        raise ValueError("leads have duplicated column names")
    problems = check_playbook(playbook, columns=leads.columns)
    if problems:
        raise ValueError("the playbook has problems: " + "; ".join(problems))


class _Picked:
    """The lines picked so far: at most `maximum` per lead, in the order they are shown. A line
    is held as its number among the distinct texts picked (`texts`), so a lead's lines are
    compared as integers; its playbook entry likewise, as its number among `point_ids`."""

    def __init__(self, n: int, maximum: int) -> None:
        self.count = np.zeros(n, dtype=np.int64)
        self.codes = np.full((n, maximum), -1, dtype=np.int64)
        self.points = np.full((n, maximum), -1, dtype=np.int64)
        self.texts: list[str] = []
        self.point_ids: list[str] = []
        self._numbers: dict[str, int] = {}

    def open_rows(self) -> np.ndarray:
        return np.flatnonzero(self.count < self.codes.shape[1])

    def numbers(self, texts: list[str]) -> np.ndarray:
        """The number of each text (a new text gets the next one)."""
        for text in texts:
            if text not in self._numbers:
                self._numbers[text] = len(self.texts)
                self.texts.append(text)
        return np.fromiter((self._numbers[t] for t in texts), dtype=np.int64, count=len(texts))

    def add(self, point_id: str, rows: np.ndarray, codes: np.ndarray) -> None:
        """Append each row's line (its text's number; -1: nothing), unless that lead already
        has the same line."""
        shown = codes >= 0
        rows, codes = rows[shown], codes[shown]
        repeated = np.zeros(len(rows), dtype=bool)
        for slot in range(self.codes.shape[1]):
            repeated |= self.codes[rows, slot] == codes
        rows, codes = rows[~repeated], codes[~repeated]
        self.codes[rows, self.count[rows]] = codes
        self.points[rows, self.count[rows]] = len(self.point_ids)
        self.point_ids.append(point_id)
        self.count[rows] += 1

    def column(self, numbers: np.ndarray, texts: list[str], index: pd.Index) -> pd.Series:
        """Each lead's list of `texts[number]` of its picked slots, as an Arrow list column
        (made of the numbers in a few array operations, not a Python list per lead)."""
        filled = np.arange(numbers.shape[1]) < self.count[:, None]  # each row's first slots
        lists = text_lists(self.count, numbers[filled], texts)
        return pd.Series(lists, index=index, dtype=pd.ArrowDtype(lists.type))


class Known:
    """The playbook's entries compiled once, and what each entry's condition and sentences gave
    for each distinct set of the values they read, kept by a caller that picks a day's points
    in parts: at a million leads in parts of 50,000, 22,490 distinct conditions of 162,058
    worked out, and 9,820 sentences of 96,922. Values are told apart by type, and floats by
    their bits (as scoring.distinct does); a context that cannot be a key is worked out again.
    Cleared when it holds LIMIT results, so its memory stays bounded whatever the day's size."""

    LIMIT = 500_000

    def __init__(self, playbook: dict) -> None:
        self._playbook = playbook
        self._points: list | None = None
        self._results: dict[tuple, object] = {}

    def compiled(self, playbook: dict) -> list:
        """The entries of `playbook` (checked by the caller), compiled at the first call."""
        if playbook is not self._playbook:
            raise ValueError("the talking points' Known was made for another playbook")
        if self._points is None:
            self._points = list(compile_points(playbook))
        return self._points

    def of(self, work: Callable[[dict], object], context: dict, key: int,
           part: str = "when") -> object:
        """`work(context)`, worked out once per entry (`key`, its number), `part` (its condition
        or a language's sentence) and values."""
        found = (key, part, *((type(v), v.hex() if isinstance(v, float) else v)
                              for v in context.values()))
        try:
            return self._results[found]
        except KeyError:
            if len(self._results) >= self.LIMIT:
                self._results.clear()
            result = self._results[found] = work(context)
            return result
        except TypeError:  # a value that cannot be a key (a list)
            return work(context)


def _holds(when: Callable[..., object], context: dict) -> bool:
    """A condition that meets a missing value is false."""
    try:
        return bool(when(context))
    except SKIP:
        return False


def _lines(point: Point, columns: Columns, rows: np.ndarray,
           in_language: Mapping[str, np.ndarray], picked: _Picked,
           known: Callable[..., object]) -> np.ndarray:
    """Each row's line for `point`, as the number `picked` gives its text (-1 when its sentence
    is skipped or empty): one render per language and distinct combination of the values the
    template prints, and each distinct line (sentence and source) made once. A row's sentence
    is known by its render's number: the rendered texts are compared once each, not once per
    row that shares them."""
    rendered_texts: list[str | None] = []
    render = np.full(len(rows), -1, dtype=np.int64)  # each row's render, -1: none
    for lang, template in point.text.items():
        if lang not in in_language:  # a language no lead can have (not in LANGUAGES)
            continue
        mine = np.flatnonzero(in_language[lang][rows])
        texts, group = per_group(partial(known, partial(_sentence, template), part=lang),
                                 point.text_names[lang], columns, rows[mine])
        render[mine] = group + len(rendered_texts)
        rendered_texts.extend(texts.tolist())
    number, distinct = pd.factorize(_objects([*rendered_texts, None]))  # None: -1
    number = number[render]  # a row without a render takes the None appended last
    rendered = number >= 0
    lines = np.full(len(rows), -1, dtype=np.int64)
    dates, dated = _dates(point, columns, rows[rendered])
    said = rendered & ~np.isin(number, [i for i, text in enumerate(distinct) if text == ""])
    if not said.any():
        return lines
    which, kept = pd.factorize(dates[said[rendered]])
    shown = dated[kept]
    ends = [f" (source: {point.source}{f', {date}' if date else ''})" for date in shown]
    sentence = number[said]
    line, pairs = pd.factorize(sentence * len(ends) + which)
    texts = [distinct[pair // len(ends)] + ends[pair % len(ends)] for pair in pairs.tolist()]
    lines[said] = picked.numbers(texts)[line]
    return lines


def _sentence(template: Template, context: dict) -> str | None:
    """The template's sentence on one line; None when it would print an empty value."""
    try:
        return " ".join(template.render(context).split())
    except SKIP:
        return None


def _dates(point: Point, columns: Columns, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The date shown after each row's source: each row's number in the distinct dates
    returned (YYYY-MM-DD, "" for none), each worked out and compared once."""
    if point.date is None:
        return np.zeros(len(rows), dtype=np.int64), _objects([""])
    same = point.date_passthrough
    if same is None:
        found, group = per_group(partial(_date, point.date), point.date_names, columns, rows)
    else:
        found, group = per_group(partial(_date, point.date, same=same),
                                 point.date_names - {same}, columns, rows)
        passed = np.flatnonzero(np.array([f is _SAME for f in found], dtype=bool)[group])
        formatted, again = per_group(_formatted, (same,), columns, rows[passed], {same: DAY})
        group = group.copy()
        group[passed] = again + len(found)
        found = _objects([*found.tolist(), *formatted.tolist()])  # the passed ones unread
    number, distinct = pd.factorize(_objects(["" if f is None else f for f in found]))
    return number[group], distinct


class _Same:
    """Stands for the variable a date expression returns as it is (see `_passthrough`)."""


_SAME = _Same()


def _date(date: Callable[..., object], context: dict, same: str | None = None) -> object:
    try:
        value = date({**context, same: _SAME} if same else context)
    except SKIP:
        return None
    return value if value is _SAME else _formatted({"value": value})


def _formatted(context: dict) -> str | None:  # reads only the day: see DAY in scoring.distinct
    (value,) = context.values()
    is_date = isinstance(value, dt.date) and not pd.isna(value)
    return value.strftime(DATE_FORMAT) if is_date else None


def _python_values(column: pd.Series) -> list:
    """A column as the templates see it: empty values (NaN, NaT, NA, blank) as None."""
    values = column.to_numpy(dtype=object).tolist()
    for i in np.flatnonzero(column.isna().to_numpy()):
        values[i] = None
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biufcmM":  # holds no text
        return values
    return [(v.strip() or None) if isinstance(v, str) else v for v in values]


