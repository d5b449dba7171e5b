"""Prefect's environment, set before Prefect is imported: local state under data/, no telemetry."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flows.settings import Settings

# Seconds a temporary Prefect server may take to answer (Prefect's default, 20 s, is too short
# for a busy 2-core machine: its start-up alone measured 12-19 s there).
STARTUP_TIMEOUT_SECONDS = 120


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


PID_TAG = "leadpilot-pid:"


def run_tag() -> str:
    """The tag of this process's flow runs: a later run tells a killed one by it."""
    return f"{PID_TAG}{os.getpid()}"


def pid_tagged(flow):
    """`flow` whose runs get this process's tag (run_tag) as soon as they are Running.

    Not through a `prefect.tags()` context around the call: every task run would inherit the
    tag, and Prefect asks the server for that tag's concurrency slots before each tagged task
    (about 0.7 s per task on a busy 2-core machine, 12 tasks a day).
    """
    return flow.with_options(on_running=[*flow.on_running_hooks, _tag_with_pid])


def _tag_with_pid(flow, flow_run, state) -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, tags=sorted({*(flow_run.tags or []), run_tag()}))


# The flows whose untagged runs may be marked crashed after settings.stale_run_hours.
FLOW_NAMES = ("daily-lead-sheet", "weekly-retrain")


def mark_stale_runs(now: datetime, limit: timedelta) -> int:
    """Mark crashed the flow runs still Running or Pending whose leadpilot process is gone (it
    was killed: Prefect never heard of its end), and the untagged runs of leadpilot's flows
    that started more than `limit` before `now` (aware, or naive UTC). Returns how many."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    now = _utc(now)
    unfinished = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
        any_=[StateType.RUNNING, StateType.PENDING])))
    marked = 0
    names: dict = {}
    with get_client(sync_client=True) as client:
        for run in client.read_flow_runs(flow_run_filter=unfinished):
            if run.flow_id not in names:
                names[run.flow_id] = client.read_flow(run.flow_id).name
            why = _why_stale(run, names[run.flow_id], now, limit)
            if why:
                client.set_flow_run_state(run.id, Crashed(message=why), force=True)
                marked += 1
    return marked


def _why_stale(run, flow_name: str | None, now: datetime, limit: timedelta) -> str | None:
    """Why `run` (Running or Pending) is stale, or None when it may still be going."""
    pids = [int(t.removeprefix(PID_TAG)) for t in run.tags if t.startswith(PID_TAG)]
    if pids:
        return None if _alive(pids[0]) else (
            f"leadpilot process {pids[0]} ended without finishing this run (killed?); marked "
            "crashed by the next run.")
    began = run.start_time or run.expected_start_time or run.created
    if flow_name not in FLOW_NAMES or began is None or now - _utc(began) <= limit:
        return None
    began = _utc(began)
    return (f"still {run.state_type.value.lower()} {(now - began) / timedelta(hours=1):.1f} h "
            f"after it began, over the {limit / timedelta(hours=1):g} h limit "
            "(LEADPILOT_STALE_RUN_HOURS), with no leadpilot process to finish it; marked "
            "crashed by the next run.")


def _utc(moment: datetime) -> datetime:
    """A plain aware datetime in UTC (Prefect's own may be pendulum's); naive means UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return datetime.fromtimestamp(moment.timestamp(), tz=UTC)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def before_flows(settings: Settings) -> Path:
    """What a command does before it runs a flow, once Prefect's API is known
    (flows/pipeline/local_server.py): the log file, and the runs a killed process left Running
    marked crashed."""
    from flows.clock import utc_now

    path = log_to_file(settings)
    # Prefect's own timestamps are the machine's: compared with the real clock, never with a
    # calendar moved by LEADPILOT_TODAY
    mark_stale_runs(utc_now(), timedelta(hours=settings.stale_run_hours))
    return path
