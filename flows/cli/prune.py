"""`leadpilot prune`: what is over N days old deleted, as the daily run does with
LEADPILOT_KEEP_DAYS set: the folders under out_dir (flows/sheets/retention.py) and the rows of old
runs (flows/pipeline/old_runs.py), with a progress bar and a line for each folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.console import Console
from rich.progress import Progress

from flows import clock
from flows.errors import LeadpilotError
from flows.pipeline.steps import prune_old_days
from flows.settings import Settings
from flows.sheets.retention import old_days


def prune_command(settings: Settings, console: Console, progress: Callable[[], Progress],
                  keep_days: int | None, day: date | None, dry_run: bool) -> None:
    keep_days = keep_days or settings.keep_days
    if keep_days is None:
        raise LeadpilotError("Say how many days to keep: --keep-days 30, or "
                             "LEADPILOT_KEEP_DAYS=30 in .env (the daily run then deletes "
                             "what is older too).")
    day = day or clock.today(settings)
    out = settings.path(settings.out_dir)
    with progress() as bar:
        task = bar.add_task("Looking at old days" if dry_run else "Deleting old days",
                            total=len(old_days(out, day, keep_days)))
        pruned = prune_old_days(settings, day, keep_days, dry_run,
                                done=lambda folder: bar.advance(task))
    verb = "would delete" if dry_run else "deleted"
    for folder, size in pruned.deleted.items():
        console.print(f"{verb} {folder} ({size / 1e6:,.1f} MB)")
    for folder in pruned.unkept:
        console.print(f"kept {folder}: the warehouse keeps no sheet of that day to write again "
                      "(a day without open leads, or a folder from elsewhere)")
    for path in pruned.foreign:
        console.print(f"kept {path}: " + ("a link to a folder elsewhere" if path.is_symlink()
                                          else "not a file leadpilot writes (its folder stays)"))
    if pruned.run_days:
        console.print(f"{verb} the features, scores and prices of {len(pruned.run_days)} run "
                      f"day(s) ({_span(pruned.run_days)}) from the warehouse: "
                      f"{_rows(pruned.rows)}")
    if not pruned.deleted and not pruned.run_days:
        console.print(f"Nothing to delete over {keep_days} days before {day}.")
        return
    console.print(f"{'Would delete' if dry_run else 'Deleted'} {len(pruned.deleted)} day "
                  f"folder(s) ({pruned.freed / 1e9:.2f} GB) and {sum(pruned.rows.values())} "
                  "rows. The sheets handed out stay in the warehouse: `leadpilot export --date "
                  "DAY --rep-pages` writes a day's folder again.")


def _rows(rows: dict[str, int]) -> str:
    """
    >>> _rows({"lead_features": 2000, "scores": 2000, "quotes": 1500})
    '2000 rows of lead_features, 2000 of scores, 1500 of quotes'
    """
    return ", ".join(f"{count} {'rows ' if i == 0 else ''}of {table}"
                     for i, (table, count) in enumerate(rows.items()))


def _span(days: list[date]) -> str:
    """
    >>> _span([date(2026, 10, 1)]), _span([date(2026, 10, 1), date(2026, 10, 2)])
    ('2026-10-01', '2026-10-01 to 2026-10-02')
    """
    return f"{days[0]}" if len(days) == 1 else f"{days[0]} to {days[-1]}"
