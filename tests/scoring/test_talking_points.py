"""Talking points: sourced facts per lead, in its language, by priority, never fewer than three."""

from __future__ import annotations

import copy
import doctest
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import scoring.playbook
from scoring.playbook import fields_read
from scoring.reasons import LANGUAGES
from scoring.talking_points import LEAD_COLUMNS, check_playbook, pick_points, suggest

PLAYBOOK_YAML = Path(__file__).parents[2] / "data" / "playbook.yaml"
SOURCED = re.compile(r"^\S.* \(source: [^()]+?(, \d{4}-\d{2}-\d{2})?\)$")


@pytest.fixture(scope="module")
def playbook() -> dict:
    return yaml.safe_load(PLAYBOOK_YAML.read_text(encoding="utf-8"))


RICH = {
    "lead_id": "L1", "first_name": "Hélène", "last_name": "Dupré",
    "title": "Directrice commerciale", "company": "Société Générale", "industry": "banque",
    "country": "FR", "employees": 1200.0, "size_band": "1000+", "source": "partner",
    "created_at": pd.Timestamp("2026-11-20 09:30"), "seniority": "director",
    "department": "sales", "email_kind": "corporate", "events_7d": 6.0, "events_30d": 9.0,
    "pricing_views_7d": 3.0, "pricing_views_30d": 4.0, "demo_requests_90d": 1.0,
    "webinars_90d": 1.0, "docs_views_30d": 5.0, "email_clicks_30d": 2.0,
    "last_event_type": "pricing_page", "last_event_at": pd.Timestamp("2026-11-27 16:05"),
    "plan": "team", "seats": 12.0,
}


@pytest.fixture
def leads() -> pd.DataFrame:
    """A rich French lead, a sparse one (nulls, and the warehouse's 'unknown' company fields),
    and an English lead twice (a duplicate, on purpose)."""
    english = {**RICH, "lead_id": "L3", "first_name": "John", "country": "US",
               "demo_requests_90d": 0.0, "email_kind": "free", "pricing_views_7d": np.nan}
    sparse = {"lead_id": "L2", "source": "web_form", "created_at": pd.Timestamp("2026-11-02 17:45"),
              "industry": "unknown", "country": "unknown", "seniority": "unknown"}
    frame = pd.DataFrame([RICH, sparse, english, english], columns=list(LEAD_COLUMNS))
    return frame.set_index(pd.Index(["a", "b", "c", "d"]))


def _languages(leads: pd.DataFrame, *codes: str) -> pd.Series:
    return pd.Series(list(codes), index=leads.index)


def _point(id_: str, when: str, priority: int, en: str = "A fact.") -> dict:
    return {"id": id_, "when": when, "source": "leads.test", "priority": priority,
            "text": {"en": en, "fr": f"{en} (fr)"}}


def test_the_shipped_playbook_passes_the_check(playbook):
    assert check_playbook(playbook) == []


def test_the_shipped_playbook_has_at_least_15_points_in_both_languages(playbook):
    points = playbook["points"]
    assert len(points) >= 15
    assert all(set(point["text"]) == set(LANGUAGES) for point in points)


def test_every_point_states_its_source(leads, playbook):
    points = suggest(leads, playbook, _languages(leads, "fr", "en", "en", "en"))
    lines = [line for lead in points for line in lead]
    assert len(lines) >= 12
    for line in lines:
        assert "(source: " in line
        assert SOURCED.match(line), line


def test_a_sparse_lead_still_gets_three_points(leads, playbook):
    points = suggest(leads, playbook, _languages(leads, "en", "en", "en", "en"))
    sparse = points.loc["b"]
    assert len(sparse) >= 3
    assert any(line.startswith("Job title unknown") for line in sparse)
    assert not any("None" in line or "nan" in line for line in sparse)
    assert not any(line.startswith(("Industry:", "Country:")) for line in sparse)


def test_a_lead_left_with_too_few_points_is_named_in_the_error(leads):
    thin = {"points": [_point(f"has_{field}", f"{field} is not none", 10, en=f"Has {field}.")
                       for field in ("title", "company", "first_name")]}
    with pytest.raises(ValueError, match="lead 'L2' gets 0 talking point"):
        suggest(leads, thin, _languages(leads, "en", "en", "en", "en"))


def test_a_french_lead_reads_french(leads, playbook):
    points = suggest(leads, playbook, _languages(leads, "fr", "en", "en", "en"))
    assert points.loc["a"][1] == (
        "Le contact a consulté la page tarifs 3 fois ces 7 derniers jours : demandez quelle "
        "offre l'intéresse. (source: activities · pricing_page, 2026-11-27)"
    )
    assert points.loc["c"][0].startswith("Very active: 6 activities")


def test_a_lead_keeps_its_five_highest_priority_points(leads):
    many = {"points": [_point(f"p{p}", "true", p, en=f"Fact {p}.") for p in (5, 90, 40, 70, 10,
                                                                               60, 80)]}
    points = suggest(leads, many, _languages(leads, "en", "en", "en", "en"))
    assert points.loc["a"] == [f"Fact {p}. (source: leads.test)" for p in (90, 80, 70, 60, 40)]


def test_two_entries_that_say_the_same_line_show_it_once(leads):
    # "Industry: banque." from two entries with the same source is one line; the line of the
    # same sentence with another source is another
    book = {"points": [
        _point("industry", "true", 90, en="Industry: {{ industry }}."),
        _point("industry_again", "industry == 'banque'", 80, en="Industry: {{ industry }}."),
        {**_point("sourced", "true", 70, en="Industry: {{ industry }}."), "source": "crm.x"},
        *[_point(f"f{i}", "true", i, en=f"Fallback {i}.") for i in range(3)],
    ]}
    picked = pick_points(leads, book, _languages(leads, "en", "en", "en", "en"))
    assert picked.loc["a", "points"] == [
        "Industry: banque. (source: leads.test)", "Industry: banque. (source: crm.x)",
        "Fallback 2. (source: leads.test)", "Fallback 1. (source: leads.test)",
        "Fallback 0. (source: leads.test)"]
    assert picked.loc["a", "point_ids"] == ["industry", "sourced", "f2", "f1", "f0"]


def test_a_condition_on_a_missing_value_is_false_instead_of_crashing(leads):
    book = {"points": [
        _point("pricing", "pricing_views_7d >= 2 or not pricing_views_7d < 2", 50, en="Pricing."),
        *[_point(f"f{i}", "true", i, en=f"Fallback {i}.") for i in range(3)],
    ]}
    points = suggest(leads, book, _languages(leads, "en", "en", "en", "en"))
    assert points.loc["a"][0] == "Pricing. (source: leads.test)"
    assert points.loc["c"][0] == "Fallback 2. (source: leads.test)"


def test_a_text_that_would_print_a_missing_value_is_skipped(leads):
    book = {"points": [
        _point("title", "true", 50, en="Title: {{ title }}."),
        *[_point(f"f{i}", "true", i, en=f"Fallback {i}.") for i in range(3)],
    ]}
    points = suggest(leads, book, _languages(leads, "en", "en", "en", "en"))
    assert points.loc["a"][0] == "Title: Directrice commerciale. (source: leads.test)"
    assert points.loc["b"][0] == "Fallback 2. (source: leads.test)"


def test_dates_show_as_year_month_day_and_counts_without_decimals(leads, playbook):
    points = suggest(leads, playbook, _languages(leads, "en", "en", "en", "en"))
    assert points.loc["b"][0] == (
        "Came in through the website form: they reached out first, ask what prompted it. "
        "(source: leads.source, 2026-11-02)"
    )
    assert "6 activities in the last 7 days" in points.loc["a"][2]


def test_duplicate_leads_get_the_same_points_and_keep_the_index(leads, playbook):
    points = suggest(leads, playbook, _languages(leads, "fr", "en", "en", "en"))
    assert points.index.equals(leads.index)
    assert points.loc["c"] == points.loc["d"]
    assert any("free-mail" in line for line in points.loc["c"])


def test_enriched_columns_can_be_used_and_are_otherwise_ignored(leads):
    enriched = leads.assign(registry_headcount=[1500, None, 40, 40])
    book = {"points": [
        _point("registry", "registry_headcount > 1000", 50,
               en="The registry lists {{ registry_headcount }} employees."),
        *[_point(f"f{i}", "true", i, en=f"Fallback {i}.") for i in range(3)],
    ]}
    points = suggest(enriched, book, _languages(leads, "en", "en", "en", "en"))
    assert points.loc["a"][0] == "The registry lists 1500 employees. (source: leads.test)"
    assert points.loc["b"][0] == "Fallback 2. (source: leads.test)"
    assert check_playbook(book) == [
        f"point 'registry'.{key}: unknown variable 'registry_headcount'"
        for key in ("when", "text.en", "text.fr")
    ]
    assert check_playbook(book, columns=enriched.columns) == []


def test_an_unquoted_yaml_true_is_an_always_true_condition(leads):
    book = yaml.safe_load(
        "points:\n"
        + "".join(f"  - {{id: f{i}, when: true, source: leads.test, priority: {i},"
                  f" text: {{en: Fallback {i}., fr: Repli {i}.}}}}\n" for i in range(3))
    )
    assert book["points"][0]["when"] is True
    assert check_playbook(book) == []
    points = suggest(leads, book, _languages(leads, "fr", "en", "en", "en"))
    assert points.loc["a"] == [f"Repli {i}. (source: leads.test)" for i in (2, 1, 0)]


def test_a_broken_template_is_reported(playbook):
    broken = copy.deepcopy(playbook)
    broken["points"][0]["text"]["fr"] = "Le contact {{ first_name "
    problems = check_playbook(broken)
    assert len(problems) == 1
    assert problems[0].startswith("point 'demo_requested'.text.fr: does not compile")


def test_unknown_keys_missing_languages_and_misspelt_fields_are_reported(playbook):
    broken = copy.deepcopy(playbook)
    broken["points"][1]["priorty"] = 3
    del broken["points"][2]["text"]["en"]
    broken["points"][3]["when"] = "pricng_views_7d >= 2"
    broken["points"][4]["id"] = broken["points"][5]["id"]
    broken["extra"] = True
    problems = check_playbook(broken)
    assert problems == [
        "unknown top-level key 'extra' (expected: points)",
        "point 'disposable_mail': id used more than once",
        "point 'pricing_this_week': unknown key 'priorty'",
        "point 'active_this_week'.text: missing language 'en'",
        "point 'gone_quiet'.when: unknown variable 'pricng_views_7d'",
    ]


def test_a_broken_playbook_is_refused_before_rendering(leads, playbook):
    broken = copy.deepcopy(playbook)
    broken["points"][0]["when"] = "demo_requests_90d >="
    with pytest.raises(ValueError, match="demo_requested'.when: does not compile"):
        suggest(leads, broken, _languages(leads, "en", "en", "en", "en"))


def test_a_thousand_leads_compile_the_playbook_no_more_than_four_leads_do(
        leads, playbook, monkeypatch):
    import scoring.playbook as talking_points

    compiled = []
    for name in ("from_string", "compile_expression"):
        method = getattr(talking_points.ENV, name)
        monkeypatch.setattr(talking_points.ENV, name,
                            lambda source, *a, _m=method, **k: compiled.append(source) or _m(
                                source, *a, **k))

    def count(frame: pd.DataFrame) -> int:
        talking_points._template.cache_clear()
        talking_points._expression.cache_clear()
        compiled.clear()
        languages = pd.Series(np.where(frame["country"] == "FR", "fr", "en"), index=frame.index)
        points = suggest(frame, playbook, languages)
        assert points.map(len).between(3, 5).all()
        return len(compiled)

    few = count(leads)
    assert few > 0
    # 250 times the leads, no more compilations: a per-lead compile would show at any size
    assert count(pd.concat([leads] * 250, ignore_index=True)) == few


# --- work done once per distinct value, not once per lead ---------------------------------------

# Lines of open_leads(2000, seed=5) under the shipped playbook, recorded with the per-lead
# version of pick_points (git main before issue 14) and checked identical to the columnar one;
# bench/scoring_steps.py compares the two again at any size.
FROZEN_SHA256 = "d6f0d632102d1af2e6006c370a3810d821e2ff78c1d5fb47d8929aa2e3ddd84c"
FROZEN_COUNTS = {"demo_requested": 538, "gone_quiet": 25, "quiet_for_90_days": 8, "country": 1,
                 "plan_fit": 926, "provider_headcount": 497, "website_shop": 261}


@pytest.fixture(scope="module")
def generated() -> pd.DataFrame:
    from bench.scoring_inputs import open_leads

    return open_leads(2000, seed=5)


def test_two_thousand_generated_leads_get_the_lines_recorded_before_the_columnar_rewrite(
        generated, playbook):
    import collections
    import hashlib
    import json

    from scoring.reasons import languages_for
    from scoring.talking_points import pick_points

    picked = pick_points(generated, playbook, languages_for(generated["country"]))
    payload = json.dumps([picked["points"].tolist(), picked["point_ids"].tolist()],
                         ensure_ascii=False)
    assert hashlib.sha256(payload.encode()).hexdigest() == FROZEN_SHA256
    counts = collections.Counter(i for ids in picked["point_ids"] for i in ids)
    assert {i: counts[i] for i in FROZEN_COUNTS} == FROZEN_COUNTS


def _counting(monkeypatch, name: str) -> list:
    import scoring.talking_points as module

    calls, original = [], getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args: calls.append(args) or original(*args))
    return calls


def test_each_text_is_rendered_once_per_language_and_distinct_value_it_prints(
        generated, monkeypatch):
    book = {"points": [_point("views", "true", 9, en="{{ events_7d }} events."),
                       *(_point(f"f{i}", "true", i, en=f"Fact {i}.") for i in range(3))]}
    languages = _languages(generated, *(["en", "fr"] * (len(generated) // 2)))
    renders = _counting(monkeypatch, "_sentence")
    points = suggest(generated, book, languages)
    printed = pd.DataFrame({"lang": languages, "value": generated["events_7d"]})
    # one render per (language, events_7d) for the entry, one per language for each fallback
    assert len(renders) == len(printed.drop_duplicates()) + 3 * 2
    assert len(renders) < len(generated) / 10
    second = generated["events_7d"].iloc[1]
    assert points.iloc[1][0] == f"{second:.0f} events. (fr) (source: leads.test)"


def test_each_condition_runs_once_per_distinct_combination_of_the_fields_it_reads(
        generated, monkeypatch):
    book = {"points": [_point("busy", "events_7d >= 5 and seniority == 'manager'", 9),
                       _point("quiet", "last_event_at is none", 8),
                       *(_point(f"f{i}", "true", i, en=f"Fact {i}.") for i in range(3))]}
    checks = _counting(monkeypatch, "_holds")
    suggest(generated, book, _languages(generated, *["en"] * len(generated)))
    pairs = generated[["events_7d", "seniority"]].drop_duplicates()
    # `is none` only tells an empty value apart: two evaluations, not one per timestamp
    assert len(checks) == len(pairs) + 2 + 3


def test_the_fields_a_playbook_reads_are_every_name_its_points_use(playbook, leads):
    """What the talking-points step reads of the stored features: a lead cut to these fields
    (the others absent, so None) gets the same points."""
    read = fields_read(playbook, leads.columns)
    assert {"demo_requests_90d", "last_event_at", "last_event_type", "company"} <= read
    assert not {"lead_id", "first_name", "enriched_facts"} & read
    cut = leads[[c for c in leads.columns if c in read]]
    languages = pd.Series("en", index=leads.index)
    pd.testing.assert_frame_equal(pick_points(cut, playbook, languages),
                                  pick_points(leads, playbook, languages))
    broken = copy.deepcopy(playbook)
    broken["points"][0]["when"] = "no_such_field > 1"
    assert fields_read(broken, leads.columns) is None
    assert doctest.testmod(scoring.playbook).failed == 0


def test_known_kept_across_parts_gives_the_points_of_one_call_working_each_out_once(
        generated, playbook, monkeypatch):
    from scoring.reasons import languages_for
    from scoring.talking_points import Known

    languages = languages_for(generated["country"])
    whole = pick_points(generated, playbook, languages)
    renders, checks = _counting(monkeypatch, "_sentence"), _counting(monkeypatch, "_holds")
    known = Known(playbook)
    parts = [pick_points(generated.iloc[i:i + 250], playbook, languages.iloc[i:i + 250],
                         known=known) for i in range(0, len(generated), 250)]
    joined = pd.concat(parts)
    assert joined["points"].tolist() == whole["points"].tolist()
    assert joined["point_ids"].tolist() == whole["point_ids"].tolist()
    shared, once = len(renders), len(checks)
    for i in range(0, len(generated), 250):  # each part on its own works its values out again
        pick_points(generated.iloc[i:i + 250], playbook, languages.iloc[i:i + 250])
    assert shared < (len(renders) - shared) * 0.6 and once < (len(checks) - once) * 0.6
    once = len(checks)
    pick_points(generated.iloc[:250], playbook, languages.iloc[:250], known=known)
    assert len(checks) == once  # a part seen before: nothing worked out again
    with pytest.raises(ValueError, match="another playbook"):
        pick_points(generated.iloc[:10], copy.deepcopy(playbook), languages.iloc[:10],
                    known=known)


def test_known_tells_values_apart_by_type_and_a_float_by_its_bits(playbook):
    from scoring.talking_points import Known

    known, said = Known(playbook), (lambda context: repr(context["x"]))
    values = [0.0, -0.0, np.float64(0.0), np.float64(-0.0), 0, False, float("nan")]
    assert [known.of(said, {"x": v}, key=1) for v in values] == [repr(v) for v in values]
    assert known.of(said, {"x": [1]}, key=1) == "[1]"  # not a key: worked out again
