"""Which column of an imported file feeds which leadpilot field: presets and TOML mappings.

A preset is a mapping file shipped in `flows/intake/presets/` (salesforce, hubspot, leadpilot,
and companies: a file of companies keyed by company_id); a user's `--mapping my.toml` has the
same shape (copy a preset to start). Errors name the file, the line and the field, in one
sentence.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from features.columns import SOURCES
from features.reading.mapping import FIELDS, REQUIRABLE, STATUSES, Mapping
from flows.editable_files import NO_FIELD, ConfigError, parse_toml

PRESETS = ("salesforce", "hubspot", "leadpilot", "companies")


def load_mapping(preset: str | None, mapping_file: Path | None) -> Mapping:
    """The mapping to use: a file if given, else a preset (default: leadpilot).

    Raises:
        ConfigError: for an unknown preset or a mistake in the file.
    """
    if mapping_file is not None:
        path = Path(mapping_file)
        if not path.is_file():
            raise ConfigError(str(path), None, NO_FIELD, "the mapping file does not exist")
        return parse_mapping(path.read_text(encoding="utf-8-sig"), str(path), path.stem)
    name = (preset or "leadpilot").lower()
    if name not in PRESETS:
        raise ConfigError("--preset", None, NO_FIELD,
                          f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    text = files(__package__).joinpath("presets", f"{name}.toml").read_text(encoding="utf-8")
    return parse_mapping(text, f"preset {name}", name)


def parse_mapping(text: str, where: str, name: str) -> Mapping:
    """Parse and check a TOML mapping (see flows/intake/presets/salesforce.toml for the shape)."""
    data = parse_toml(text, where)

    def fail(field: str, problem: str) -> ConfigError:
        key = field.split(".")[-1].strip('"')
        found = re.search(rf'^\s*"?{re.escape(key)}"?\s*=', text, re.M)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        return ConfigError(where, line, field, problem)

    columns_table = data.get("columns")
    if not isinstance(columns_table, dict) or not columns_table:
        raise ConfigError(where, None, "columns", "a [columns] table naming the file's "
                          "column for each leadpilot field is required")
    columns: dict[str, tuple[str, ...]] = {}
    for field, value in columns_table.items():
        if field not in FIELDS:
            raise fail(f"columns.{field}", f"unknown field; use one of {', '.join(FIELDS)}")
        names = (value,) if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not names or not all(
                isinstance(n, str) and n.strip() for n in names):
            raise fail(f"columns.{field}", "must be a column name or a list of column names")
        columns[field] = tuple(n.strip() for n in names)
    if "lead_id" not in columns and "email" not in columns and "company_id" not in columns:
        raise ConfigError(where, None, "columns", "map lead_id or email: one of them keys a lead "
                          "(or only company_id, for a file of companies)")
    sources = _translations(data, "sources", SOURCES, fail)
    statuses = _translations(data, "statuses", STATUSES, fail)
    required = data.get("required", [])
    if not isinstance(required, list) or any(f not in REQUIRABLE for f in required):
        raise fail("required", f"must be a list of fields among {', '.join(REQUIRABLE)}")
    if not isinstance(data.get("merge_same_email", True), bool):
        raise fail("merge_same_email", "must be true or false")
    return Mapping(
        name=name, description=str(data.get("description", name)), columns=columns,
        sources={k: v for k, v in sources.items() if k != "default"},
        statuses={k: v for k, v in statuses.items() if k != "default"},
        source_default=sources.get("default", "web_form"),
        status_default=statuses.get("default", "open"),
        required=tuple(required),
        merge_same_email=data.get("merge_same_email", True),
    )


def _translations(data: dict, table: str, allowed: tuple[str, ...], fail) -> dict[str, str]:
    values = data.get(table, {})
    if not isinstance(values, dict):
        raise fail(table, "must be a table of `\"file value\" = leadpilot value`")
    result = {}
    for key, value in values.items():
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            raise fail(f'{table}."{key}"', f"must be one of {', '.join(allowed)}")
        result[key.strip().lower()] = value.strip().lower()
    return result
