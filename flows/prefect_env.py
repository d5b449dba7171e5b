"""Prefect's environment, set before Prefect is imported: local state under data/, no telemetry."""

from __future__ import annotations

import os

from flows.settings import Settings


def configure(settings: Settings, quiet: bool = True) -> None:
    """Point Prefect at data/prefect and silence what a rep does not need to read.

    Variables already set by the user (for example PREFECT_API_URL) are kept.
    """
    os.environ.setdefault("PREFECT_HOME", str(settings.path(settings.prefect_home).resolve()))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false" if quiet else "true")
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
