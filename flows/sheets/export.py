"""`leadpilot export`: the sheet of a past run, rebuilt from the rows the warehouse kept, in any
format and locale, whole or split per owner (lead_sheet_<owner-slug>.<ext> beside the whole one;
a French file is lead_sheet.fr.<ext>, so it never overwrites the English one).

Every file an export writes is noted in the warehouse (table exports), so that `leadpilot forget`
rewrites the copies made with --out outside out_dir too."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from flows.errors import LeadpilotError
from flows.sheets import kept
from flows.sheets.files import localised_name
from scoring.sheet_layout import split_by_owner

STEM = "lead_sheet"


def stored_sheet(con: duckdb.DuckDBPyConnection, run_date: date,
                 leaving: Collection[str] = ()) -> pd.DataFrame:
    """The sheet published on `run_date`, in rank order, as it was printed (empty if none),
    without the rows of the leads in `leaving`."""
    warehouse = kept.warehouse_of(con)
    sheet = None if warehouse is None else kept.read(warehouse, run_date, leaving)
    if sheet is None:  # kept in the warehouse before the sheets were kept as files
        sheet = kept.legacy_sheet(con, run_date)
        sheet = sheet[~sheet["lead_id"].isin(list(leaving))].reset_index(drop=True)
    return sheet


def stored_top(con: duckdb.DuckDBPyConnection, run_date: date, n: int
               ) -> tuple[pd.DataFrame, int]:
    """The first `n` rows of the sheet published on `run_date`, and how many rows it has: what
    `leadpilot run` prints, without reading a million-row sheet back."""
    warehouse = kept.warehouse_of(con)
    top = None if warehouse is None else kept.read(warehouse, run_date, first=max(n, 0))
    if top is not None:
        return top, kept.rows(warehouse, run_date)
    total = con.execute("SELECT count(*) FROM sheet_rows WHERE run_date = ?",
                        [run_date]).fetchone()[0]
    return kept.legacy_sheet(con, run_date, max(n, 0)), total


def sheet_days(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The days whose published sheet the warehouse keeps (what an export can write), newest
    first."""
    warehouse = kept.warehouse_of(con)
    return sorted({*(kept.days(warehouse) if warehouse else []), *(d for (d,) in con.execute(
        "SELECT DISTINCT run_date FROM sheet_rows").fetchall())}, reverse=True)


def sheet_date(con: duckdb.DuckDBPyConnection, wanted: date | None) -> date:
    """`wanted`, or the latest run with a sheet when None.

    Raises:
        LeadpilotError: no sheet was published that day (or ever), saying which days have one.
    """
    days = sheet_days(con)
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


@dataclass(frozen=True)
class Export:
    """A file `leadpilot export` wrote: where, the day of its sheet, and how."""

    path: Path
    run_date: date
    format: str
    locale: str


def record(con: duckdb.DuckDBPyConnection, paths: list[Path], run_date: date, fmt: str,
           locale: str, now: datetime) -> None:
    """Note the files an export is about to write (before writing them: a file written and not
    noted would be out of `leadpilot forget`'s reach); the latest export to a path wins."""
    con.execute("INSERT OR REPLACE INTO exports SELECT unnest($paths), $day, $fmt, $locale, $now",
                {"paths": [str(Path(p).resolve()) for p in paths], "day": run_date,
                 "fmt": fmt, "locale": locale, "now": now})


def recorded(con: duckdb.DuckDBPyConnection, days: list[date]) -> list[Export]:
    """The files exported from the sheets of `days`, by path."""
    return [Export(Path(path), day, fmt, locale) for path, day, fmt, locale in con.execute(
        "SELECT path, run_date, format, locale FROM exports "
        "WHERE run_date IN (SELECT unnest(?)) ORDER BY path", [days]).fetchall()]
