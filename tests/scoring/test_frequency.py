"""The frequency part of the blend: per-value won/lost counts, smoothed towards the win rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.frequency import fit_frequency


def _history() -> tuple[pd.DataFrame, np.ndarray]:
    """100 leads, one in ten won: "web" wins 20 %, "event" 0 %, "Café" is one lost lead."""
    source = ["web"] * 50 + ["event"] * 49 + ["Café"]
    won = np.array([1.0] * 10 + [0.0] * 40 + [0.0] * 50)
    return pd.DataFrame({"source": pd.Categorical(source)}), won


def test_a_value_never_seen_in_training_leaves_the_score_at_the_base_rate():
    x, won = _history()
    model = fit_frequency(x, won)
    unseen = pd.DataFrame({"source": pd.Categorical(["partner", None])})
    assert model.raw_score(unseen)[0] == np.log(10 / 90)
    assert model.raw_score(unseen)[1] == np.log(10 / 90)


def test_a_value_seen_only_in_lost_leads_never_raises_the_score():
    x, won = _history()
    model = fit_frequency(x, won)
    scores = model.raw_score(pd.DataFrame({"source": pd.Categorical(["web", "event", "Café"])}))
    prior = np.log(10 / 90)
    assert scores[0] > prior  # 20 % won
    assert scores[1] < prior and scores[2] < prior  # never won
    assert scores[1] < scores[2]  # 49 losses say more than one


def test_the_score_and_its_contributions_from_one_lookup_are_those_of_each_alone():
    x, won = _history()
    model = fit_frequency(x, won)
    scored = pd.DataFrame({"source": pd.Categorical(["web", "event", "Café", "partner", None])})
    raw, contributions = model.explained(scored)
    assert raw.tolist() == model.raw_score(scored).tolist()
    assert contributions.tolist() == model.contributions(scored).tolist()
