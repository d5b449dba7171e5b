"""Prefect's environment, set before Prefect is imported: local state under data/, no telemetry."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flows.settings import Settings

# Seconds a temporary Prefect server may take to answer (Prefect's default, 20 s, is too short
# for a busy 2-core machine: its start-up alone measured 12-19 s there).
STARTUP_TIMEOUT_SECONDS = 120
_STARTUP_FAILED = "Timed out while attempting to connect to ephemeral Prefect API server"


def configure(settings: Settings, quiet: bool = True) -> None:
    """Point Prefect at data/prefect and silence what a rep does not need to read.

    Variables already set by the user (for example PREFECT_API_URL) are kept.
    """
    os.environ.setdefault("PREFECT_HOME", str(settings.path(settings.prefect_home).resolve()))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false" if quiet else "true")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                          str(STARTUP_TIMEOUT_SECONDS))
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
        # Prefect's console handler shows nothing but a crash: its tracebacks of a failed task
        # or flow go to the log file (log_to_file), the console gets our one sentence
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def log_to_file(settings: Settings) -> Path:
    """Send every warning and error (Prefect's tracebacks included) to the settings' log file.

    Call it once Prefect is imported: importing it configures logging and drops handlers added
    before. Returns the file.
    """
    import prefect  # noqa: F401  (its logging set-up must come first)

    path = settings.path(settings.log_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path.resolve()) for h in root.handlers):
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.WARNING)
        root.addHandler(handler)
    return path


def startup_failure(exc: BaseException) -> str | None:
    """The one sentence to print when `exc` is Prefect's temporary server failing to start."""
    if not isinstance(exc, RuntimeError) or not str(exc).startswith(_STARTUP_FAILED):
        return None
    waited = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                            str(STARTUP_TIMEOUT_SECONDS))
    return (f"Prefect's temporary server did not start within {waited} s (a busy machine?): "
            "run the command again, raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, "
            "or start `prefect server start` and set PREFECT_API_URL.")
