"""`leadpilot export`: the sheet of a past run, rebuilt from the rows the warehouse kept, in any
format and locale, whole or split per owner (lead_sheet_<owner-slug>.<ext> beside the whole one;
a French file is lead_sheet.fr.<ext>, so it never overwrites the English one)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from flows.errors import LeadpilotError
from flows.sheets.files import localised_name
from scoring.sheet_layout import sheet_from_rows, split_by_owner

STEM = "lead_sheet"


def stored_sheet(con: duckdb.DuckDBPyConnection, run_date: date) -> pd.DataFrame:
    """The sheet published on `run_date`, in rank order, as it was printed (empty if none)."""
    rows = con.execute("SELECT row FROM sheet_rows WHERE run_date = ? ORDER BY rank",
                       [run_date]).fetchall()
    return sheet_from_rows(row for (row,) in rows)


def sheet_date(con: duckdb.DuckDBPyConnection, wanted: date | None) -> date:
    """`wanted`, or the latest run with a sheet when None.

    Raises:
        LeadpilotError: no sheet was published that day (or ever), saying which days have one.
    """
    days = [d for (d,) in con.execute(
        "SELECT DISTINCT run_date FROM sheet_rows ORDER BY run_date DESC").fetchall()]
    if not days:
        raise LeadpilotError("The warehouse holds no lead sheet yet; run `leadpilot run` first.")
    if wanted is None:
        return days[0]
    if wanted not in days:
        raise LeadpilotError(f"No lead sheet was published on {wanted}; the latest is {days[0]} "
                             f"({len(days)} in the warehouse).")
    return wanted


def files_for(sheet: pd.DataFrame, folder: Path, fmt: str, per_owner: bool,
              locale: str = "en") -> list[tuple[Path, pd.DataFrame]]:
    """The files an export writes: the whole sheet, then one per owner when asked.

    Each locale has its own names (lead_sheet.csv, lead_sheet.fr.csv), so exporting one never
    overwrites another.
    """
    files = [(folder / localised_name(f"{STEM}.{fmt}", locale), sheet)]
    if per_owner:
        files += [(folder / localised_name(f"{STEM}_{key}.{fmt}", locale), part)
                  for key, part in split_by_owner(sheet).items()]
    return files
