"""Row validation for intake: pure functions from raw text columns to typed rows and rejects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from features.columns import EVENT_TYPES, SOURCES
from features.email import is_valid_email
from features.reading.values import CsvFormat, parse_dates, parse_numbers

_OTHER_DATES = {"dmy": " or DD/MM/YYYY HH:MM", "mdy": " or MM/DD/YYYY HH:MM"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text, int, timestamp, email or choice
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None


@dataclass(frozen=True)
class TableSpec:
    table: str
    key: str
    columns: tuple[Column, ...]
    rules: tuple[Callable[[pd.DataFrame], pd.Series], ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _closed_needs_date(rows: pd.DataFrame) -> pd.Series:
    closed = rows["status"].isin(["won", "lost"]) & rows["closed_at"].isna()
    return closed.map({True: "status is won or lost but closed_at is empty", False: None})


LEADS = TableSpec("leads", "lead_id", (
    Column("lead_id", required=True),
    Column("created_at", "timestamp", required=True),
    Column("first_name"), Column("last_name"), Column("title"),
    Column("email", "email"),
    Column("phone"),
    Column("company_id"),
    Column("source", "choice", required=True, choices=SOURCES),
    Column("status", "choice", choices=("open", "won", "lost")),
    Column("closed_at", "timestamp"),
    Column("owner"),  # the rep the CRM gave; empty: data/reps.yaml decides
), rules=(_closed_needs_date,))

COMPANIES = TableSpec("companies", "company_id", (
    Column("company_id", required=True),
    Column("name"), Column("domain"), Column("country"), Column("industry"),
    Column("employees", "int", minimum=0),
    Column("annual_revenue", "int", minimum=0),
    Column("founded_year", "int", minimum=1800),
    Column("siren"), Column("postal_code"),  # optional: let the registry find the company
))

ACTIVITIES = TableSpec("activities", "event_id", (
    Column("event_id", required=True),
    Column("lead_id", required=True),
    Column("occurred_at", "timestamp", required=True),
    Column("event_type", "choice", required=True, choices=EVENT_TYPES),
))


def _check(column: Column, text: pd.Series, fmt: CsvFormat) -> tuple[pd.Series, pd.Series]:
    """Parse one column; returns (typed values, reason or None per row).

    Numbers read with the file's decimal and thousands separators (`1 200,00` in a French
    file); dates are ISO, or day/month order as the file writes them (`27/11/2026 10:00`).
    """
    present = text.notna()
    reason = pd.Series(None, index=text.index, dtype=object)
    if column.required:
        reason = reason.mask(~present, f"{column.name} is required")
    value: pd.Series = text
    if column.kind == "int":
        number = (parse_numbers(text, fmt) if present.any()
                  else pd.Series(float("nan"), index=text.index))
        bad = present & (number.isna() | (number % 1 != 0))
        reason = reason.mask(bad, f"{column.name} is not a whole number")
        if column.minimum is not None:
            low = present & ~bad & (number < column.minimum)
            reason = reason.mask(low, f"{column.name} is below {column.minimum}")
        value = number.where(~bad).astype("Int64")
    elif column.kind == "timestamp":
        stamp = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        value = stamp.dt.tz_localize(None)
        other = present & value.isna()
        if fmt.date_order in _OTHER_DATES and other.any():
            value = value.mask(other, parse_dates(text[other], fmt).reindex(text.index))
        bad = present & value.isna()
        hint = _OTHER_DATES.get(fmt.date_order, "")
        reason = reason.mask(
            bad, f"{column.name} is not a date and time (YYYY-MM-DD HH:MM:SS{hint})")
    elif column.kind == "email":
        bad = present & ~text.map(is_valid_email, na_action="ignore").fillna(False).astype(bool)
        reason = reason.mask(bad, f"{column.name} is not a valid email address")
    elif column.kind == "choice":
        normalised = text.str.lower()
        bad = present & ~normalised.isin(column.choices)
        allowed = ", ".join(column.choices)
        reason = reason.mask(bad, f"{column.name} must be one of {allowed}")
        value = normalised
    return value, reason


def validate(raw: pd.DataFrame, spec: TableSpec,
             fmt: CsvFormat | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split raw text rows into typed valid rows and rejects.

    Args:
        raw: one column per CSV header (strings, None for empty) plus `line`, the row's line
            number in the file.
        spec: what the table expects.
        fmt: the file's format (`detect_format`): its decimal separator and date order decide
            how numbers and non-ISO dates read; ISO dates and decimal points when None.

    Returns:
        (valid rows with the spec's columns, rejects with `line` and `reason`). A later row with
        the same key as an earlier one replaces it, so a file is read like a series of upserts.
    """
    missing = [c.name for c in spec.columns if c.required and c.name not in raw.columns]
    if missing:
        raise ValueError(f"missing required column(s): {', '.join(missing)}")
    text = raw.reindex(columns=[*spec.names, "line"])
    text[list(spec.names)] = text[list(spec.names)].apply(  # an absent column stays empty
        lambda s: s.str.strip() if s.notna().any() else s).replace("", None)
    fmt = fmt or CsvFormat()
    typed = pd.DataFrame(index=text.index)
    reasons = []
    for column in spec.columns:
        typed[column.name], reason = _check(column, text[column.name], fmt)
        reasons.append(reason)
    for rule in spec.rules:
        reasons.append(rule(typed))
    joined = pd.Series("", index=text.index, dtype=object)
    for one in reasons:
        one = one.fillna("").astype(object)
        joined = joined + ((joined != "") & (one != "")).map({True: "; ", False: ""}) + one
    bad = joined != ""
    reason = joined
    rejects = pd.DataFrame({"line": text.loc[bad, "line"], "reason": reason[bad]})
    valid = typed.loc[~bad].drop_duplicates(subset=spec.key, keep="last")
    return valid.reset_index(drop=True), rejects.reset_index(drop=True)
