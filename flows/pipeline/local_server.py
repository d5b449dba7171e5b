"""The Prefect server of one leadpilot command that runs a flow, when the team names none.

Prefect starts a temporary server of its own at a flow's first API call, once this process has
imported everything, and imports its whole server application here to do it. A command starts
the same server itself instead, as the first thing it does (`start`): a child process
(flows/pipeline/server_child.py: it dies with this process) that boots while this process
imports pandas, LightGBM and Prefect. `serving` then waits until it answers and points
Prefect's client at it, unless the team's settings name a server (PREFECT_API_URL in the
environment, a Prefect profile or prefect.toml): that one is used and ours stopped.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.errors import LeadpilotError
from flows.pipeline.prefect_env import STARTUP_TIMEOUT_SECONDS
from flows.settings import Settings

TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Automations (Prefect's triggers and their actions) need a server that outlives the command:
# the server child lives for one command, and starting them cost it 0.3-0.5 s of its boot
# (unless the team's environment says otherwise)
TRIGGERS_VARIABLE = "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"
# Block types are registered at each start for the UI and the blocks a flow saves; leadpilot saves
# none, the child has no UI, and `leadpilot serve`'s server registers them in the same database.
# Memoised, the registration still loads every Prefect collection installed to compare a hash,
# and prefect-dask imports Dask's distributed: 0.5 s of the child's boot (4.18 s against 4.65 s
# to its first answer, medians of 6 alternating starts)
BLOCKS_VARIABLES = ("PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
                    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION")
POLL_SECONDS = 0.1
STOP_SECONDS = 10


@dataclass
class LocalServer:
    """A server child: its process, its API's address, where it writes its own errors."""

    process: subprocess.Popen
    url: str
    log: Path


def start(settings: Settings) -> LocalServer | None:
    """Start a server child on a free loopback port, or None when PREFECT_API_URL is set.

    Call it before importing Prefect: its boot overlaps the command's imports. It is stopped
    when this process exits (and by its own watcher when this process is killed)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    log = settings.path(settings.log_file)
    log.parent.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    site = Path(importlib.util.find_spec("prefect").origin).parent.parent  # not imported
    with log.open("ab") as errors:  # uvicorn's own errors (--log-level error) go to the log
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.pipeline.server_child", str(os.getpid()),
             "--app-dir", str(site), "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
             "--lifespan", "on"],
            env={TRIGGERS_VARIABLE: "false", **dict.fromkeys(BLOCKS_VARIABLES, "false"),
                 **os.environ, "PREFECT_UI_ENABLED": "0",
                 "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"},
            stdin=subprocess.DEVNULL, stdout=errors, stderr=errors)
    server = LocalServer(process, f"http://127.0.0.1:{port}/api", log)
    atexit.register(stop, server)
    return server


@contextmanager
def serving(server: LocalServer | None) -> Iterator[None]:
    """Prefect's client pointed at `server` once it answers, unless the team's settings name a
    server (then ours is stopped). Raises LeadpilotError when it does not answer in time.

    On our server a flow sends no heartbeats: they serve the automations that mark a silent
    run crashed, which need a server that outlives the command (the next command's
    `mark_stale_runs` does it here). Each flow's end joined the heartbeat thread, which
    sleeps in steps of a second: 0.6 s of a run with no open lead."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    if server is None or PREFECT_API_URL.value():
        if server is not None:
            stop(server)
        yield
        return
    wait(server, float(os.environ.get(TIMEOUT_VARIABLE, STARTUP_TIMEOUT_SECONDS)))
    with temporary_settings(updates={PREFECT_API_URL: server.url,
                                     PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def wait(server: LocalServer, seconds: float, clock=time.monotonic) -> None:
    """Return once `server` answers its health check; raise LeadpilotError if it stops or
    takes longer than `seconds`."""
    import httpx

    deadline = clock() + seconds
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while True:
            code = server.process.poll()
            if code is not None:
                raise LeadpilotError(
                    f"Prefect's temporary server stopped as it started (exit code {code}): "
                    f"its error is in {server.log}.")
            try:
                if client.get(f"{server.url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            if clock() >= deadline:
                raise LeadpilotError(
                    f"Prefect's temporary server did not start within {seconds:g} s (a busy "
                    f"machine?): run the command again, raise {TIMEOUT_VARIABLE}, or start "
                    "`prefect server start` and set PREFECT_API_URL.")
            time.sleep(POLL_SECONDS)


def stop(server: LocalServer) -> None:
    """Stop the server child cleanly (uvicorn finishes on SIGTERM), killing it if it hangs."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
