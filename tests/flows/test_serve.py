"""Scheduling: two deployments with crons in the sales team's time zone, and a local server
that starts, answers and stops (short-lived)."""

from __future__ import annotations

import http.server
import threading

import prefect_db
import pytest

from flows.errors import LeadpilotError
from flows.pipeline.schedules import SCHEDULES, deployments
from flows.pipeline.serve import free_port, local_server, wait_until_healthy


def test_the_daily_and_weekly_flows_are_scheduled_in_paris_time():
    built = {d.name: d for d in deployments("Europe/Paris")}
    assert set(built) == {"daily-lead-sheet", "weekly-retrain"}
    daily = built["daily-lead-sheet"].schedules[0].schedule
    weekly = built["weekly-retrain"].schedules[0].schedule
    assert (daily.cron, daily.timezone) == ("0 7 * * 1-5", "Europe/Paris")
    assert (weekly.cron, weekly.timezone) == ("0 22 * * 0", "Europe/Paris")
    assert [s.deployment for s in SCHEDULES] == ["daily-lead-sheet", "weekly-retrain"]


def test_the_time_zone_is_a_parameter_not_utc_by_accident():
    built = deployments("America/New_York")
    assert {d.schedules[0].schedule.timezone for d in built} == {"America/New_York"}


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_waiting_for_health_returns_once_the_server_answers():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        wait_until_healthy(f"http://127.0.0.1:{server.server_port}/api", timeout=5)
    finally:
        server.shutdown()


def test_waiting_for_a_silent_server_gives_up_with_a_clear_sentence():
    port = free_port(0)
    with pytest.raises(LeadpilotError, match="did not answer"):
        wait_until_healthy(f"http://127.0.0.1:{port}/api", timeout=1.2)


@pytest.mark.slow
def test_a_local_prefect_server_starts_answers_and_stops(tmp_path):
    import httpx

    port = free_port(0)
    prefect_db.seed(tmp_path / "prefect")  # a migrated database: the server starts faster
    with local_server(tmp_path / "prefect", port, timeout=120) as api_url:
        assert httpx.get(f"{api_url}/health", timeout=5).status_code == 200
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{api_url}/health", timeout=2)
    assert (tmp_path / "prefect" / "server.log").exists()
