"""Fixtures shared by the flows tests."""

from __future__ import annotations

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

    with LocalCluster(host="127.0.0.1", protocol="tcp://", n_workers=2, threads_per_worker=1,
                      processes=False, dashboard_address=None) as local:
        finished = Finished()
        local.scheduler.add_plugin(finished)
        yield local, finished
