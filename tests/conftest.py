"""Shared test set-up. Prefect's home goes to a fresh temp dir BEFORE prefect is imported, so
no cached result or database leaks between test sessions (see STACK_NOTES)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="leadpilot-prefect-")
atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.pop("PREFECT_API_URL", None)

import prefect_db  # noqa: E402
import pytest  # noqa: E402
from support import ANCHOR, settings_env  # noqa: E402

prefect_db.seed(Path(os.environ["PREFECT_HOME"]))  # a migrated database: servers start faster


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session, without the per-flow heartbeat cost."""
    import prefect.testing.utilities as harness
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    def seeded_mkdtemp(*args, **kwargs) -> str:
        # the harness puts its database, prefect-test.db, in a fresh mkdtemp() folder: give it
        # a migrated one (tests/prefect_db.py), Prefect only checks it is up to date
        folder = tempfile.mkdtemp(*args, **kwargs)
        prefect_db.seed(Path(folder), "prefect-test.db")
        return folder

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(harness, "mkdtemp", seeded_mkdtemp)
        stack = harness.prefect_test_harness(server_startup_timeout=120)
        stack.__enter__()
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
    finally:
        stack.__exit__(None, None, None)


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


# Fixtures whose first use costs seconds (a Prefect server, the trained demo): the modules that
# use them run first, so on several workers the long modules don't all end up last.
_COSTLY = {"prefect_harness", "demo_env"}


def pytest_collection_modifyitems(config, items):
    costly = {item.module.__name__ for item in items
              if _COSTLY & set(getattr(item, "fixturenames", ()))
              or item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module.__name__ not in costly)  # stable: order kept inside


def pytest_terminal_summary(terminalreporter, config):
    if config.getoption("markexpr") != "not slow":
        return
    # on several workers (xdist) the deselection happens in the workers: no count here
    skipped = len(terminalreporter.stats.get("deselected", []))
    terminalreporter.write_line(
        f"{skipped or 'The'} slow end-to-end tests were not run: `make test SLOW=1` runs them, "
        "as CI does (CI=true).")
