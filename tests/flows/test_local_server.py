"""The Prefect server a command starts for itself (flows/pipeline/local_server.py): a real child
on a loopback port, used unless the team's settings name a server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import prefect_db
import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from flows.errors import LeadpilotError
from flows.pipeline import local_server
from flows.pipeline.local_server import LocalServer
from flows.settings import Settings


def _child(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code])


def test_no_server_is_started_when_prefect_api_url_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert local_server.start(Settings(home=tmp_path)) is None


def test_the_server_boots_on_loopback_and_prefect_uses_it_until_the_command_ends(tmp_path,
                                                                                monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    prefect_db.seed(tmp_path / "prefect")  # a migrated database: it boots faster
    for variable in (local_server.TRIGGERS_VARIABLE, *local_server.BLOCKS_VARIABLES):
        monkeypatch.delenv(variable, raising=False)
    server = local_server.start(Settings(home=tmp_path))
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/api")
        # no team server named; heartbeats as Prefect's default (the session's harness has none)
        with temporary_settings(restore_defaults={PREFECT_API_URL},
                                updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 180}):
            with local_server.serving(server):
                assert PREFECT_API_URL.value() == server.url
                # no heartbeats to a server that dies with the command (their join cost each
                # flow's end up to a second)
                assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
                from prefect.client.orchestration import get_client

                with get_client(sync_client=True) as client:
                    assert client.api_healthcheck() is None  # None: healthy
                # a server of one command starts no automations (they need one that outlives
                # it); read once it answers: just after its start, /proc may show no
                # environment yet (the child between fork and exec)
                environ = Path(f"/proc/{server.process.pid}/environ").read_bytes().split(b"\0")
                assert f"{local_server.TRIGGERS_VARIABLE}=false".encode() in environ
                # nor registers block types: it never loaded the installed collections to
                # compare their hash with the memo it would then have written
                for variable in local_server.BLOCKS_VARIABLES:
                    assert f"{variable}=false".encode() in environ
                assert not (tmp_path / "prefect" / "memo_store.toml").exists()
            assert PREFECT_API_URL.value() != server.url
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180
    finally:
        local_server.stop(server)
    assert server.process.poll() is not None


def test_a_server_named_by_the_team_wins_and_ours_is_stopped(tmp_path):
    ours = LocalServer(_child("import time; time.sleep(60)"), "http://127.0.0.1:9/api",
                       tmp_path / "log")
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api",
                                     PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 180}):
        with local_server.serving(ours):
            assert PREFECT_API_URL.value() == "http://127.0.0.1:4200/api"
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180  # for its automations
    assert ours.process.poll() is not None


def test_a_server_that_stops_at_start_up_is_one_sentence_naming_the_log(tmp_path):
    dead = LocalServer(_child("raise SystemExit(3)"), "http://127.0.0.1:9/api", tmp_path / "l")
    dead.process.wait()
    with pytest.raises(LeadpilotError, match=r"stopped as it started \(exit code 3\): its "
                                             r"error is in .*l\."):
        local_server.wait(dead, 60)


def test_a_server_that_does_not_answer_in_time_is_one_sentence(tmp_path):
    silent = LocalServer(_child("import time; time.sleep(60)"), "http://127.0.0.1:9/api",
                         tmp_path / "log")
    ticks = iter(range(100))
    try:
        with pytest.raises(LeadpilotError, match="did not start within 3 s"):
            local_server.wait(silent, 3, clock=lambda: next(ticks))  # 3 polls, then it gives up
        assert next(ticks) == 4  # the deadline read, then one read per poll
    finally:
        local_server.stop(silent)

