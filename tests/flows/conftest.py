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
