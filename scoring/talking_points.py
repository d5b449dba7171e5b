"""Talking points: concrete facts about a lead, what to say about them, and where each came from.

Pure: the playbook arrives as parsed data (``data/playbook.yaml``); nothing here reads a file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from jinja2 import StrictUndefined, Template, TemplateError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment

from features.facts import FACT_COLUMNS
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
    points = _compile_points(playbook)
    ids = leads["lead_id"] if "lead_id" in leads.columns else leads.index.to_series()
    texts, point_ids = [], []
    for record, lang, lead_id in zip(_records(leads), langs, ids, strict=True):
        lines = _lines(record, lang, points, maximum)
        if len(lines) < minimum:
            raise ValueError(
                f"lead {lead_id!r} gets {len(lines)} talking point(s), fewer than {minimum}: "
                "the playbook needs always-true fallbacks (source, title, company)"
            )
        texts.append(list(lines.values()))
        point_ids.append(list(lines))
    return pd.DataFrame({"points": pd.Series(texts, index=leads.index, dtype=object),
                         "point_ids": pd.Series(point_ids, index=leads.index, dtype=object)})


def _lines(record: dict, lang: str, points: list[_Point], maximum: int) -> dict[str, str]:
    """The lead's lines keyed by their playbook entry id, in the order they are shown."""
    lines: dict[str, str] = {}
    for point in points:
        if len(lines) == maximum:
            break
        try:
            if not point.when(record):
                continue
            sentence = " ".join(point.text[lang].render(record).split())
        except _SKIP:
            continue
        date = _date(point, record)
        line = f"{sentence} (source: {point.source}{f', {date}' if date else ''})"
        if sentence and line not in lines.values():
            lines[point.id] = line
    return lines


def _date(point: _Point, record: dict) -> str | None:
    try:
        value = point.date(record) if point.date else None
    except _SKIP:
        return None
    is_date = isinstance(value, dt.date) and not pd.isna(value)
    return value.strftime(DATE_FORMAT) if is_date else None


def _records(leads: pd.DataFrame) -> list[dict]:
    """One context per lead: every column, empty values (NaN, NaT, NA, blank) as None."""
    names = list(dict.fromkeys([*LEAD_COLUMNS, *leads.columns]))
    columns = [
        _python_values(leads[name]) if name in leads.columns else [None] * len(leads)
        for name in names
    ]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _python_values(column: pd.Series) -> list:
    values = column.to_numpy(dtype=object).tolist()
    for i in np.flatnonzero(column.isna().to_numpy()):
        values[i] = None
    return [(v.strip() or None) if isinstance(v, str) else v for v in values]


def _compile_points(playbook: Mapping) -> list[_Point]:
    points = [
        _Point(
            id=raw["id"],
            priority=raw["priority"],
            source=raw["source"].strip(),
            when=_expression(_jinja(raw["when"])),
            date=_expression(_jinja(raw["date"])) if raw.get("date") else None,
            text={lang: _template(raw["text"][lang]) for lang in LANGUAGES},
        )
        for raw in playbook["points"]
    ]
    return sorted(points, key=lambda point: -point.priority)  # stable: file order breaks ties


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
