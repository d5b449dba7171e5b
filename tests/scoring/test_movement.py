"""Score movement: the change since the last run and the feature that caused it."""

from __future__ import annotations

import pandas as pd

from scoring.movement import NEW, STEADY, describe

LABELS = {"en": {"pricing_views_7d": "Pricing page views in 7 days", "events_7d": "Activities"},
          "fr": {"pricing_views_7d": "Vues de la page tarifs (7 j)", "events_7d": "Activités"}}


def _scores(rows: dict) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index")


def test_the_change_names_the_feature_whose_contribution_moved_most():
    before = _scores({
        "L1": {"win_probability": 0.20, "scored_by": "model v1",
               "contributions": {"pricing_views_7d": -0.1, "events_7d": 0.1},
               "values": {"pricing_views_7d": 0.0, "events_7d": 1.0}},
        "L2": {"win_probability": 0.40, "scored_by": "model v1", "contributions": {},
               "values": {}},
        "L3": {"win_probability": 0.30, "scored_by": "rules-based: not enough outcomes yet "
               "(150 of 200)", "contributions": {}, "values": {}},
    })
    today = _scores({
        "L1": {"win_probability": 0.32, "scored_by": "model v1",
               "contributions": {"pricing_views_7d": 0.6, "events_7d": 0.2},
               "values": {"pricing_views_7d": 2.0, "events_7d": 3.0}},
        "L2": {"win_probability": 0.402, "scored_by": "model v1", "contributions": {},
               "values": {}},
        "L3": {"win_probability": 0.25, "scored_by": "model v2", "contributions": {},
               "values": {}},
        "L4": {"win_probability": 0.5, "scored_by": "model v1", "contributions": {},
               "values": {}},
    })
    languages = pd.Series("en", index=today.index)
    text = describe(today, before, LABELS, languages)
    assert text["L1"] == "▲ +12: Pricing page views in 7 days 0 → 2"
    assert text["L2"] == STEADY
    assert text["L3"].startswith("▼ -5: now model v2 (was rules-based")
    assert text["L4"] == NEW
    languages["L1"] = "fr"
    assert describe(today, before, LABELS, languages)["L1"] == (
        "▲ +12: Vues de la page tarifs (7 j) 0 → 2")
