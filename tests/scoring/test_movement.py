"""Score movement: the change since the last run and the feature that caused it."""

from __future__ import annotations

import json
import random
from decimal import Decimal

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


def _rule_shown(value) -> str:
    """How a value reads in a movement text: – for none, text as it is, a whole number
    without decimals (within 0.05), else one decimal."""
    if value is None or (not isinstance(value, str) and value != value):
        return "–"
    if isinstance(value, str):
        return value
    number = float(value)
    return str(round(number)) if abs(number - round(number)) < 0.05 else f"{number:.1f}"


def test_each_moved_lead_reads_its_cause_in_its_language_with_both_values():
    """Values of every kind a feature holds (whole, decimal, missing, text, yes/no, Decimal;
    columns of floats, and of mixed values), repeated over many leads, in their languages: each
    text is the one its own lead's values give, whether the values come as columns or as each
    lead's dict."""
    chance = random.Random(8)
    mixed = [0, 1, 2.0, 2.04, 2.06, 3.5, -0.0, None, float("nan"), "FR", "DE", True,
             Decimal("1.25"), 7]
    numbers = [0, 1, 2.0, 2.04, 2.06, 2.5, 3.5, -0.0, -1.5, -2.96, 0.05, 0.95, 2.95,
               float("nan"), 1e6 + 0.5, 123456789.96]
    pools = {"pricing_views_7d": numbers, "events_7d": [*numbers, 2.0**60],  # floats only
             "unlabelled": mixed}
    features = ["pricing_views_7d", "events_7d", "unlabelled"]
    leads = [f"L{i}" for i in range(600)]
    before_rows, today_rows, expected = {}, {}, {}
    languages = pd.Series([chance.choice(["en", "fr", "de", None]) for _ in leads], index=leads,
                          dtype=object)
    for lead in leads:
        then, now = chance.randint(0, 100), chance.randint(0, 100)
        cause = chance.choice(features)
        old = {f: chance.choice(pools[f]) for f in features}
        new = {f: chance.choice(pools[f]) for f in features}
        sign = 1 if now > then else -1
        before_rows[lead] = {"win_probability": then / 100, "scored_by": "model v1",
                             "contributions": dict.fromkeys(features, 0.0), "values": old}
        today_rows[lead] = {"win_probability": now / 100, "scored_by": "model v1",
                            "contributions": {**dict.fromkeys(features, 0.0), cause: sign * 0.5},
                            "values": new}
        label = LABELS.get(languages[lead] or "en", LABELS["en"]).get(cause, cause)
        head = STEADY if now == then else f"{'▲' if now > then else '▼'} {now - then:+d}"
        was, is_ = _rule_shown(old[cause]), _rule_shown(new[cause])
        expected[lead] = (head if now == then else f"{head}: {label} {was} → {is_}"
                          if was != is_ else f"{head}: {label}")
    before, today = _scores(before_rows), _scores(today_rows)
    as_dicts = describe(today, before, LABELS, languages)
    before_columns = pd.DataFrame(list(before["values"]), index=before.index)
    as_columns = describe(today, before, LABELS, languages, before_values=before_columns,
                          values=pd.DataFrame(list(today["values"]), index=today.index))
    assert as_dicts.to_dict() == expected
    assert as_columns.to_dict() == expected
    assert [before_columns[f].dtype.kind for f in features[:2]] == ["f", "f"]  # floats
    assert sum(text.count("→") for text in expected.values()) > 400  # most values moved


def test_leads_in_any_order_or_seen_on_one_day_only_read_as_each_does_alone():
    """The frames are matched by lead, not by place: yesterday's leads, values and
    contributions each in an order of their own, some leads only yesterday, some only today.
    Each lead's text is the one it gets when described alone."""
    chance = random.Random(11)
    features = ["pricing_views_7d", "events_7d", "unlabelled"]
    today_ids = [f"L{i}" for i in range(120)]
    before_ids = chance.sample([f"L{i}" for i in range(60, 180)], 120)

    def scores(ids):
        return pd.DataFrame({"win_probability": [chance.randint(0, 100) / 100 for _ in ids],
                             "scored_by": "model v1", "contributions": None}, index=ids)

    def columns(ids, pool):
        return pd.DataFrame({f: [chance.choice(pool) for _ in ids] for f in features}, index=ids)

    today, before = scores(today_ids), scores(before_ids)
    values, contributions = columns(today_ids, [0.0, 1.0, 2.5]), columns(today_ids, [0, 0.5, -1])
    before_values = columns(chance.sample(before_ids, 120), [0.0, 1.0, 2.5, float("nan")])
    before_contributions = columns(chance.sample(before_ids, 120), [0, 0.5, -1])
    languages = pd.Series([chance.choice(["en", "fr"]) for _ in today_ids],
                          index=chance.sample(today_ids, 120))
    frames = (values, contributions, before_values, before_contributions)

    def described(ids, seen):
        return describe(today.loc[ids], before.loc[seen], LABELS, languages.loc[ids],
                        *(frame.loc[ids if i < 2 else seen] for i, frame in enumerate(frames)))

    together = describe(today, before, LABELS, languages, *frames)
    alone = {lead: described([lead], [lead] if lead in before.index else [])[lead]
             for lead in today_ids}
    assert together.to_dict() == alone
    assert together.index.tolist() == today_ids
    assert (together == NEW).sum() == 60 and together.str.contains("→").sum() > 20
