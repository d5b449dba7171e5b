"""Champion or challenger: promote only a clearly better model, and say why."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.champion import champion_probability, decide, judge
from scoring.learner import Recipe, fit, holdout_rows

CHAMPION = {"roc_auc": 0.800, "brier": 0.130}


def test_the_first_model_becomes_champion():
    assert decide({"roc_auc": 0.7, "brier": 0.2}, None, 0, 0.005).promote


def test_a_challenger_within_the_margin_is_not_promoted_and_the_reason_gives_the_figures():
    decision = decide({"roc_auc": 0.803, "brier": 0.129}, CHAMPION, 600, 0.005, "v1")
    assert not decision.promote
    assert "kept champion v1" in decision.reason
    assert "600 most recent closed leads" in decision.reason
    assert "0.803 vs 0.800" in decision.reason and "margin" in decision.reason


def test_a_challenger_with_worse_probabilities_is_not_promoted():
    decision = decide({"roc_auc": 0.820, "brier": 0.140}, CHAMPION, 600, 0.005, "v1")
    assert not decision.promote and "less accurate" in decision.reason


def test_a_clearly_better_challenger_is_promoted():
    decision = decide({"roc_auc": 0.820, "brier": 0.125}, CHAMPION, 600, 0.005, "v1")
    assert decision.promote and decision.reason.startswith("promoted over v1")


def _leads(n: int = 800, seed: int = 3):
    """Two real signals (`intent`, `fit`) and noise, dated oldest first."""
    rng = np.random.default_rng(seed)
    intent, fit_score = rng.normal(size=n), rng.normal(size=n)
    won = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 1.3 * intent + 1.3 * fit_score)))).astype(
        float)
    x = pd.DataFrame({"intent": intent, "fit": fit_score, "noise": rng.normal(size=n)})
    return x, won, np.arange(n)


def _challenger(x, won, order, columns):
    """What train_and_judge hands the champion check: the challenger's holdout judgement."""
    train, holdout = holdout_rows(won, order, 0.25, 42)
    model = fit(x.iloc[train][columns], won[train], order[train], FAST).model
    return {"rows": holdout, "train_rows": train, "won": won[holdout],
            "probability": model.predict(x.iloc[holdout][columns])}


FAST = Recipe(search_candidates=1)


def test_a_truly_better_challenger_is_promoted_and_a_worse_one_is_not():
    x, won, order = _leads()
    both, one = ["intent", "fit", "noise"], ["intent", "noise"]
    better = judge(x, won, order, _challenger(x, won, order, both), one, FAST, 0.005, "v1")
    worse = judge(x, won, order, _challenger(x, won, order, one), both, FAST, 0.005, "v1")
    assert better.promote and better.reason.startswith("promoted over v1"), better.reason
    assert not worse.promote and "kept champion v1" in worse.reason, worse.reason


def test_the_champion_is_judged_on_leads_it_never_trained_on():
    """The same recipe on both sides gives the same figures: the champion is refitted on the
    challenger's training rows, not judged by a model that learned the holdout's outcomes."""
    x, won, order = _leads()
    judgement = _challenger(x, won, order, ["intent", "fit"])
    champion_p = champion_probability(x, won, order, judgement, ["intent", "fit"], FAST)
    assert np.allclose(champion_p, judgement["probability"])
    decision = judge(x, won, order, judgement, ["intent", "fit"], FAST, 0.005, "v1")
    assert not decision.promote and "(+0.000)" in decision.reason
