"""The folders of old days under out_dir, deleted once the warehouse keeps their sheet.

At a million open leads a day, a day's folder holds a 1.4 GB sheet and its rep pages: a month of
working days fills about 30 GB. The warehouse keeps every sheet it published (flows/sheets/kept.py,
about 93 MB a day at a million leads), from which `leadpilot export --date D --rep-pages` writes
the folder again. With `keep_days` set, the daily run (and `leadpilot prune`) deletes the
folders of the days more than that many days before the run's date. It deletes:
- only folders named after a day (YYYY-MM-DD) whose sheet the warehouse keeps. The others stay:
  history/, evaluation/, a day without open leads (nothing is kept of it), a folder copied
  from elsewhere, or a link to a folder elsewhere;
- only leadpilot's files in them: the sheets (any format, locale, or owner), playbook_stats.csv,
  the rep pages and e-mails, and what a stopped run left of them (.partial). Anything else stays,
  and with it its folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flows.sheets.export import STEM
from flows.sheets.files import PLAYBOOK_STATS
from flows.sheets.rep_pages import FOLDER as REP_FOLDER


@dataclass
class Pruned:
    """What a pruning deleted (or would delete), and the old folders it left."""

    deleted: dict[Path, int] = field(default_factory=dict)  # a day's folder: bytes of its files
    unkept: list[Path] = field(default_factory=list)  # old, but the warehouse keeps no sheet
    foreign: list[Path] = field(default_factory=list)  # files not leadpilot's, left in place
    run_days: list[date] = field(default_factory=list)  # whose rows left the warehouse
    rows: dict[str, int] = field(default_factory=dict)  # of those days, per table

    @property
    def freed(self) -> int:
        return sum(self.deleted.values())

    def summary(self) -> dict[str, int]:
        """For the run's summary: counts only."""
        return {"folders": len(self.deleted), "bytes": self.freed,
                "left_unkept": len(self.unkept), "left_files": len(self.foreign),
                "run_days": len(self.run_days), "rows": sum(self.rows.values())}


def old_days(out: Path, run_date: date, keep_days: int) -> list[tuple[date, Path]]:
    """The folders under `out` named after a day more than `keep_days` days before `run_date`,
    oldest first.

    >>> old_days(Path("/nowhere"), date(2026, 12, 31), 30)
    []
    """
    cutoff = run_date - timedelta(days=keep_days)
    found = []
    for folder in out.iterdir() if out.is_dir() else []:
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue  # history/, evaluation/, anything of the team's
        if folder.name == day.isoformat() and folder.is_dir() and day < cutoff:
            found.append((day, folder))
    return sorted(found)


def leadpilot_files(folder: Path) -> list[Path]:
    """The files leadpilot writes in a day's folder (and their unfinished .partial copies)."""
    reps = folder / REP_FOLDER
    found = {*folder.glob(f"{STEM}*"), *folder.glob(f"{PLAYBOOK_STATS}*"),
             *reps.glob("*.html"), *reps.glob("*.eml"), *reps.glob("*.partial")}
    return sorted(path for path in found if path.is_file())


def prune(out: Path, sheet_days: Collection[date], run_date: date, keep_days: int,
          dry_run: bool = False, done: Callable[[Path], object] = lambda folder: None
          ) -> Pruned:
    """Delete leadpilot's files in the folders of the days more than `keep_days` before
    `run_date` whose sheet is among `sheet_days` (the days the warehouse keeps), and each folder
    left empty; `done` is told of each old folder once seen to. With `dry_run`, delete nothing
    and report the same."""
    pruned = Pruned()
    for day, folder in old_days(out, run_date, keep_days):
        if folder.is_symlink():  # its files are elsewhere: someone's archive, not ours
            pruned.foreign.append(folder)
        elif day in sheet_days:
            _prune_folder(folder, pruned, dry_run)
        else:
            pruned.unkept.append(folder)
        done(folder)
    return pruned


def _prune_folder(folder: Path, pruned: Pruned, dry_run: bool) -> None:
    files = leadpilot_files(folder)
    pruned.deleted[folder] = sum(path.stat().st_size for path in files)
    pruned.foreign += sorted(path for path in folder.rglob("*")
                             if path.is_file() and path not in files)
    if dry_run:
        return
    for path in files:
        path.unlink()
    for empty in (folder / REP_FOLDER, folder):
        if empty.is_dir() and not any(empty.iterdir()):
            os.rmdir(empty)
