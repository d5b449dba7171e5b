"""Cold start: with too few outcomes the sheet is scored by the editable rules and says so; once
enough outcomes exist, the daily flow trains a model and switches to it by itself."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
from support import ANCHOR, NOW, REPO, settings_env

from flows import store
from flows.editable_files import load_yaml
from flows.models import registry
from flows.models.training import outcome_counts

pytestmark = pytest.mark.usefixtures("prefect_harness")
RULES = {rule["because"] for rule in load_yaml(REPO / "data" / "rules.yaml").data["rules"]}


def _sheet(path: str) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def young_team(tmp_path_factory):
    """A team with 150 closed leads: the daily flow on ANCHOR, then on the next day with the
    thresholds lowered to 100 closed leads and 10 wins."""
    from flows.demo.data import generate, write_demo
    from flows.pipeline.daily import daily_lead_sheet

    root = tmp_path_factory.mktemp("young")
    write_demo(generate(ANCHOR, seed=7, n_history=150, n_open=30), root / "demo")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings_env(root).items():
            patch.setenv(key, value)
        first = _sheet(daily_lead_sheet(run_date=ANCHOR, now=NOW))
        patch.setenv("LEADPILOT_MIN_CLOSED_LEADS", "100")
        patch.setenv("LEADPILOT_MIN_WINS", "10")
        second = _sheet(daily_lead_sheet(run_date=ANCHOR + timedelta(days=1),
                                           now=NOW + timedelta(days=1)))
    return root / "warehouse" / "leadpilot.duckdb", first, second


def test_with_too_few_outcomes_the_sheet_is_rules_based_and_says_how_many_are_missing(
        young_team):
    warehouse, first, _ = young_team
    with store.opened(warehouse) as con:
        closed, _ = outcome_counts(con)
        summary = json.loads(con.execute("SELECT CAST(summary AS VARCHAR) FROM runs "
                                         "WHERE run_date = ?", [ANCHOR]).fetchone()[0])
    assert closed < 200
    assert set(first["Scored by"]) == {f"rules-based: not enough outcomes yet ({closed} of 200)"}
    for reasons in first["Why this score"]:
        assert {line[2:] for line in reasons.splitlines()} <= RULES  # the rules, not a model
    assert summary["scoring"]["model_version"] == "rules"
    assert summary["drift"]["computed"] is False


def test_once_there_are_enough_outcomes_the_flow_trains_a_model_and_switches_to_it(young_team):
    warehouse, first, second = young_team
    with store.opened(warehouse) as con:
        champion = registry.champion(con, "warehouse")
        summary = json.loads(con.execute("SELECT CAST(summary AS VARCHAR) FROM runs "
                                         "WHERE run_date = ?", [ANCHOR + timedelta(days=1)]
                                         ).fetchone()[0])
    assert champion is not None
    assert set(second["Scored by"]) == {f"model {champion}"}
    both = second[second["Lead ID"].isin(first["Lead ID"])]
    assert len(both) > 0
    moved = both["Change since yesterday"]
    assert moved.str.match(r"^(▲ \+\d+|▼ -\d+): now model |^±0$").all()
    assert moved.str.contains("was rules-based").any()
    assert summary["drift"]["computed"] is True
    assert {"score", "events_7d"} <= set(summary["drift"]["psi"])
