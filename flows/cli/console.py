"""What every command shares: the consoles (stdout, and stderr for errors), the progress bar,
and the settings built once per command with Prefect's environment set before Prefect loads."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:  # built when a command runs, not when --help prints
    from flows.settings import Settings

console = Console(width=None if sys.stdout.isatty() else 150)
err = Console(stderr=True, soft_wrap=True)


def progress() -> Progress:
    """A bar with its description, count and elapsed time."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                    console=console, transient=False)


def settings() -> Settings:
    """The settings of this command, with Prefect pointed at data/prefect (quietly)."""
    from flows.pipeline.prefect_env import configure
    from flows.settings import Settings

    built = Settings()
    configure(built)
    return built
