"""Telling ops that a daily run or a weekly retrain failed: a JSON POST to the webhook of
LEADPILOT_NOTIFY_URL."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import httpx

from flows.settings import Settings

TIMEOUT_SECONDS = 10


def run_failed(settings: Settings, run_date: date, exc: BaseException, marker: Path,
               flow: str = "daily-lead-sheet") -> bool:
    """POST the failure of `flow` to the settings' webhook; True when it answered 2xx.

    Never raises: a webhook that is down must not hide the run's own error (it is logged).
    """
    if not settings.notify_url:
        return False
    body = {"flow": flow, "run_date": run_date.isoformat(), "status": "failed",
            "error": f"{type(exc).__name__}: {exc}".splitlines()[0],
            "stale_marker": str(marker)}
    try:
        answer = httpx.post(settings.notify_url, json=body, timeout=TIMEOUT_SECONDS)
        answer.raise_for_status()
    except httpx.HTTPError as error:
        logging.getLogger("leadpilot").error("Could not notify %s of the failed run: %s",
                                             settings.notify_url, error)
        return False
    return True
