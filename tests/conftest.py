"""Shared test set-up. Prefect's home goes to a fresh temp dir BEFORE prefect is imported, so
no cached result or database leaks between test sessions (see STACK_NOTES)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="leadpilot-prefect-")
atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.pop("PREFECT_API_URL", None)

import pytest  # noqa: E402
from support import ANCHOR, settings_env  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session, without the per-flow heartbeat cost."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120), temporary_settings(
        updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    ):
        yield


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory):
    """The default-size demo data as of ANCHOR, imported, enriched and trained on, once.

    Yields the Settings pointing at it; the LEADPILOT_* variables stay set for the session.
    """
    from datetime import datetime

    from flows.demo.data import generate, write_demo
    from flows.models.training import train_from_warehouse
    from flows.pipeline import steps
    from flows.settings import Settings

    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings_env(root).items():
            patch.setenv(key, value)
        settings = Settings()
        data = generate(ANCHOR, seed=42)
        write_demo(data, root / "demo")
        now = datetime(2026, 11, 27, 6, 0)
        steps.intake(settings, ANCHOR, now)
        steps.enrich(settings, now)
        train_from_warehouse(settings, now)
        yield settings, data, root
