"""The playbook (``data/playbook.yaml``): its check, and its entries compiled once, each with
the lead fields it reads (so scoring.talking_points can work once per distinct combination).

Pure: the playbook arrives as parsed data; nothing here reads a file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, Template, TemplateError, UndefinedError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from features.facts import FACT_COLUMNS
from scoring.distinct import PRESENCE
from scoring.reasons import LANGUAGES

LEAD_COLUMNS: tuple[str, ...] = (
    "lead_id", "first_name", "last_name", "title", "company", "industry", "country", "employees",
    "size_band", "source", "created_at", "seniority", "department", "email_kind", "events_7d",
    "events_30d", "pricing_views_7d", "pricing_views_30d", "demo_requests_90d", "webinars_90d",
    "docs_views_30d", "email_clicks_30d", "last_event_type", "last_event_at", "plan", "seats",
    *FACT_COLUMNS,  # enriched facts with their provider (_by) and fetch date (_on)
)
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


ENV = SandboxedEnvironment(undefined=StrictUndefined, finalize=_finalize, autoescape=False)
ENV.globals.clear()  # templates see the lead and nothing else; halves the cost of each render
SKIP = (_MissingValue, UndefinedError, TypeError)  # a missing value met an operator or a filter


@dataclass(frozen=True)
class Point:
    """One playbook entry, compiled."""

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


def compile_points(playbook: Mapping) -> list[Point]:
    """The entries of a checked playbook, compiled, highest priority first."""
    points = []
    for raw in playbook["points"]:
        when, date = _jinja(raw["when"]), _jinja(raw["date"]) if raw.get("date") else None
        text = {lang: raw["text"][lang] for lang in LANGUAGES}
        points.append(Point(
            id=raw["id"], priority=raw["priority"], source=raw["source"].strip(),
            when=_expression(when), date=_expression(date) if date else None,
            text={lang: _template(source) for lang, source in text.items()},
            when_names=_names(when, True), date_names=_names(date, True) if date else frozenset(),
            text_names={lang: _names(source, False) for lang, source in text.items()},
            date_passthrough=_passthrough(date) if date else None,
            when_by=dict.fromkeys(_presence_only(when), PRESENCE),
        ))
    return sorted(points, key=lambda point: -point.priority)  # stable: file order breaks ties


def fields_read(playbook: dict, columns: Iterable[str] = ()) -> frozenset[str] | None:
    """The lead fields the entries of `playbook` read (their conditions, dates and texts: all
    that scoring.talking_points hands them), when it passes `check_playbook` with `columns`;
    None when it does not, so that its problems are reported where they always are.

    >>> sorted(fields_read({"points": [{"id": "p", "when": "employees > 50", "priority": 1,
    ...     "source": "CRM", "text": {"en": "{{ company }}", "fr": "{{ company }} !"}}]}))
    ['company', 'employees']
    >>> fields_read({"points": []}) is None
    True
    """
    if check_playbook(playbook, columns):
        return None
    names: set[str] = set()
    for point in compile_points(playbook):
        names |= point.when_names | point.date_names
        names = names.union(*point.text_names.values())
    return frozenset(names)


@lru_cache(maxsize=2048)
def _names(source: str, expression: bool) -> frozenset[str]:
    """The lead's fields a template or expression reads."""
    return frozenset(meta.find_undeclared_variables(
        ENV.parse(f"{{{{ {source} }}}}" if expression else source)))


@lru_cache(maxsize=1024)
def _presence_only(source: str) -> frozenset[str]:
    """The fields an expression only tests with `is none` / `is not none`."""
    tree = ENV.parse(f"{{{{ {source} }}}}")
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
    (output,) = ENV.parse(f"{{{{ {source} }}}}").body
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
    return ENV.compile_expression(source, undefined_to_none=True)


@lru_cache(maxsize=1024)
def _template(source: str) -> Template:
    return ENV.from_string(source)


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
        names = _names(source, expression)  # cached: checked again for each chunk of leads
    except TemplateError as error:
        return [f"{where}: does not compile: {error}"]
    unknown = sorted(names - known - set(ENV.globals))
    return [f"{where}: unknown variable {name!r}" for name in unknown]
