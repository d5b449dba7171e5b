"""The visible trace of a failed daily run: `<out_dir>/STALE.txt` beside the sheets (the newest
sheet stays in place and is now out of date) and a `run-failed` Prefect artifact."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flows.settings import Settings

NAME = "STALE.txt"


def marker(settings: Settings) -> Path:
    """Where the marker goes: the top of the sheets folder, where ops look first."""
    return settings.path(settings.out_dir) / NAME


def mark(settings: Settings, run_date: date, exc: BaseException, at: datetime) -> Path:
    """Write the marker and publish the failure artifact; returns the marker."""
    from prefect.artifacts import create_markdown_artifact

    folder = settings.path(settings.out_dir)
    sheets = sorted(p.parent.name for p in folder.glob("*/lead_sheet.*")) if folder.is_dir() \
        else []
    newest = sheets[-1] if sheets else None
    sentence = f"{type(exc).__name__}: {exc}".splitlines()[0]
    lines = [f"The daily run of {run_date} FAILED at {at:%Y-%m-%d %H:%M} UTC: {sentence}",
             (f"The newest lead sheet, of {newest}, is STALE." if newest and
              newest != run_date.isoformat() else "There is no up-to-date lead sheet."),
             f"Details: {settings.path(settings.log_file)}. This file goes away when a run of "
             f"{run_date} succeeds."]
    folder.mkdir(parents=True, exist_ok=True)
    path = marker(settings)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        create_markdown_artifact(key="run-failed", markdown="# Run failed\n\n" + "\n\n".join(
            lines))
    except Exception:  # the marker on disk is the one that must exist
        pass
    return path


def clear(settings: Settings, run_date: date) -> None:
    """Remove the marker once a run of the date it names succeeded (or a later date did)."""
    path = marker(settings)
    if path.exists():
        first = path.read_text(encoding="utf-8").split(" FAILED", 1)[0]
        failed = first.removeprefix("The daily run of ")
        if failed <= run_date.isoformat():
            path.unlink()
