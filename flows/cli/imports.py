"""What `leadpilot import FILE` and `leadpilot outcomes FILE` print: a progress bar while they
work, then the detected format, the mapping, the counts and the first rejects."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows import store
from flows.cli.console import bold
from flows.settings import Settings

# Share of the bar each stage of an import takes: reading dominates.
_STAGES = {"Reading": (0, 70), "Checking rows": (70, 80),
           "Matching leads and companies": (80, 90), "Writing": (90, 99), "Done": (100, 100)}


def _progress(console: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description:<30}", markup=False),
                    BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                    console=console, transient=True)


def run_import(settings: Settings, file: Path, preset: str | None, mapping_file: Path | None,
               dry_run: bool, console: Console, now: datetime, day: date) -> None:
    """Import FILE into the warehouse (or preview it) and print the summary; its rejects go
    to the folder of `day`, the team's calendar day."""
    from flows.intake.importer import import_file
    from flows.intake.mapping import load_mapping

    mapping = load_mapping(preset, mapping_file)
    rejects_dir = settings.path(settings.rejects_dir) / day.isoformat()
    warehouse = settings.path(settings.warehouse)
    opener = store.opened_read_only if dry_run else store.opened
    with _progress(console) as progress, opener(warehouse) as con:
        bar = progress.add_task("Detecting the format", total=100)

        def stage(name: str, done: float) -> None:
            low, high = _STAGES.get(name, (0, 100))
            progress.update(bar, description=name, completed=low + (high - low) * done)

        summary = import_file(con, file, mapping, rejects_dir, now, dry_run=dry_run,
                              stage=stage)
    title = "Dry run: nothing was written" if dry_run else "Imported"
    console.print(bold(title, f" {file}"))
    console.print(f"  format: {summary.format}")
    console.print(f"  mapping ({mapping.description}):")
    for line in summary.mapping:  # header names are the file's: never markup
        console.print(f"    {line}")
    print_counts(console, summary)
    if summary.first_rejects:
        print_rejects(console, summary.first_rejects)
    if summary.rejects_file:
        console.print("  rejected rows, with their line and reason: "
                      f"{summary.rejects_file}")


def _equation(console: Console, summary, columns: dict[str, str], skipped: str) -> None:
    """The row equation as a table (heading: summary field), then the erased people skipped."""
    table = Table(*columns)
    table.add_row(*(str(getattr(summary, field)) for field in columns.values()))
    console.print(table)
    if summary.suppressed:
        console.print(f"  ({summary.suppressed} rows of people erased by `leadpilot forget` "
                      f"skipped: {skipped})")


def print_counts(console: Console, summary) -> None:
    """The row equation, as a table."""
    _equation(console, summary, {
        "read": "read", "inserted": "inserted", "updated": "updated", "unchanged": "unchanged",
        "merged duplicates": "merged", "rejected": "rejected", "suppressed": "suppressed"},
        "they stay out of the warehouse and the rejects file")
    if getattr(summary, "blank", 0):
        console.print(f"  ({summary.blank} empty rows skipped)")


def print_rejects(console: Console, rows: list[dict]) -> None:
    """The first rejects: line, reason, original text (cut)."""
    table = Table("line", "reason", "original text", title="First rejected rows")
    for row in rows:
        raw = row["raw"] if len(row["raw"]) <= 80 else row["raw"][:77] + "…"
        table.add_row(str(row["line"]), row["reason"], raw)
    console.print(table)


def run_outcomes(settings: Settings, file: Path, dry_run: bool, console: Console,
                 now: datetime, day: date) -> None:
    """Record the outcomes of FILE (or preview them) and print the summary."""
    from flows.intake.outcomes import record_outcomes

    rejects_dir = settings.path(settings.rejects_dir) / day.isoformat()
    opener = store.opened_read_only if dry_run else store.opened
    with console.status("Reading the outcomes…"), opener(settings.path(settings.warehouse)) as con:
        summary = record_outcomes(con, file, rejects_dir, now, dry_run=dry_run, today=day)
    title = "Dry run: nothing was written" if dry_run else "Outcomes recorded from"
    console.print(bold(title, f" {file}"))
    console.print(f"  format: {summary.format}")
    _equation(console, summary, {
        "read": "read", "recorded": "recorded", "unchanged": "unchanged",
        "merged duplicates": "merged", "no outcome yet": "skipped", "rejected": "rejected",
        "suppressed": "suppressed"}, "they are neither recorded nor in the rejects file")
    console.print(f"  {summary.closed} leads closed as won or lost: the next `leadpilot train` "
                  "learns from them.")
    if summary.feedback:
        marks = ", ".join(f"{n} {_MARKS[kind]}" for kind, n in summary.feedback.items())
        console.print(f"  feedback recorded: {marks}: the next daily sheet follows it "
                      "(`leadpilot playbook-stats` counts the talking points).")
    if summary.first_rejects:
        print_rejects(console, summary.first_rejects)
    if summary.rejects_file:
        console.print("  rejected rows, with their line and reason: "
                      f"{summary.rejects_file}")


_MARKS = {"not_a_fit": "not a fit", "wrong_contact": "wrong contact", "move_up": "moved up",
          "move_down": "moved down", "point_useful": "talking point useful",
          "point_wrong": "talking point wrong"}


def print_playbook_stats(settings: Settings, console: Console) -> None:
    """The talking points' counts as a table, the most often wrong first."""
    from flows.pipeline.publishing import playbook_stats

    with store.opened(settings.path(settings.warehouse)) as con:
        stats = playbook_stats(con)
    table = Table("talking point (playbook id)", "shown to leads", "useful", "wrong",
                  title="Talking points as the reps found them")
    for row in stats.itertuples():
        table.add_row(row.point_id, str(row.shown_to_leads), str(row.useful), str(row.wrong))
    console.print(table)
    if stats.empty:
        console.print("  no talking point shown yet: run the daily sheet first.")
