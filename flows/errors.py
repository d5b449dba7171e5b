"""Errors a user can act on: the CLI prints their message as one sentence, never a traceback;
and the one sentence for each DuckDB error about the warehouse file itself (damaged, or not
writable), whichever statement met it (flows/store.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NoReturn


class LeadpilotError(Exception):
    """A problem the user can fix; its message is one clear sentence."""


def damaged(path: Path | str, exc: Exception) -> LeadpilotError:
    """The one sentence for a warehouse file DuckDB cannot read (truncated, damaged header)."""
    reason = str(exc).removeprefix("IO Error: ").split("\n")[0]
    return LeadpilotError(
        f"The warehouse {path} is damaged ({reason}); restore it from a backup, or move it "
        "aside and run `leadpilot import` to rebuild it.")


def unwritable(path: Path | str, exc: Exception) -> LeadpilotError:
    """The one sentence for a warehouse file (or folder) leadpilot may not write."""
    reason = str(exc).split("\n")[0].rsplit(": ", 1)[-1]
    return LeadpilotError(
        f"The warehouse {path} cannot be written ({reason}); check the permissions of the file "
        f"and of its folder {Path(path).parent} (leadpilot writes both), or restore a writable "
        "copy from a backup.")


# How the system says a file may not be written, in DuckDB's messages.
UNWRITABLE = ("Permission denied", "Operation not permitted", "Read-only file system")
# How DuckDB says a file cannot be read as a warehouse.
_DAMAGED = ("Could not read enough bytes", "not a valid DuckDB database", "checksum",
            "Corrupt", "corrupt")
_FILE = re.compile(r'file "([^"]+)"', re.IGNORECASE)


def explain(exc: BaseException, path: Path | str | None = None) -> LeadpilotError | None:
    """The one sentence for a DuckDB error about the warehouse file itself, met at any point
    (a commit that cannot write the file's log, a block cut off by a truncation), looking
    through the errors it caused; None when it is about something else. With `path`, only
    errors naming that file (or its .wal) count."""
    import duckdb  # here: `leadpilot --help` imports this module, never DuckDB

    seen: BaseException | None = exc
    chain: list[BaseException] = []
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for error in chain:
        text = str(error)
        named = _FILE.search(text)
        file = named.group(1).removesuffix(".wal") if named else None
        if not isinstance(error, duckdb.Error) or file is None or (
                path is not None and Path(file).resolve() != Path(path).resolve()):
            continue
        if any(word in text for word in UNWRITABLE):
            return unwritable(file, error)
        if any(word in text for word in _DAMAGED):
            return damaged(file, error)
    return None


def raise_explained(exc: Exception, path: Path | str) -> NoReturn:
    """Raise the one sentence for `exc` when it is about the warehouse `path`, else `exc`."""
    sentence = explain(exc, path)
    if sentence is None:
        raise exc
    raise sentence from exc
