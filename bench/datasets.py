"""Public data sets of the model-quality benchmark, shaped as the CRM exports they stand for.

UCI Bank Marketing (S. Moro, P. Cortez, P. Rita, Decision Support Systems 62 (2014) 22-31; CC BY
4.0, see /work/shared/datasets/bank-marketing/SOURCE.md) is the one public conversion history
with enough rows here. Its rows are in date order (May 2008 to November 2010) with the month and
the weekday of each contact, so each row's contact date can be rebuilt; two exports are derived:

- `dated_export`: every column but `month`/`day_of_week` (replaced by `contact_date`, written
  DD/MM/YYYY as a European CRM does) and `duration` (known only after the call), plus a
  `Contact ID` per row. Evaluated with the date as the scoring moment: time-based folds.
- `funnel_export`: a marketing-funnel export whose only signals are the contact date, the
  channel and the previous campaign's outcome, plus a `Lead ID`; no date column given, so
  stratified folds, as `leadpilot evaluate --history FILE --target y` runs by default.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

MONTHS = {name: k for k, name in enumerate(calendar.month_abbr) if name}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
FIRST_YEAR = 2008


def contact_dates(month: pd.Series, weekday: pd.Series) -> list[date]:
    """A date per row (rows in date order): the year turns when the month goes back; within a
    month, each change of weekday moves on to that weekday's next date (never back, never past
    the month's end)."""
    out: list[date] = []
    year, last_month, current = FIRST_YEAR, None, None
    for month_name, day_name in zip(month, weekday, strict=True):
        number = MONTHS[month_name.capitalize()]
        if last_month is not None and number < last_month:
            year += 1
        if number != last_month:
            current = date(year, number, 1)
        last_month = number
        wanted = WEEKDAYS[day_name]
        step = (wanted - current.weekday()) % 7
        if (current + timedelta(days=step)).month == number:
            current = current + timedelta(days=step)
        elif current.weekday() != wanted:  # past the month's last such day: the one before
            current = current - timedelta(days=(current.weekday() - wanted) % 7)
        out.append(current)
    return out


def _bank(source: Path) -> pd.DataFrame:
    frame = pd.read_csv(source, sep=";", dtype=str)
    dates = contact_dates(frame["month"], frame["day_of_week"])
    frame["contact_date"] = [d.strftime("%d/%m/%Y") for d in dates]
    return frame.drop(columns=["month", "day_of_week", "duration"])


def dated_export(source: Path, folder: Path) -> Path:
    """The bank data with a contact date and a contact id (see the module docstring)."""
    frame = _bank(source)
    frame.insert(0, "Contact ID", [f"C{k:07d}" for k in range(1, len(frame) + 1)])
    path = folder / "bank-dated.csv"
    frame.to_csv(path, sep=";", index=False)
    return path


def funnel_export(source: Path, folder: Path) -> Path:
    """Lead id, contact date, channel, previous outcome and the outcome (module docstring)."""
    frame = _bank(source)
    funnel = pd.DataFrame({"Lead ID": range(100001, 100001 + len(frame)),
                           "first_contact_date": frame["contact_date"],
                           "origin": frame["contact"], "previous_campaign": frame["poutcome"],
                           "converted": frame["y"]})
    path = folder / "bank-funnel.csv"
    funnel.to_csv(path, index=False)
    return path
