"""Score movement: the change since the last run and the feature that caused it."""

from __future__ import annotations

import json
import random

import pandas as pd
import pyarrow as pa

from scoring.movement import NEW, STEADY, contribution_columns, describe

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


def _lists(rows: list, kind) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(rows, pa.list_(kind))))


def test_earlier_contributions_given_as_columns_move_leads_as_their_json_does():
    """The score step hands yesterday's contributions as two lists a lead (read by DuckDB),
    made into columns: each lead's movement is the one their JSON text gives."""
    chance = random.Random(3)
    names = ["events_7d", "pricing_views_7d", "seniority", "old_feature"]
    leads = [f"L{i}" for i in range(400)]

    def contributions(i: int) -> dict:
        kept = chance.sample(names, chance.randint(0, len(names)))
        return {name: round(chance.uniform(-1, 1), chance.choice([1, 4])) for name in kept}

    before_rows = {lead: {"win_probability": chance.random(), "scored_by": "model v1",
                          "contributions": json.dumps(contributions(i)),
                          "values": {}} for i, lead in enumerate(leads)}
    before_rows["L0"]["contributions"] = None  # a run that kept none
    before = _scores(before_rows)
    today = _scores({lead: {"win_probability": chance.random(), "scored_by": "model v1",
                            "contributions": contributions(i), "values": {}}
                     for i, lead in enumerate(leads)})
    parsed = [json.loads(text) if isinstance(text, str) else None
              for text in before["contributions"]]
    columns = contribution_columns(
        _lists([list(p) if p is not None else None for p in parsed], pa.string()),
        _lists([[float(v) for v in p.values()] if p is not None else None for p in parsed],
               pa.float64())).set_axis(before.index)
    languages = pd.Series("en", index=today.index)
    from_json = describe(today, before, LABELS, languages)
    from_columns = describe(today, before.assign(contributions=None), LABELS, languages,
                            before_contributions=columns)
    assert from_columns.tolist() == from_json.tolist()
    assert from_json.str.contains(": ").sum() > 300  # most leads moved, a cause named
    assert from_json.str.endswith(": old_feature").any()  # a feature only yesterday had
