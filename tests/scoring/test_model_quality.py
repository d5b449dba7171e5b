"""The model-quality benchmark on a small sample, so that a regression fails CI.

bench/model_quality.py (run by hand) compares leadpilot's default training with logistic
regression, Odoo-style naive Bayes and LightGBM's defaults on the full demo data and the full
bank-marketing data set, and requires leadpilot to be at least as good as the best of them on
both ROC AUC and Brier. Here the same comparison, with the same code and the same folds, runs on
a 1,500-lead demo history and the 3,000-row bank sample (tests/fixtures/bank_marketing), with
the search budget at 0 (the default settings only) to keep CI fast. On samples this small the
best methods differ by less than the fold-to-fold noise (about 0.01 ROC AUC), so leadpilot may
trail the best contestant by at most NOISE; a real regression (a part of the blend or the
calibration lost) costs several times that.
"""

from __future__ import annotations

import pytest
from support import REPO

import bench.contestants as contestants
from bench.model_quality import LEADPILOT, bank_dataset, compare, demo_dataset
from scoring.learner import Recipe, fit

NOISE = {"roc_auc": 0.01, "brier": 0.002}

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def no_search(monkeypatch):
    monkeypatch.setitem(contestants.CONTESTANTS, LEADPILOT, lambda x, y, o, seed=42: fit(
        x, y, o, Recipe(seed=seed, search_candidates=1)).model.predict)


def _check(table) -> None:
    print("\n" + table.to_string())
    ours, others = table.loc[LEADPILOT], table.drop(index=LEADPILOT)
    assert ours["roc_auc"] >= others["roc_auc"].max() - NOISE["roc_auc"]
    assert ours["brier"] <= others["brier"].min() + NOISE["brier"]
    assert ours["roc_auc"] > others.loc["LightGBM defaults", "roc_auc"]  # never worse than
    assert ours["brier"] < others.loc["LightGBM defaults", "brier"]  # an untuned LightGBM


def test_leadpilot_keeps_up_with_the_best_baseline_on_a_small_demo_history(tmp_path):
    _check(compare(demo_dataset(tmp_path, n_history=1500)))


def test_leadpilot_keeps_up_with_the_best_baseline_on_a_bank_marketing_sample():
    sample = REPO / "tests" / "fixtures" / "bank_marketing" / "bank-sample.csv"
    _check(compare(bank_dataset(sample)))
