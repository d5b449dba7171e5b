"""The visible trace of a failed run. A failed daily run writes `<out_dir>/STALE.txt` beside the
sheets (the newest sheet stays in place and is now out of date); a failed weekly retrain writes
`<out_dir>/RETRAIN_FAILED.txt` (the champion model goes on scoring, untaught by the latest
outcomes). Each also publishes a Prefect artifact (run-failed, retrain-failed) and goes away
when a later run of its kind succeeds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flows.settings import Settings

NAME = "STALE.txt"
RETRAIN_NAME = "RETRAIN_FAILED.txt"


def marker(settings: Settings, name: str = NAME) -> Path:
    """Where a marker goes: the top of the sheets folder, where ops look first."""
    return settings.path(settings.out_dir) / name


def mark(settings: Settings, run_date: date, exc: BaseException, at: datetime) -> Path:
    """Write the daily run's marker and publish its failure artifact; returns the marker."""
    folder = settings.path(settings.out_dir)
    sheets = sorted(p.parent.name for p in folder.glob("*/lead_sheet.*")) if folder.is_dir() \
        else []
    newest = sheets[-1] if sheets else None
    lines = [f"The daily run of {run_date} FAILED at {at:%Y-%m-%d %H:%M} UTC: {_sentence(exc)}",
             (f"The newest lead sheet, of {newest}, is STALE." if newest and
              newest != run_date.isoformat() else "There is no up-to-date lead sheet."),
             f"Details: {settings.path(settings.log_file)}. This file goes away when a run of "
             f"{run_date} succeeds."]
    return _publish(marker(settings), lines, "run-failed", "Run failed")


def mark_retrain(settings: Settings, run_date: date, exc: BaseException, at: datetime) -> Path:
    """Write the weekly retrain's marker and publish its failure artifact; returns the marker."""
    lines = [f"The weekly retrain of {run_date} FAILED at {at:%Y-%m-%d %H:%M} UTC: "
             f"{_sentence(exc)}",
             "The daily runs go on scoring with the current champion model, which has not "
             "learnt from the latest outcomes.",
             f"Details: {settings.path(settings.log_file)}. This file goes away when a weekly "
             "retrain succeeds."]
    return _publish(marker(settings, RETRAIN_NAME), lines, "retrain-failed", "Retrain failed")


def _sentence(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


def _publish(path: Path, lines: list[str], key: str, title: str) -> Path:
    from prefect.artifacts import create_markdown_artifact

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        create_markdown_artifact(key=key, markdown=f"# {title}\n\n" + "\n\n".join(lines))
    except Exception:  # the marker on disk is the one that must exist
        pass
    return path


def clear(settings: Settings, run_date: date) -> None:
    """Remove the daily marker once a run of the date it names succeeded (or a later date did)."""
    path = marker(settings)
    if path.exists():
        first = path.read_text(encoding="utf-8").split(" FAILED", 1)[0]
        failed = first.removeprefix("The daily run of ")
        if failed <= run_date.isoformat():
            path.unlink()


def clear_retrain(settings: Settings) -> None:
    """Remove the retrain marker once a weekly retrain succeeded."""
    marker(settings, RETRAIN_NAME).unlink(missing_ok=True)
