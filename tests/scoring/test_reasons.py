"""Reasons: the strongest contributions, ranked, thresholded and phrased in the lead's language."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from features.columns import FEATURE_NAMES, FEATURES
from scoring.reasons import LANGUAGES, check_phrases, explain, language_for, languages_for

REASONS_YAML = Path(__file__).parents[2] / "data" / "reasons.yaml"
COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}
BIAS = len(FEATURE_NAMES)


@pytest.fixture(scope="module")
def phrases() -> dict:
    return yaml.safe_load(REASONS_YAML.read_text(encoding="utf-8"))


def _lead(**values: object) -> dict:
    """A lead with every feature at a plain value, overridden by `values`."""
    plain = {f.name: ("unknown" if f.kind == "categorical" else 0.0) for f in FEATURES}
    plain.update(industry="Santé", country="FR", source="web_form", email_kind="corporate")
    return {**plain, **values}


@pytest.fixture
def features() -> pd.DataFrame:
    """Four leads: a null size band, an accent, and L2 twice (a duplicate, on purpose)."""
    rows = [
        _lead(size_band="51-200", pricing_views_7d=4.0, days_since_last_event=2.6),
        _lead(size_band=np.nan, email_kind="free", pricing_views_7d=1.0),
        _lead(size_band="1-10", pricing_views_7d=0.0),
        _lead(size_band="1-10", pricing_views_7d=0.0),
    ]
    return pd.DataFrame(rows, index=pd.Index(["L1", "L2", "L3", "L3"], name="lead_id"))


def _contributions(n_leads: int, **by_feature: float) -> np.ndarray:
    contributions = np.zeros((n_leads, BIAS + 1))
    for name, value in by_feature.items():
        contributions[:, COLUMN[name]] = value
    return contributions


def _english(features: pd.DataFrame) -> pd.Series:
    return pd.Series("en", index=features.index)


@pytest.mark.parametrize("country", ["FR", "BE", "CH", " fr ", "be", "France", "Belgique",
                                     "Suisse", "Switzerland"])
def test_france_belgium_and_switzerland_read_french(country):
    assert language_for(country) == "fr"


@pytest.mark.parametrize("country", ["DE", "US", "GB", "LU", "", None, np.nan, "Allemagne",
                                     "Frence"])
def test_other_or_unknown_countries_read_english(country):
    assert language_for(country) == "en"


def test_the_language_setting_overrides_the_country():
    assert language_for("FR", override="en") == "en"
    assert language_for("US", override="FR") == "fr"
    assert language_for("FR", override="") == "fr"


def test_an_unsupported_language_setting_is_refused():
    with pytest.raises(ValueError, match="'de'"):
        language_for("DE", override="de")


def test_positive_reasons_come_strongest_first(features, phrases):
    contributions = _contributions(
        len(features), events_7d=0.2, pricing_views_7d=0.9, size_band=0.5, completeness=0.05
    )
    reasons = explain(contributions, features, phrases, _english(features))
    assert reasons.loc["L1", "reasons_positive"] == [
        "Pricing page viewed 4 times in 7 days",
        "Company of 51-200 employees: the size that buys most",
        "No activity in the last 7 days",
    ]


def test_negative_reasons_come_most_negative_first(features, phrases):
    contributions = _contributions(len(features), size_band=-0.3, pricing_views_7d=-0.8,
                                   events_30d=-0.1)
    reasons = explain(contributions, features, phrases, _english(features))
    assert reasons["reasons_negative"].iloc[2] == [
        "No pricing page view in the last 7 days",
        "Company of 1-10 employees: below the usual size",
    ]
    assert reasons["reasons_positive"].iloc[2] == []


def test_contributions_under_the_threshold_are_not_reasons(features, phrases):
    contributions = _contributions(
        len(features), pricing_views_7d=0.011, events_7d=0.009, size_band=-0.009, industry=-0.02
    )
    reasons = explain(contributions, features, phrases, _english(features))
    assert reasons.loc["L1", "reasons_positive"] == ["Pricing page viewed 4 times in 7 days"]
    assert reasons.loc["L1", "reasons_negative"] == ["Industry Santé: one that buys less often"]


def test_the_bias_column_is_never_a_reason(features, phrases):
    contributions = _contributions(len(features))
    contributions[:, BIAS] = 5.0
    reasons = explain(contributions, features, phrases, _english(features))
    assert reasons["reasons_positive"].map(len).sum() == 0


def test_at_most_n_reasons_per_side(features, phrases):
    rng = np.random.default_rng(7)
    contributions = rng.choice([-1.0, 1.0], size=(len(features), BIAS + 1)) * rng.uniform(
        0.1, 1.0, size=(len(features), BIAS + 1))
    reasons = explain(contributions, features, phrases, _english(features),
                      n_positive=4, n_negative=1)
    assert reasons["reasons_positive"].map(len).tolist() == [4, 4, 4, 4]
    assert reasons["reasons_negative"].map(len).tolist() == [1, 1, 1, 1]


def test_reasons_are_phrased_in_each_leads_language(features, phrases):
    contributions = _contributions(len(features), pricing_views_7d=0.4)
    languages = pd.Series(["fr", "en", "en", "en"], index=features.index)
    reasons = explain(contributions, features, phrases, languages)
    assert reasons["reasons_positive"].iloc[0] == ["Page tarifs consultée 4 fois en 7 jours"]
    assert reasons["reasons_positive"].iloc[1] == ["Pricing page viewed once in 7 days"]


def test_values_show_without_trailing_zero_and_days_are_rounded(features, phrases):
    contributions = _contributions(len(features), days_since_last_event=0.3)
    reasons = explain(contributions, features, phrases, _english(features))
    assert reasons.loc["L1", "reasons_positive"] == ["Last activity 3 days ago"]


def test_per_value_phrases_win_over_the_general_one(features, phrases):
    contributions = _contributions(len(features), email_kind=-0.5, size_band=-0.2)
    reasons = explain(contributions, features, phrases, _english(features))
    assert reasons.loc["L2", "reasons_negative"][0] == (
        "Free-mail address (gmail, orange…): often a private buyer"
    )
    big = features.assign(size_band="1000+")
    above = explain(contributions, big, phrases, _english(big))
    assert above.loc["L2", "reasons_negative"][1] == (
        "Company of 1000+ employees: above the usual size"
    )


def test_an_empty_value_is_never_a_reason_and_the_next_strongest_is_shown(features, phrases):
    contributions = _contributions(len(features), size_band=0.5, completeness=-0.5,
                                   email_kind=-0.1, pricing_views_7d=0.3)
    sparse = features.assign(completeness=np.nan)
    reasons = explain(contributions, sparse, phrases, _english(sparse))
    # L2's size band is NaN: not "Company size unknown", the pricing views come first instead
    assert reasons.loc["L2", "reasons_positive"] == ["Pricing page viewed once in 7 days"]
    assert reasons.loc["L2", "reasons_negative"] == [
        "Free-mail address (gmail, orange…): often a private buyer"]
    assert reasons.loc["L1", "reasons_positive"][0].startswith("Company of 51-200 employees")


def test_unknown_company_fields_are_never_a_reason_up_or_down(features, phrases):
    for sign in (1, -1):
        contributions = _contributions(len(features), industry=0.5 * sign, country=0.4 * sign,
                                       company_age_years=0.3 * sign)
        unknown = features.assign(industry="unknown", country="Unknown", company_age_years=None)
        for language in ("en", "fr"):
            languages = pd.Series(language, index=unknown.index)
            reasons = explain(contributions, unknown, phrases, languages)
            shown = [r for column in reasons for rs in reasons[column] for r in rs]
            assert shown == []


def test_french_reasons_name_the_industry_and_country_in_french(features, phrases):
    contributions = _contributions(len(features), industry=0.5, country=-0.4)
    coded = features.assign(industry="software", country="DE")
    reasons = explain(contributions, coded, phrases, pd.Series("fr", index=coded.index))
    assert reasons.loc["L1", "reasons_positive"] == [
        "Secteur logiciel : un secteur qui achète souvent"]
    assert reasons.loc["L1", "reasons_negative"] == [
        "Pays : Allemagne, un marché où nous gagnons moins souvent"]


def test_completeness_reads_as_a_percentage(features, phrases):
    contributions = _contributions(len(features), completeness=0.2)
    profiled = features.assign(completeness=0.625)
    languages = pd.Series(["en", "fr", "en", "en"], index=features.index)
    reasons = explain(contributions, profiled, phrases, languages)
    assert reasons["reasons_positive"].iloc[0] == ["Lead profile 63% complete"]
    assert reasons["reasons_positive"].iloc[1] == ["Fiche du lead remplie à 63 %"]


def test_duplicate_leads_keep_their_index_and_get_the_same_reasons(features, phrases):
    contributions = _contributions(len(features), pricing_views_7d=-0.4, size_band=-0.2)
    reasons = explain(contributions, features, phrases, _english(features))
    assert reasons.index.equals(features.index)
    assert reasons["reasons_negative"].iloc[2] == reasons["reasons_negative"].iloc[3]


def test_the_shipped_phrases_pass_the_check(phrases):
    assert check_phrases(phrases) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_every_feature_is_phrased_in_every_language(phrases, feature, language):
    block = phrases[feature.name][language]
    assert block["positive"].strip() and block["negative"].strip()
    typical = "51-200" if feature.kind == "categorical" else 7.0
    frame = pd.DataFrame([_lead(**{feature.name: typical}), _lead(**{feature.name: typical}),
                          _lead(**{feature.name: np.nan})])
    contributions = np.zeros((3, BIAS + 1))
    contributions[:, COLUMN[feature.name]] = [0.5, -0.5, 0.5]
    reasons = explain(contributions, frame, phrases, pd.Series([language] * 3))
    rendered = [*reasons["reasons_positive"].iloc[0], *reasons["reasons_negative"].iloc[1]]
    assert len(rendered) == 2
    assert reasons["reasons_positive"].iloc[2] == []  # an empty value is never a reason
    for text in rendered:
        assert text and not any(junk in text for junk in ("None", "nan", "{{", "}}"))


def test_check_phrases_reports_a_missing_language_and_a_broken_template(phrases):
    broken = copy.deepcopy(phrases)
    del broken["industry"]["fr"]
    broken["country"]["en"]["positive"] = "Based in {{ value "
    broken["events_7d"]["en"]["negative"] = "Only {{ vlaue }} activities"
    problems = check_phrases(broken)
    assert "industry.fr: missing" in problems
    assert any(p.startswith("country.en.positive: does not compile") for p in problems)
    assert "events_7d.en.negative: unknown variable 'vlaue' (use value, label)" in problems


def test_broken_phrases_are_refused_before_any_lead_is_explained(features, phrases):
    broken = copy.deepcopy(phrases)
    del broken["completeness"]
    with pytest.raises(ValueError, match="completeness: no phrases"):
        explain(_contributions(len(features)), features, broken, _english(features))


def test_contributions_without_the_bias_column_are_refused(features, phrases):
    with pytest.raises(ValueError, match="shape"):
        explain(np.zeros((len(features), BIAS)), features, phrases, _english(features))


def test_languages_must_follow_the_leads_index(features, phrases):
    shuffled = pd.Series("en", index=features.index[::-1])
    with pytest.raises(ValueError, match="same index"):
        explain(_contributions(len(features)), features, phrases, shuffled)


# --- reasons over the whole contributions matrix ----------------------------------------------

# Reasons of scored_features(2000, seed=5) (bench/scoring_inputs.py) with the shipped phrases:
# recorded with the per-lead explain (git main before issue 14) and checked identical to the
# columnar one; bench/scoring_steps.py compares the two again at any size.
FROZEN_REASONS_SHA256 = "e6902cfb541043166043eea7d555bd1e2ee3979b6d9c898fef5eea9693ede771"


@pytest.fixture(scope="module")
def generated() -> tuple[pd.DataFrame, np.ndarray]:
    from bench.scoring_inputs import scored_features

    return scored_features(2000, seed=5)


def test_two_thousand_generated_leads_get_the_reasons_recorded_before_the_rewrite(
        generated, phrases):
    import hashlib
    import json

    features, contributions = generated
    reasons = explain(contributions, features, phrases, languages_for(features["country"]))
    assert reasons.iloc[0].tolist() == [
        ["Page tarifs consultée 2 fois en 7 jours",
         "Lead sortant : c'est nous qui l'avons contacté", "5 activités ces 7 derniers jours"],
        ["Travaille dans les opérations", "N'a cliqué qu'une fois dans nos e-mails en 30 jours"]]
    text = json.dumps([reasons["reasons_positive"].tolist(),
                       reasons["reasons_negative"].tolist()], ensure_ascii=False)
    assert hashlib.sha256(text.encode()).hexdigest() == FROZEN_REASONS_SHA256


def test_each_feature_value_is_formatted_once_however_many_leads_share_it(
        generated, phrases, monkeypatch):
    import scoring.reasons as module

    features, contributions = generated
    calls, original = [], module._format_value
    monkeypatch.setattr(module, "_format_value", lambda *a: calls.append(a) or original(*a))
    reasons = explain(contributions, features, phrases, languages_for(features["country"]))
    distinct = sum(features[name].nunique() + 1 for name in FEATURE_NAMES)  # +1: empty
    # once per value a reason shows, whatever its sign and language; none for the others
    assert len({(name, repr(raw)) for name, raw in calls}) == len(calls) < distinct
    shown = sum(len(r) for column in reasons.columns for r in reasons[column])
    assert len(calls) < shown / 3  # a value per reason shown was the per-lead cost


@pytest.mark.parametrize("n", [0, 1, 2, 3, len(FEATURE_NAMES), len(FEATURE_NAMES) + 2])
def test_the_strongest_are_picked_as_a_stable_sort_picks_them(n):
    """Ties (many equal scores, 0 and -0) go to the feature named first, as a stable sort of
    every row puts them; which pass the threshold is the same."""
    from scoring.reasons import MIN_CONTRIBUTION, _strongest

    rng = np.random.default_rng(n)
    pool = np.array([0.0, -0.0, MIN_CONTRIBUTION, -MIN_CONTRIBUTION, 0.2, 0.2, -0.7, 1.5,
                     np.finfo(float).max, -np.finfo(float).max])
    scores = rng.choice(pool, size=(2000, len(FEATURE_NAMES)))
    scores[:5] = 0.0  # rows of equal scores only
    order, keep = _strongest(scores, n)
    sorted_order = np.argsort(-scores, axis=1, kind="stable")[:, :n]
    assert order.tolist() == sorted_order.tolist()
    assert keep.tolist() == (np.take_along_axis(scores, sorted_order, axis=1)
                             >= MIN_CONTRIBUTION).tolist()
    assert _strongest(scores[:0], n)[0].shape == (0, min(n, len(FEATURE_NAMES)))
