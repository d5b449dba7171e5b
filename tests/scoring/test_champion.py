"""Champion or challenger: promote only a clearly better model, and say why."""

from __future__ import annotations

from scoring.champion import decide

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
