"""Model quality on the demo data, against the best possible ranking (the oracle)."""

from __future__ import annotations

import json

from sklearn.metrics import roc_auc_score

from flows import store
from flows.models import files as model_files
from flows.models.training import training_frame
from scoring.model import time_split


def test_holdout_auc_reaches_95_percent_of_the_oracle_auc(demo_env):
    settings, data, _ = demo_env
    folder = model_files.latest(settings.path(settings.models_dir))
    card = json.loads((folder / "card.json").read_text())
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = training_frame(con, settings.history_lag_days)
    holdout = frame.iloc[time_split(len(frame), settings.holdout_fraction)[2]]
    truth = data.truth.set_index("lead_id")["true_win_probability"]
    oracle = roc_auc_score(holdout["won"], truth.loc[holdout["lead_id"]])
    model = card["holdout"]["roc_auc"]
    print(f"holdout ROC AUC {model:.4f} vs oracle {oracle:.4f} ({model / oracle:.1%})")
    assert model >= 0.95 * oracle


def test_the_model_card_records_what_a_reviewer_needs(demo_env):
    settings = demo_env[0]
    folder = model_files.latest(settings.path(settings.models_dir))
    card = json.loads((folder / "card.json").read_text())
    assert folder.name == card["version"]
    assert [f["name"] for f in card["features"]][:3] == ["size_band", "industry", "country"]
    assert card["training_window"]["to"] <= card["holdout_window"]["from"]
    assert sum(card["rows"].values()) == 3000
    assert {"roc_auc", "pr_auc", "brier"} <= set(card["holdout"])
    assert {"lightgbm", "pandas", "duckdb"} <= set(card["libraries"])
    assert (folder / "model.txt").stat().st_size > 1000


def test_calibrated_probabilities_match_the_holdout_win_rate(demo_env):
    settings = demo_env[0]
    model = model_files.load(model_files.latest(settings.path(settings.models_dir)))
    from features.point_in_time import model_matrix

    with store.opened(settings.path(settings.warehouse)) as con:
        frame = training_frame(con, settings.history_lag_days)
    holdout = frame.iloc[time_split(len(frame), settings.holdout_fraction)[2]]
    mean_p = model.predict(model_matrix(holdout)).mean()
    assert abs(mean_p - holdout["won"].mean()) < 0.05
