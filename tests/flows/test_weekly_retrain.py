"""The weekly retrain flow: a challenger is trained and judged against the champion, and the
cross-validated evaluation is published as a Prefect markdown artifact."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from support import ANCHOR, NOW

from flows import store
from flows.models import registry

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def test_the_weekly_retrain_keeps_the_champion_on_unchanged_outcomes_and_publishes_figures(
        demo_env, tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.pipeline.daily import weekly_retrain

    settings = demo_env[0]
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("LEADPILOT_MODELS_DIR", str(tmp_path / "models"))
    with store.opened(tmp_path / "w.duckdb") as con:
        champion = registry.champion(con, "warehouse")
    sunday = timedelta(days=2)  # after the demo's training, whose version is its moment
    folder = weekly_retrain(run_date=ANCHOR + sunday, now=NOW + sunday)
    with store.opened(tmp_path / "w.duckdb") as con:
        assert registry.champion(con, "warehouse") == champion
        (action, reason), = registry.events(con, folder.rsplit("/", 1)[-1])
    assert action == "kept_champion" and reason.startswith(f"kept champion {champion}")
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["model-evaluation", "model-card"])))
    published = {a.key: a.data for a in artifacts}
    assert "| ROC AUC |" in published["model-evaluation"]
    assert "| 10 |" in published["model-evaluation"]  # the reliability table, per decile
    assert "kept champion" in published["model-card"]
