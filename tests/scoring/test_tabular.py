"""Any CRM export as model input: the outcome, column types, fixed categories, leak warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.tabular import (
    MAX_TEXT_LEVELS,
    OTHER,
    column_report,
    leak_suspects,
    parse_target,
    phrase_reasons,
    plan_columns,
    to_matrix,
)


def test_the_target_reads_1_0_yes_no_true_false_won_lost_in_any_case_and_empty_is_open():
    target = parse_target(pd.Series(["1", "0", "Yes", "NO", "true", "False", "Won", "LOST", "",
                                     None, " yes "]))
    assert target.iloc[:8].tolist() == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    assert target.iloc[8:10].isna().all()
    assert target.iloc[10] == 1.0


def test_a_target_value_that_is_no_outcome_is_named_in_the_error():
    with pytest.raises(ValueError, match="'maybe'.*2 rows"):
        parse_target(pd.Series(["yes", "maybe", "Maybe", "no"]))


def _crm(n: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "Employees": [str(v) for v in rng.integers(1, 500, n)],
        "Pays": rng.choice(["France", "Belgique", "Suisse"], n),
        "Société": [f"Société {i % 120}" if i % 3 else f"Solo {i}" for i in range(n)],
        "Email": [f"lead{i}@example.com" for i in range(n)],  # an identifier
        "Constant": ["same"] * n,
        "Notes": [None] * n,
    })


def test_columns_are_typed_as_numbers_categories_high_cardinality_text_or_left_out():
    plans = {p.name: p for p in plan_columns(_crm())}
    assert plans["Employees"].kind == "numeric"
    assert plans["Pays"].kind == "categorical"
    assert plans["Pays"].levels == ("Belgique", "France", "Suisse")
    assert plans["Société"].kind == "text"  # the frequent values are kept, the rest is (other)
    assert 0 < len(plans["Société"].levels) <= MAX_TEXT_LEVELS  # LightGBM smooths the levels
    assert plans["Email"].kind == "dropped" and "identifier" in plans["Email"].note
    assert plans["Constant"].kind == "dropped"
    assert plans["Notes"].kind == "dropped"


def test_scoring_rows_get_the_training_categories_and_unseen_values_become_other():
    crm = _crm()
    plans = plan_columns(crm)
    new = pd.DataFrame({"Employees": ["12", None], "Pays": ["Suisse", "Deutschland"],
                        "Société": ["Société 4", "Brand new SARL"], "Email": ["a@b.c", None],
                        "Constant": ["same", "same"], "Notes": [None, None]})
    train, scored = to_matrix(crm, plans), to_matrix(new, plans)
    assert list(scored.columns) == ["Employees", "Pays", "Société"]
    assert list(scored["Pays"].cat.categories) == list(train["Pays"].cat.categories)
    assert scored["Employees"].tolist()[0] == 12.0 and np.isnan(scored["Employees"].iloc[1])
    assert scored["Société"].tolist() == ["Société 4", OTHER]
    assert scored["Pays"].iloc[0] == "Suisse" and pd.isna(scored["Pays"].iloc[1])


def test_a_column_filled_in_after_the_outcome_is_flagged_and_an_identifier_is_not():
    rng = np.random.default_rng(4)
    won = (rng.random(400) < 0.3).astype(float)
    frame = pd.DataFrame({
        "Status": np.where(won == 1, "Closed Won", "Closed Lost"),
        "Call duration": (won * 300 + rng.random(400) * 30).round().astype(int).astype(str),
        "Lead ID": [f"L{i}" for i in range(400)],
        "Size": rng.integers(1, 100, 400).astype(str),
    })
    plans = plan_columns(frame)
    suspects = leak_suspects(to_matrix(frame, plans), won)
    assert set(suspects) == {"Status", "Call duration"}
    assert all(auc >= 0.95 for auc in suspects.values())


def test_reasons_of_a_file_model_name_the_column_and_the_value():
    matrix = pd.DataFrame({"job": pd.Categorical(["student"]), "age": [23.0]})
    text = phrase_reasons(np.array([[0.8, -0.3, -2.0]]), matrix)
    assert text == ["▲ job: student\n▼ age: 23"]


def _export(n: int = 300) -> pd.DataFrame:
    """A CRM export: an opportunity id, a row number, an engage and a close date, notes."""
    rng = np.random.default_rng(7)
    engaged = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    cycle = rng.integers(3, 90, n)
    return pd.DataFrame({
        "opportunity_id": [f"OPP{rng.integers(1e9):09d}" for _ in range(n)],
        "Row": [str(i + 1) for i in range(n)],
        "agent": rng.choice(["Anna", "Boris", "Chloé"], n),
        "engage_date": engaged.strftime("%Y-%m-%d"),
        "close_date": (engaged + pd.to_timedelta(cycle, unit="D")).strftime("%Y-%m-%d"),
        "notes": [f"called {i} times, asked for a quote about plan {i % 7}" for i in range(n)],
        "amount": rng.normal(5000, 900, n).round(2).astype(str),
    }), engaged, cycle


def test_dates_become_month_weekday_and_days_between_two_dates():
    frame, engaged, cycle = _export()
    plans = {p.name: p for p in plan_columns(frame, moment="engage_date")}
    assert plans["engage_date"].kind == plans["close_date"].kind == "date"
    elapsed = plans["days from engage_date to close_date"]
    assert elapsed.kind == "elapsed" and "scoring moment (engage_date)" in elapsed.note
    matrix = to_matrix(frame, list(plans.values()))
    assert matrix["days from engage_date to close_date"].tolist() == cycle.astype(float).tolist()
    months = [("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")[m - 1] for m in engaged.month]
    assert matrix["engage_date (month)"].tolist() == months
    assert matrix["engage_date (weekday)"].iloc[0] == engaged[0].strftime("%a")
    assert "engage_date" not in matrix.columns  # the raw date is no model input


def test_ids_are_set_aside_free_text_is_reduced_to_its_length_and_amounts_are_kept():
    frame, _, _ = _export()
    plans = {p.name: p for p in plan_columns(frame)}
    opportunity = plans["opportunity_id"]
    assert opportunity.kind == "dropped" and "identifier" in opportunity.note
    assert plans["Row"].kind == "dropped" and "identifier" in plans["Row"].note
    assert plans["amount"].kind == "numeric"  # unique per row too, but a measure, not an id
    assert plans["notes (length)"].kind == "length"
    matrix = to_matrix(frame.iloc[:2], list(plans.values()))
    assert matrix["notes (length)"].tolist() == [float(len(frame["notes"][0])),
                                                 float(len(frame["notes"][1]))]
    report = column_report(list(plans.values()), {"won": "the target"})
    assert {"name": "agent", "kind": "categorical"} in report["used"]
    assert {d["name"] for d in report["derived"]} >= {
        "engage_date (month)", "close_date (weekday)", "days from engage_date to close_date",
        "notes (length)"}
    aside = {a["name"]: a["why"] for a in report["set_aside"]}
    assert aside["won"] == "the target" and "identifier" in aside["opportunity_id"]
