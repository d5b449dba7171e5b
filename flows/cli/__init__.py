"""The `leadpilot` command line: parsing, progress bars and one-sentence errors. Starts fast: each
command imports its heavy work when it runs.
"""

from flows.cli.commands import app, main

__all__ = ["app", "main"]
