"""`leadpilot prune`: the folders of old days under out_dir deleted, as the daily run does with
LEADPILOT_KEEP_SHEET_DAYS set (flows/sheets/retention.py), with a progress bar and a line for
each folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.console import Console
from rich.progress import Progress

from flows import clock
from flows.errors import LeadpilotError
from flows.pipeline.steps import prune_sheets
from flows.settings import Settings
from flows.sheets.retention import old_days


def prune_command(settings: Settings, console: Console, progress: Callable[[], Progress],
                  keep_days: int | None, day: date | None, dry_run: bool) -> None:
    keep_days = keep_days or settings.keep_sheet_days
    if keep_days is None:
        raise LeadpilotError("Say how many days of folders to keep: --keep-days 30, or "
                             "LEADPILOT_KEEP_SHEET_DAYS=30 in .env (the daily run then deletes "
                             "the older ones too).")
    day = day or clock.today(settings)
    out = settings.path(settings.out_dir)
    with progress() as bar:
        task = bar.add_task("Looking at old days" if dry_run else "Deleting old days",
                            total=len(old_days(out, day, keep_days)))
        pruned = prune_sheets(settings, day, keep_days, dry_run,
                              done=lambda folder: bar.advance(task))
    verb = "would delete" if dry_run else "deleted"
    for folder, size in pruned.deleted.items():
        console.print(f"{verb} {folder} ({size / 1e6:,.1f} MB)")
    for folder in pruned.unkept:
        console.print(f"kept {folder}: the warehouse keeps no sheet of that day to write again "
                      "(a day without open leads, or a folder from elsewhere)")
    for path in pruned.foreign:
        console.print(f"kept {path}: not a file leadpilot writes (its folder stays)")
    if not pruned.deleted:
        console.print(f"No folder under {out} is over {keep_days} days before {day} with its "
                      "sheet kept in the warehouse: nothing to delete.")
        return
    freed = f"{pruned.freed / 1e9:.2f} GB"
    console.print(f"Would delete {len(pruned.deleted)} day folder(s), {freed}." if dry_run else
                  f"Deleted {len(pruned.deleted)} day folder(s): {freed} freed. `leadpilot "
                  "export --date DAY --rep-pages` writes one again from the warehouse.")
