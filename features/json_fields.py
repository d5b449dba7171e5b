"""Any JSON API's payload turned into leadpilot facts by a map of JSON paths, so a team plugs in
the provider it pays for (Clearbit, Apollo, People Data Labs…) without writing Python. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from features.facts import FACT_FIELDS

# a.b[0].c — dotted keys, optional list indexes; a leading "$." is allowed
_PATH = re.compile(r"^(\$\.)?[A-Za-z_][\w-]*(\[\d+\])*(\.[A-Za-z_][\w-]*(\[\d+\])*)*$")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def check_mapping(mapping: Mapping[str, str]) -> list[str]:
    """What is wrong with a path-to-field map: one problem per line, empty when fine."""
    problems = []
    for path, fact in mapping.items():
        if not _PATH.match(path):
            problems.append(f"{path!r} is not a JSON path like company.metrics.employees or "
                            "tech[0]")
        if fact not in FACT_FIELDS:
            problems.append(f"{path!r} maps to {fact!r}, not a leadpilot field (one of "
                            f"{', '.join(FACT_FIELDS)})")
    return problems


def lookup_path(payload: Any, path: str) -> Any:
    """The value at `path` in `payload`, or None when any step is missing.

    >>> lookup_path({"metrics": {"employees": 20}, "tech": ["a", "b"]}, "tech[1]")
    'b'
    """
    node = payload
    for key, index in _STEP.findall(path.removeprefix("$.")):
        if key:
            node = node.get(key) if isinstance(node, Mapping) else None
        else:
            i = int(index)
            node = node[i] if isinstance(node, list) and i < len(node) else None
        if node is None:
            return None
    return node


def extract_fields(payload: Any, mapping: Mapping[str, str]) -> dict[str, str]:
    """Facts from a JSON payload: `mapping` maps a JSON path to a leadpilot field.

    Numbers keep no ".0", a list of scalars becomes "a, b", an object is left out (map its
    keys instead), empty values are left out. When two paths fill one field, the first wins.
    """
    facts: dict[str, str] = {}
    for path, fact in mapping.items():
        if fact in facts:
            continue
        text = _text(lookup_path(payload, path))
        if text is not None:
            facts[fact] = text
    return facts


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, Mapping):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        items = [_text(item) for item in value if not isinstance(item, Mapping | list)]
        joined = ", ".join(item for item in items if item)
        return joined or None
    text = str(value).strip()
    return text or None


def decode_json(body: bytes) -> Any:
    """The JSON document in a body. Raises ValueError with a short reason when it is not JSON."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"invalid JSON ({type(exc).__name__})") from None
