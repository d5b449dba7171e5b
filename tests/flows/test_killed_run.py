"""A killed `leadpilot run` leaves no orphan Prefect server, and the next run marks the killed
run crashed instead of leaving it Running forever."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import prefect_db
import pytest
from support import settings_env

from flows.pipeline.prefect_env import PID_TAG

pytestmark = pytest.mark.slow


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"flows.pipeline.server_child" in argv and str(parent).encode() in argv:
            found.append(int(entry.name))
    return found


def _rows(database: Path, query: str) -> list[tuple]:
    """The rows of `query` in Prefect's database, none while it or its schema is not there."""
    if not database.exists():
        return []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as con:
        try:
            return con.execute(query).fetchall()
        except sqlite3.OperationalError:  # the schema is not there yet
            return []


def _states(database: Path) -> list[str]:
    return [s for (s,) in _rows(database, "SELECT state_type FROM flow_run ORDER BY created")]


def _tagged_running(database: Path, pid: int) -> bool:
    """Whether the database holds a Running flow run tagged with `pid`'s process tag: the tag
    comes from the run's on_running hook, a moment after Running is stored (a run killed in that
    moment has no tag, and waits for settings.stale_run_hours: tests/flows/test_stale_runs.py)."""
    rows = _rows(database, "SELECT tags FROM flow_run WHERE state_type = 'RUNNING'")
    return any(f'"{PID_TAG}{pid}"' in (tags or "") for (tags,) in rows)


def _wait(condition, seconds: float = 180) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_run_takes_its_server_along_and_the_next_run_marks_it_crashed(demo_env,
                                                                                tmp_path):
    settings, _, root = demo_env
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    env = {**os.environ, **settings_env(root), "PREFECT_HOME": str(tmp_path / "prefect"),
           "LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"),
           "LEADPILOT_OUT_DIR": str(tmp_path / "out"),
           "LEADPILOT_REJECTS_DIR": str(tmp_path / "rejects"),
           "LEADPILOT_LOG_FILE": str(tmp_path / "leadpilot.log")}
    env.pop("PREFECT_API_URL", None)
    prefect_db.seed(tmp_path / "prefect")  # a migrated database: each server starts faster
    command = [sys.executable, "-c", "from flows.cli import main; main()", "run", "--date",
               "2026-11-27"]
    database = tmp_path / "prefect" / "prefect.db"
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: _tagged_running(database, first.pid)), \
            "the run never started, or never got its process tag"
        servers = _children(first.pid)
        assert servers, "no temporary server found"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert _wait(lambda: not any(Path(f"/proc/{p}").exists() for p in servers), 60), \
        "the temporary server outlived its killed parent"
    assert _states(database) == ["RUNNING"]
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert _states(database) == ["CRASHED", "COMPLETED"]
