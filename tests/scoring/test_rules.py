"""The cold-start rules score: points from data/rules.yaml, reasons from the rules, and
mistakes in the file reported with their line and field."""

from __future__ import annotations

import pandas as pd
import pytest
from support import REPO

from flows.editable_files import ConfigError, load_yaml
from scoring.rules import RuleBook, score_by_rules


def _book(tmp_path, text: str) -> RuleBook:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return RuleBook.from_file(load_yaml(path))


def test_the_shipped_rules_file_is_valid_and_rewards_fit_and_engagement():
    book = RuleBook.from_file(load_yaml(REPO / "data" / "rules.yaml"))
    leads = pd.DataFrame({
        "size_band": ["51-200", "1-10"], "seniority": ["director", "individual"],
        "department": ["sales", "other"], "email_kind": ["corporate", "disposable"],
        "source": ["demo_request", "web_form"], "demo_requests_90d": [1.0, 0.0],
        "pricing_views_30d": [3.0, 0.0], "events_7d": [4.0, 0.0],
        "days_since_last_event": [1.0, float("nan")],
    })
    scored = score_by_rules(leads, book)
    hot, cold = scored.iloc[0], scored.iloc[1]
    assert hot["win_probability"] > 0.7 > 0.1 > cold["win_probability"]
    assert hot["reasons_positive"][0] == "Asked for a demo in the last 90 days"
    assert "Disposable email address" in cold["reasons_negative"]
    assert hot["contributions"]["demo_requests_90d"] == 0.2


def test_points_add_up_from_the_start_and_stay_between_0_and_100(tmp_path):
    book = _book(tmp_path, "start: 90\nrules:\n"
                 "  - {when: events_7d, at_least: 1, points: 30, because: Active}\n"
                 "  - {when: email_kind, among: [free], points: -100, because: Free mail}\n")
    leads = pd.DataFrame({"events_7d": [2.0, 0.0, 2.0], "email_kind": ["corporate", "corporate",
                                                                      "free"]})
    assert score_by_rules(leads, book)["win_probability"].tolist() == [1.0, 0.9, 0.2]


@pytest.mark.parametrize(("text", "line", "field"), [
    ("start: 20\nrules:\n  - when: shoe_size\n    at_least: 3\n    points: 5\n    because: x\n",
     3, "rules[0].when"),
    ("start: 20\nrules:\n  - when: events_7d\n    at_least: 3\n    points: lots\n    because: x\n",
     5, "rules[0].points"),
    ("start: 20\nrules:\n  - when: country\n    at_least: 3\n    points: 5\n    because: x\n",
     4, "rules[0].at_least"),
    ("start: 200\nrules: []\n", 1, "start"),
])
def test_a_mistake_in_the_rules_file_names_the_line_and_the_field(tmp_path, text, line, field):
    with pytest.raises(ConfigError) as error:
        _book(tmp_path, text)
    assert error.value.line == line
    assert error.value.field == field
