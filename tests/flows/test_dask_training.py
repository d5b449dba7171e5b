"""`train` on a Dask cluster (LEADPILOT_DASK_ADDRESS, from LEADPILOT_DASK_TRAIN_ROWS closed
leads up): a local cluster on 127.0.0.1 started here trains the demo history's trees with
lightgbm.dask, and the model ships through the same files, registry and judge as any."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr
from support import ANCHOR, loaded_by

from features.point_in_time import build_features, model_matrix, open_moments
from flows import store
from flows.models import files as model_files
from flows.models import registry
from flows.models.cluster_training import ROUNDS
from flows.settings import Settings

CHUNK = 500  # closed leads per partition: the demo's 3,000 in 8 (5 + 1 + 2 per block)
AUC_MARGIN = 0.03  # the cluster's holdout ROC AUC within this of the one-process model's


@pytest.fixture(scope="module")
def trained(demo_env, cluster, tmp_path_factory):
    """The weekly retrain's step on the cluster (threshold 1,000 closed leads) over the demo
    history, in a copy of the demo warehouse whose champion is the demo's one-process model."""
    from flows.models.retraining import retrain

    settings, _, _ = demo_env
    local, finished = cluster
    root = tmp_path_factory.mktemp("dask-training")
    shutil.copy(settings.path(settings.warehouse), root / "leadpilot.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"WAREHOUSE": root / "leadpilot.duckdb", "MODELS_DIR": root / "models",
                            "CHUNK_LEADS": CHUNK, "DASK_TRAIN_ROWS": 1000,
                            "DASK_ADDRESS": local.scheduler_address}.items():
            patch.setenv(f"LEADPILOT_{name}", str(value))
        ours = Settings()
        result = retrain(ours, datetime(2026, 11, 27, 7, 0))
    folder = Path(result["folder"])
    card = {**model_files.load(folder).card, "decision": result["decision"],
            "evaluation": result["evaluation_markdown"]}
    return ours, folder, card, list(finished.keys)


def test_the_trees_train_on_the_cluster_workers_from_partitions_read_in_chunks(trained, cluster):
    settings, _, card, keys = trained
    local = cluster[0]
    assert local.scheduler_address.startswith("tcp://127.0.0.1:")
    # lightgbm.dask connects the workers at their Dask addresses' hosts: loopback only
    assert all(address.startswith("tcp://127.0.0.1:")
               for address in local.scheduler_info["workers"])
    trainings = [key for key in keys if key.startswith("_train_part")]
    # one search fit (LEADPILOT_SEARCH_CANDIDATES=1 in the tests) and the shipped fit, each
    # trained by both workers together
    assert len(trainings) == 2 * 2, keys
    recoded = [key for key in keys if key.startswith("_recoded")]
    assert len(recoded) == 8  # each chunk given the history's categories, on the cluster
    assert card["cluster"]["workers"] == 2
    assert card["cluster"]["partitions"] == {"fit": 5, "calibration": 1, "holdout": 2}
    assert card["rows"] == {"train": 2400, "holdout": 600}
    assert card["blend"] == {"trees": 1.0, "linear": 0.0, "frequency": 0.0}
    assert 0 < card["trees"] < ROUNDS and card["trees"] % 10 == 0  # chosen, below the cap


def test_the_cluster_model_is_registered_judged_and_scores_the_open_leads(trained, demo_env):
    settings, folder, card, _ = trained
    single = model_files.load(model_files.latest(demo_env[0].path(demo_env[0].models_dir)))
    with store.opened(settings.path(settings.warehouse)) as con:
        assert registry.load(con, card["version"]).card["version"] == folder.name
        open_matrix = model_matrix(build_features(con, open_moments(con, ANCHOR)))
    # the champion (the demo's one-process model) learned from every one of these leads
    assert not card["decision"]["promoted"]
    assert ("of the 600 holdout leads, 0 (0 won) are scored after"
            in card["decision"]["reason"]), card["decision"]
    assert card["evaluation"].startswith("# Model evaluation\n\nNot cross-validated")
    model = model_files.load(folder)
    ours, theirs = model.predict(open_matrix), single.predict(open_matrix)
    assert len(ours) == len(open_matrix) > 100 and ((ours > 0) & (ours < 1)).all()
    rank_agreement = spearmanr(ours, theirs).statistic
    print(f"holdout ROC AUC: cluster {card['holdout']['roc_auc']} ({card['trees']} trees, "
          f"{card['cluster']}), one process "
          f"{single.card['holdout']['roc_auc']}; open leads' rank agreement {rank_agreement:.3f}")
    assert rank_agreement > 0.8
    assert abs(card["holdout"]["roc_auc"] - single.card["holdout"]["roc_auc"]) <= AUC_MARGIN
    assert abs(np.mean(ours) - np.mean(theirs)) < 0.05


def test_an_unreachable_scheduler_is_named_in_one_sentence(demo_env, monkeypatch):
    from flows.errors import LeadpilotError
    from flows.models import cluster_training

    monkeypatch.setattr(cluster_training, "CONNECT_SECONDS", 1)
    settings = demo_env[0].model_copy(update={"dask_address": "tcp://127.0.0.1:1"})
    with pytest.raises(LeadpilotError, match=r"Cannot reach the Dask scheduler tcp://127.0.0.1:1"):
        cluster_training.train_on_cluster(settings, datetime(2026, 11, 27, 7, 0))


def test_the_blocks_kept_in_the_flow_process_are_capped():
    from flows.models.cluster_training import block_sizes

    assert block_sizes(3000, 0.2, 200_000) == {"fit": 2040, "calibration": 360, "holdout": 600}
    assert block_sizes(10_000_000, 0.2, 200_000) == {"fit": 9_600_000, "calibration": 200_000,
                                                     "holdout": 200_000}


def test_the_champion_as_stored_is_judged_on_the_leads_newer_than_it_learned_from(demo_env):
    from flows.models.cluster_training import Block, judge_as_stored
    from flows.models.training import training_frame

    settings = demo_env[0]
    champion = model_files.load(model_files.latest(settings.path(settings.models_dir)))
    with store.opened(settings.path(settings.warehouse)) as con:
        holdout = training_frame(con, settings.history_lag_days).iloc[-600:]
    block = Block(local=[(model_matrix(holdout), holdout["won"])])
    newest = holdout["as_of"].iloc[150]
    champion.card = {**champion.card, "holdout_window": {"to": str(newest)}}
    same = champion.predict(model_matrix(holdout))  # the challenger gives what it gives
    decision = judge_as_stored(champion, "v1", block, holdout["as_of"], same, settings)
    unseen = int((holdout["as_of"] > newest).sum())
    assert 200 < unseen < 450
    assert f"on the {unseen} most recent closed leads" in decision.reason, decision
    assert not decision.promote and "ROC AUC gain is below" in decision.reason


def test_the_training_modules_load_no_dask_until_a_scheduler_is_named():
    assert loaded_by("import flows.models.training, flows.models.retraining",
                     ("dask", "distributed", "prefect_dask")) == []
