"""What every command shares: the consoles (stdout, and stderr for errors), the progress bar,
and the settings built once per command with Prefect's environment set before Prefect loads."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

if TYPE_CHECKING:  # built when a command runs, not when --help prints
    from flows.settings import Settings

# markup, emoji codes and highlighting off: lead data, file names and error sentences print as
# they are (a header such as "[/]" used to crash the CLI); styles are given as Text or style=.
console = Console(width=None if sys.stdout.isatty() else 150, markup=False, emoji=False,
                  highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)


def error_line(sentence: str) -> Text:
    """"Error: <sentence>", the label in red, the sentence as plain text."""
    return Text.assemble(("Error:", "red"), " ", sentence)


def bold(label: str, rest: str = "") -> Text:
    """A bold label followed by plain text."""
    return Text.assemble((label, "bold"), rest)


def progress() -> Progress:
    """A bar with its description, count and elapsed time."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                    console=console, transient=False)


def settings() -> Settings:
    """The settings of this command, with Prefect pointed at data/prefect (quietly)."""
    from flows.pipeline.prefect_env import configure
    from flows.settings import Settings

    built = Settings()
    configure(built)
    return built
