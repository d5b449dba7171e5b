"""Talking points: concrete facts about a lead, what to say about them, and where each came from.

Pure: the playbook arrives as parsed data (``data/playbook.yaml``); nothing here reads a file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import pandas as pd
from jinja2 import StrictUndefined, Template, TemplateError, UndefinedError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from features.facts import FACT_COLUMNS
from scoring.distinct import DAY, PRESENCE, Columns, per_distinct
from scoring.reasons import LANGUAGES, validate_languages

LEAD_COLUMNS: tuple[str, ...] = (
    "lead_id", "first_name", "last_name", "title", "company", "industry", "country", "employees",
    "size_band", "source", "created_at", "seniority", "department", "email_kind", "events_7d",
    "events_30d", "pricing_views_7d", "pricing_views_30d", "demo_requests_90d", "webinars_90d",
    "docs_views_30d", "email_clicks_30d", "last_event_type", "last_event_at", "plan", "seats",
    *FACT_COLUMNS,  # enriched facts with their provider (_by) and fetch date (_on)
)
MAX_POINTS = 5
DATE_FORMAT = "%Y-%m-%d"

_REQUIRED = ("id", "when", "source", "priority", "text")
_OPTIONAL = ("date",)


class _MissingValue(Exception):
    """A template tried to print an empty value: the point does not apply to this lead."""


def _finalize(value: object) -> object:
    """How a value prints: dates as YYYY-MM-DD, 3.0 as 3; an empty value skips the point."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise _MissingValue
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    return value


_ENV = SandboxedEnvironment(undefined=StrictUndefined, finalize=_finalize, autoescape=False)
_ENV.globals.clear()  # templates see the lead and nothing else; halves the cost of each render
_SKIP = (_MissingValue, UndefinedError, TypeError)  # a missing value met an operator or a filter


@dataclass(frozen=True)
class _Point:
    id: str
    priority: float
    source: str
    when: Callable[..., object]
    date: Callable[..., object] | None
    text: Mapping[str, Template]
    when_names: frozenset[str]  # the lead's fields each one reads
    date_names: frozenset[str]
    text_names: Mapping[str, frozenset[str]]
    date_passthrough: str | None  # the field the date expression returns unchanged, if one
    when_by: Mapping[str, str]  # fields the condition only tests with `is none`: PRESENCE


def check_playbook(playbook: dict, columns: Iterable[str] = ()) -> list[str]:
    """List what is wrong with a playbook (as loaded from ``data/playbook.yaml``).

    Args:
        playbook: ``{"points": [...]}``; each point has id, when, source, priority, text
            (one template per language) and optionally date.
        columns: lead columns the templates may use besides LEAD_COLUMNS (enriched fields).

    Returns:
        One readable problem per line naming the point and the key (unknown keys, missing keys or
        languages, templates that do not compile, unknown variables); empty when fine.
    """
    if not isinstance(playbook, Mapping):
        return ["the playbook must be a mapping with a `points` list"]
    problems = [f"unknown top-level key {key!r} (expected: points)" for key in playbook
                if key != "points"]
    points = playbook.get("points")
    if not isinstance(points, list) or not points:
        return [*problems, "`points` must be a non-empty list"]
    known = {*LEAD_COLUMNS, *columns}
    ids = [point.get("id") for point in points if isinstance(point, Mapping)
           and isinstance(point.get("id"), str)]
    problems += [f"point {i!r}: id used more than once" for i in sorted(
        {i for i in ids if ids.count(i) > 1}, key=str)]
    for number, point in enumerate(points, start=1):
        problems += _check_point(point, number, known)
    return problems


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

    Returns:
        Index of `leads`; `points`: a list[str] per lead; `point_ids`: the playbook entry id of
        each of those points, in the same order (what a rep's "talking point 2" refers to).

    Raises:
        ValueError: if the playbook fails `check_playbook`, or a lead gets fewer than `minimum`
            points (the message names the lead id).
    """
    if not 0 <= minimum <= maximum:
        raise ValueError(f"need 0 <= minimum <= maximum, got {minimum} and {maximum}")
    if not leads.columns.is_unique:
        raise ValueError("leads have duplicated column names")
    problems = check_playbook(playbook, columns=leads.columns)
    if problems:
        raise ValueError("the playbook has problems: " + "; ".join(problems))
    langs = validate_languages(languages, leads.index)
    columns = Columns(leads, _python_values, LEAD_COLUMNS)
    picked = _Picked(len(leads), maximum)
    for point in _compile_points(playbook):  # each entry over every lead still short of points
        rows = picked.open_rows()
        if not len(rows):
            break
        rows = rows[per_distinct(partial(_holds, point.when), point.when_names, columns, rows,
                                 point.when_by).astype(bool)]
        picked.add(point.id, rows, _lines(point, columns, rows, langs))
    short = np.flatnonzero(picked.count < minimum)
    if len(short):
        ids = leads["lead_id"] if "lead_id" in leads.columns else leads.index.to_series()
        raise ValueError(
            f"lead {ids.iloc[short[:1]].tolist()[0]!r} gets {picked.count[short[0]]} talking "
            f"point(s), fewer than {minimum}: the playbook needs always-true fallbacks (source, "
            "title, company)"
        )
    return pd.DataFrame({"points": picked.column(picked.lines, leads.index),
                         "point_ids": picked.column(picked.ids, leads.index)})


class _Picked:
    """The lines picked so far: at most `maximum` per lead, in the order they are shown."""

    def __init__(self, n: int, maximum: int) -> None:
        self.count = np.zeros(n, dtype=np.int64)
        self.lines = np.full((n, maximum), None, dtype=object)
        self.ids = np.full((n, maximum), None, dtype=object)

    def open_rows(self) -> np.ndarray:
        return np.flatnonzero(self.count < self.lines.shape[1])

    def add(self, point_id: str, rows: np.ndarray, lines: np.ndarray) -> None:
        """Append each row's line (None: nothing), unless that lead already has the same line."""
        shown = lines != None  # noqa: E711 (elementwise)
        rows, lines = rows[shown], lines[shown]
        repeated = np.zeros(len(rows), dtype=bool)
        for slot in range(self.lines.shape[1]):
            repeated |= self.lines[rows, slot] == lines
        rows, lines = rows[~repeated], lines[~repeated]
        self.lines[rows, self.count[rows]] = lines
        self.ids[rows, self.count[rows]] = point_id
        self.count[rows] += 1

    def column(self, table: np.ndarray, index: pd.Index) -> pd.Series:
        values = [row[:n] for row, n in zip(table.tolist(), self.count.tolist(), strict=True)]
        return pd.Series(values, index=index, dtype=object)


def _holds(when: Callable[..., object], context: dict) -> bool:
    """A condition that meets a missing value is false."""
    try:
        return bool(when(context))
    except _SKIP:
        return False


def _lines(point: _Point, columns: Columns, rows: np.ndarray, langs: np.ndarray) -> np.ndarray:
    """Each row's line for `point` (None when its sentence is skipped or empty): one render
    per language and distinct combination of the values the template prints."""
    sentences = np.full(len(rows), None, dtype=object)
    for lang, template in point.text.items():
        mine = langs[rows] == lang
        sentences[mine] = per_distinct(partial(_sentence, template), point.text_names[lang],
                                       columns, rows[mine])
    rendered = sentences != None  # noqa: E711 (elementwise)
    lines = np.full(len(rows), None, dtype=object)
    dates = _dates(point, columns, rows[rendered])
    said = rendered.copy()
    said[rendered] = sentences[rendered] != ""
    dated = dates[said[rendered]]
    which, shown = pd.factorize(np.where(dated == None, "", dated))  # noqa: E711 (elementwise)
    ends = np.asarray([f" (source: {point.source}{f', {date}' if date else ''})"
                       for date in shown], dtype=object)
    lines[said] = sentences[said] + ends[which]
    return lines


def _sentence(template: Template, context: dict) -> str | None:
    """The template's sentence on one line; None when it would print an empty value."""
    try:
        return " ".join(template.render(context).split())
    except _SKIP:
        return None


def _dates(point: _Point, columns: Columns, rows: np.ndarray) -> np.ndarray:
    """The date shown after each row's source, YYYY-MM-DD, or None."""
    if point.date is None:
        return np.full(len(rows), None, dtype=object)
    same = point.date_passthrough
    if same is None:
        return per_distinct(partial(_date, point.date), point.date_names, columns, rows)
    found = per_distinct(partial(_date, point.date, same=same), point.date_names - {same},
                         columns, rows)
    passed = found == _SAME
    found[passed] = per_distinct(_formatted, (same,), columns, rows[passed], {same: DAY})
    return found


class _Same:
    """Stands for the variable a date expression returns as it is (see `_passthrough`)."""


_SAME = _Same()


def _date(date: Callable[..., object], context: dict, same: str | None = None) -> object:
    try:
        value = date({**context, same: _SAME} if same else context)
    except _SKIP:
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


def _compile_points(playbook: Mapping) -> list[_Point]:
    points = []
    for raw in playbook["points"]:
        when, date = _jinja(raw["when"]), _jinja(raw["date"]) if raw.get("date") else None
        text = {lang: raw["text"][lang] for lang in LANGUAGES}
        points.append(_Point(
            id=raw["id"], priority=raw["priority"], source=raw["source"].strip(),
            when=_expression(when), date=_expression(date) if date else None,
            text={lang: _template(source) for lang, source in text.items()},
            when_names=_names(when, True), date_names=_names(date, True) if date else frozenset(),
            text_names={lang: _names(source, False) for lang, source in text.items()},
            date_passthrough=_passthrough(date) if date else None,
            when_by=dict.fromkeys(_presence_only(when), PRESENCE),
        ))
    return sorted(points, key=lambda point: -point.priority)  # stable: file order breaks ties


@lru_cache(maxsize=2048)
def _names(source: str, expression: bool) -> frozenset[str]:
    """The lead's fields a template or expression reads."""
    return frozenset(meta.find_undeclared_variables(
        _ENV.parse(f"{{{{ {source} }}}}" if expression else source)))


@lru_cache(maxsize=1024)
def _presence_only(source: str) -> frozenset[str]:
    """The fields an expression only tests with `is none` / `is not none`."""
    tree = _ENV.parse(f"{{{{ {source} }}}}")
    tested = {id(test.node) for test in tree.find_all(nodes.Test)
              if test.name == "none" and isinstance(test.node, nodes.Name) and not test.args
              and not test.kwargs and not test.dyn_args and not test.dyn_kwargs}
    used: dict[str, bool] = {}
    for name in tree.find_all(nodes.Name):
        used[name.name] = used.get(name.name, True) and id(name) in tested
    return frozenset(name for name, only in used.items() if only)


@lru_cache(maxsize=1024)
def _passthrough(source: str) -> str | None:
    """The field a date expression returns as it is (`created_at`, `last_event_at if ...`),
    read nowhere else in it: the rest is then worked out once per distinct value of the other
    fields, and the date once per distinct value of that field."""
    (output,) = _ENV.parse(f"{{{{ {source} }}}}").body
    (node,) = output.nodes
    if isinstance(node, nodes.CondExpr):
        node = node.expr1
    names = [name.name for name in output.find_all(nodes.Name)]
    return node.name if isinstance(node, nodes.Name) and names.count(node.name) == 1 else None


def _jinja(value: object) -> object:
    """YAML reads `when: true` as a boolean: turn it back into the expression it was."""
    return str(value).lower() if isinstance(value, bool) else value


@lru_cache(maxsize=1024)
def _expression(source: str) -> Callable[..., object]:
    return _ENV.compile_expression(source, undefined_to_none=True)


@lru_cache(maxsize=1024)
def _template(source: str) -> Template:
    return _ENV.from_string(source)


def _check_point(point: object, number: int, known: set[str]) -> list[str]:
    if not isinstance(point, Mapping):
        return [f"point #{number}: must be a mapping"]
    where = f"point {point['id']!r}" if point.get("id") else f"point #{number}"
    problems = [f"{where}: unknown key {key!r}" for key in point
                if key not in _REQUIRED + _OPTIONAL]
    problems += [f"{where}: missing {key!r}" for key in _REQUIRED if point.get(key) is None]
    if point.get("id") is not None and not isinstance(point["id"], str):
        problems.append(f"{where}: id must be a name, got {point['id']!r}")
    priority, source = point.get("priority"), point.get("source")
    if priority is not None and type(priority) not in (int, float):  # a bool is no priority
        problems.append(f"{where}: priority must be a number, got {priority!r}")
    if source is not None and not (isinstance(source, str) and source.strip()):
        problems.append(f"{where}: source must name where the fact comes from")
    for key in ("when", "date"):
        if point.get(key) is not None:
            problems += _check_jinja(f"{where}.{key}", _jinja(point[key]), known, True)
    text = point.get("text")
    if text is not None and not isinstance(text, Mapping):
        return [*problems, f"{where}.text: must map a language to a template"]
    problems += [f"{where}.text: unknown language {lang!r}" for lang in text or {}
                 if lang not in LANGUAGES]
    for lang in LANGUAGES if text else ():
        if text.get(lang) is None:
            problems.append(f"{where}.text: missing language {lang!r}")
        else:
            problems += _check_jinja(f"{where}.text.{lang}", text[lang], known, False)
    return problems


def _check_jinja(where: str, source: object, known: set[str], expression: bool) -> list[str]:
    if not isinstance(source, str) or not source.strip():
        return [f"{where}: must be a non-empty string"]
    try:
        (_expression if expression else _template)(source)
        names = meta.find_undeclared_variables(
            _ENV.parse(f"{{{{ {source} }}}}" if expression else source))
    except TemplateError as error:
        return [f"{where}: does not compile: {error}"]
    unknown = sorted(names - known - set(_ENV.globals))
    return [f"{where}: unknown variable {name!r}" for name in unknown]
