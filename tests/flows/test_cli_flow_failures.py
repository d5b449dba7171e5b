"""A failed daily run prints one sentence on the console; Prefect's tracebacks go to the log."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from support import REPO, settings_env


def test_a_run_with_a_bad_price_book_is_one_sentence_and_the_details_are_in_the_log(
        demo_env, prefect_harness, tmp_path):
    from prefect.settings import PREFECT_API_URL

    settings = demo_env[0]
    # the session's Prefect server, as a team's own server set in PREFECT_API_URL would be:
    # no temporary server to start (test_killed_run.py runs those)
    env = {**settings_env(tmp_path), "LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"),
           "LEADPILOT_PRICE_BOOK": str(tmp_path / "pricebook.yaml"),
           "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": PREFECT_API_URL.value()}
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    (tmp_path / "pricebook.yaml").write_text(
        (REPO / "data" / "pricebook.yaml").read_text(encoding="utf-8") + "\nnot_a_setting: 1\n",
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", "run",
                             "--date", "2026-11-28"], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=300)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'pricebook.yaml'}, line ")
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    log = (tmp_path / "logs" / "leadpilot.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "not_a_setting" in log
