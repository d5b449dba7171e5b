"""A failed daily run says so beside the sheets (STALE.txt) and in a run-failed artifact; a
disk hiccup while writing the sheet is retried by Prefect."""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import duckdb
import pytest
from support import NOW

from flows.errors import LeadpilotError

pytestmark = pytest.mark.usefixtures("prefect_harness")
DAY = date(2026, 11, 27)


@pytest.fixture
def copy(demo_copy):
    (demo_copy / "out" / "2026-11-26").mkdir(parents=True)
    (demo_copy / "out" / "2026-11-26" / "lead_sheet.csv").write_text("yesterday\n")
    return demo_copy


def test_a_failed_run_leaves_a_stale_marker_and_a_failure_artifact(copy):
    from prefect.client.orchestration import get_client

    from flows.pipeline.daily import daily_lead_sheet

    with duckdb.connect(str(copy / "w.duckdb")) as con:
        con.execute("UPDATE models SET model_text = replace(model_text, 'end of trees', '')")
    with pytest.raises(LeadpilotError):
        daily_lead_sheet(run_date=DAY, now=NOW)
    marker = (copy / "out" / "STALE.txt").read_text(encoding="utf-8")
    assert marker.startswith("The daily run of 2026-11-27 FAILED at 2026-11-27 06:00 UTC: "
                             "LeadpilotError: The model ")
    assert "The newest lead sheet, of 2026-11-26, is STALE." in marker
    with get_client(sync_client=True) as client:  # the session's server: other runs failed
        failed = [str(a.data) for a in client.read_artifacts() if a.key == "run-failed"]
    assert any(marker.strip().replace("\n", "\n\n") in text for text in failed)


def test_a_sheet_write_that_fails_once_is_retried_and_a_good_run_clears_the_marker(
        copy, monkeypatch):
    from flows.pipeline import daily, publishing, stale

    (copy / "out" / stale.NAME).write_text("The daily run of 2026-11-27 FAILED at ...\n")
    real, calls = publishing.sheet_files.sheet_writer, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(5, "Input/output error")
        return real(*args, **kwargs)

    monkeypatch.setattr(publishing.sheet_files, "sheet_writer", flaky)
    path = daily.daily_lead_sheet(run_date=DAY, now=NOW)
    assert len(calls) == 2
    assert (copy / "out" / "2026-11-27" / "lead_sheet.csv").exists() and path
    assert not (copy / "out" / stale.NAME).exists()


def test_a_failed_run_notifies_the_webhook_of_the_settings(copy, monkeypatch):
    """Against a local receiver on 127.0.0.1 started here."""
    from flows.pipeline.daily import daily_lead_sheet

    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("LEADPILOT_NOTIFY_URL", f"http://127.0.0.1:{server.server_port}/hook")
        (copy / "grades.yaml").write_text("minimum_probability: {A: 2}\n", encoding="utf-8")
        monkeypatch.setenv("LEADPILOT_GRADES", str(copy / "grades.yaml"))
        with pytest.raises(LeadpilotError):
            daily_lead_sheet(run_date=DAY, now=NOW)
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 1
    assert received[0]["flow"] == "daily-lead-sheet" and received[0]["status"] == "failed"
    assert received[0]["run_date"] == "2026-11-27"
    assert "grades.yaml" in received[0]["error"]
    assert received[0]["stale_marker"] == str(copy / "out" / "STALE.txt")
