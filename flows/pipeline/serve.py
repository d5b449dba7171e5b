"""`leadpilot serve`: run the scheduled flows, starting a local Prefect server when none is set.

Prefect schedules only fire against a running Prefect server: with no PREFECT_API_URL, this
starts `prefect server start` on 127.0.0.1 (its database under data/prefect), waits until it
answers, serves the deployments, and stops the server on exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from flows.errors import LeadpilotError
from flows.settings import Settings


def free_port(preferred: int = 4200) -> int:
    """`preferred` when nothing listens on it, else any free port on 127.0.0.1."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise LeadpilotError("No free TCP port on 127.0.0.1 for the Prefect server.")


def wait_until_healthy(api_url: str, timeout: float,
                       process: subprocess.Popen | None = None) -> None:
    """Poll `<api_url>/health` until it answers 200, the process dies, or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LeadpilotError(f"The Prefect server exited with code {process.returncode} "
                                 "before it was ready; see data/prefect/server.log.")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise LeadpilotError(f"The Prefect server at {api_url} did not answer within {timeout:.0f} s.")


@contextmanager
def local_server(prefect_home: Path, port: int, timeout: float = 90) -> Iterator[str]:
    """Start `prefect server start` on 127.0.0.1:`port`; yield its API URL; stop it on exit."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(prefect_home.resolve()),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    log = (prefect_home / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_until_healthy(api_url, timeout, process)
        yield api_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def serve_forever(settings: Settings, console) -> None:
    """Serve the scheduled deployments until interrupted (Ctrl-C)."""
    from flows.pipeline.schedules import SCHEDULES

    def _serve() -> None:
        import prefect

        from flows.pipeline.schedules import deployments

        for s in SCHEDULES:
            console.print(f"  {s.deployment}: {s.meaning} ({settings.timezone})")
        prefect.serve(*deployments(settings.timezone), print_starting_message=False)

    if os.environ.get("PREFECT_API_URL"):
        console.print(f"Using the Prefect server at {os.environ['PREFECT_API_URL']}")
        _serve()
        return
    port = free_port()
    console.print(f"Starting a local Prefect server on 127.0.0.1:{port}…")
    with local_server(settings.path(settings.prefect_home), port) as api_url:
        os.environ["PREFECT_API_URL"] = api_url
        console.print(f"Prefect UI: http://127.0.0.1:{port} (Ctrl-C stops serving and the server)")
        _serve()
