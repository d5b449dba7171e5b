"""Every model is versioned in the warehouse with its card; a challenger replaces the champion
only when it is clearly better on the most recent closed leads; rolling back is one command."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import numpy as np
import pytest
from typer.testing import CliRunner

from features.point_in_time import model_matrix
from flows import store
from flows.cli import app
from flows.errors import LeadpilotError
from flows.models import files as model_files
from flows.models import registry
from flows.models.training import train_from_warehouse, training_frame


@pytest.fixture(scope="module")
def retrained(demo_env, tmp_path_factory):
    """A copy of the demo warehouse where the same outcomes were trained on a second time."""
    settings = demo_env[0]
    root = tmp_path_factory.mktemp("registry")
    shutil.copy(settings.path(settings.warehouse), root / "w.duckdb")
    local = settings.model_copy(update={"warehouse": root / "w.duckdb",
                                        "models_dir": root / "models", "search_candidates": 1})
    folder, card = train_from_warehouse(local, datetime(2026, 11, 29, 22, 0))
    return local, folder, card


def test_the_trained_model_is_in_the_warehouse_with_its_card_and_scores_like_its_files(demo_env):
    settings = demo_env[0]
    folder = model_files.latest(settings.path(settings.models_dir))
    with store.opened(settings.path(settings.warehouse)) as con:
        assert registry.champion(con, "warehouse") == folder.name
        from_warehouse = registry.load(con, folder.name)
        frame = training_frame(con, settings.history_lag_days).tail(200)
        stored = json.loads(con.execute("SELECT CAST(card AS VARCHAR) FROM models").fetchone()[0])
    assert stored["version"] == folder.name and stored["kind"] == "warehouse"
    assert stored["calibration"]["method"] in ("platt", "isotonic")
    matrix = model_matrix(frame)
    assert np.allclose(from_warehouse.predict(matrix), model_files.load(folder).predict(matrix))


def test_a_retrain_on_the_same_outcomes_keeps_the_champion_and_says_why(retrained):
    local, folder, card = retrained
    assert not card["decision"]["promoted"]
    assert card["decision"]["reason"].startswith("kept champion ")
    assert "most recent closed leads" in card["decision"]["reason"]
    with store.opened(local.warehouse) as con:
        assert registry.champion(con, "warehouse") != folder.name
        assert registry.events(con, folder.name) == [("kept_champion",
                                                      card["decision"]["reason"])]


def test_models_lists_them_and_rollback_is_one_command(retrained, monkeypatch):
    local, folder, _ = retrained
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(local.warehouse))
    with store.opened(local.warehouse) as con:
        first = registry.champion(con, "warehouse")
    runner = CliRunner()
    listing = runner.invoke(app, ["models"])
    assert listing.exit_code == 0, listing.output
    assert first in listing.output and folder.name in listing.output
    assert "champion" in listing.output and "not promoted" in listing.output
    assert runner.invoke(app, ["models", "promote", folder.name]).exit_code == 0
    with store.opened(local.warehouse) as con:
        assert registry.champion(con, "warehouse") == folder.name
    back = runner.invoke(app, ["models", "rollback"])
    assert back.exit_code == 0 and f"Champion is now {first}" in back.output
    with store.opened(local.warehouse) as con:
        assert registry.champion(con, "warehouse") == first
        assert registry.listing(con).set_index("version").loc[folder.name, "status"] == (
            "former champion")


def test_rolling_back_past_the_first_model_is_refused_in_one_sentence(tmp_path, demo_env):
    settings = demo_env[0]
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    with store.opened(tmp_path / "w.duckdb") as con, pytest.raises(
            LeadpilotError, match="only warehouse model ever promoted"):
        registry.rollback(con, datetime(2026, 11, 30), "warehouse")
