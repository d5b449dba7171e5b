"""Fixtures shared by the flows tests."""

from __future__ import annotations

import shutil

import pytest
from http_replay import ReplayServer


@pytest.fixture(scope="module")
def server():
    """A local HTTP server on 127.0.0.1 that replays recorded answers and injects faults."""
    replay = ReplayServer().start()
    yield replay
    replay.stop()


@pytest.fixture(scope="module")
def cluster():
    """A Dask scheduler and two single-thread workers on loopback TCP (no dashboard), with the
    keys of the tasks its workers finished (the Dask tests count the cluster's work)."""
    from distributed import LocalCluster
    from distributed.diagnostics.plugin import SchedulerPlugin

    class Finished(SchedulerPlugin):
        def __init__(self):
            self.keys: list[str] = []

        def transition(self, key, start, finish, *args, **kwargs):
            if finish == "memory":
                self.keys.append(str(key))

    # without a dashboard the scheduler still serves HTTP (health, metrics), on 127.0.0.1:8787
    # by default: a free port instead, so two test workers' clusters do not contend for it
    with LocalCluster(host="127.0.0.1", protocol="tcp://", n_workers=2, threads_per_worker=1,
                      processes=False, dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as local:
        finished = Finished()
        local.scheduler.add_plugin(finished)
        yield local, finished


@pytest.fixture
def demo_copy(demo_env, tmp_path, monkeypatch):
    """The session's demo warehouse copied to tmp_path/w.duckdb, its outputs, rejects and log
    there too: a test that runs the flow on the copy leaves the shared demo as it was."""
    settings = demo_env[0]
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    for key, value in {"WAREHOUSE": "w.duckdb", "OUT_DIR": "out", "REJECTS_DIR": "rejects",
                       "LOG_FILE": "leadpilot.log"}.items():
        monkeypatch.setenv(f"LEADPILOT_{key}", str(tmp_path / value))
    return tmp_path
