"""`leadpilot train --history` and `leadpilot evaluate` on a CRM export (a bank-marketing sample:
`;`-separated, quoted, target yes/no), with leakage guards and a TOML mapping."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from support import REPO
from typer.testing import CliRunner

from flows import store
from flows.cli import app
from flows.models import registry
from flows.models.history import leak_warnings, load_history

SAMPLE = REPO / "tests" / "fixtures" / "bank_marketing" / "bank-sample.csv"


@pytest.fixture()
def own_warehouse(tmp_path, monkeypatch):
    """Settings of a fresh warehouse under tmp_path, and a search budget of 0 (fast)."""
    for key, value in {"WAREHOUSE": tmp_path / "w.duckdb", "MODELS_DIR": tmp_path / "models",
                       "OUT_DIR": tmp_path / "out", "SEARCH_CANDIDATES": "1"}.items():
        monkeypatch.setenv(f"LEADPILOT_{key}", str(value))
    return tmp_path


def _with_open_rows(tmp_path, n_open: int = 40):
    """The sample with its last rows' outcome emptied: open leads to score."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    body = [line.rsplit(";", 1)[0] + ";" if i >= len(lines) - n_open else line
            for i, line in enumerate(lines)]
    path = tmp_path / "history.csv"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def test_training_on_a_crm_export_registers_a_history_model_and_scores_its_open_rows(
        own_warehouse):
    path = _with_open_rows(own_warehouse)
    result = CliRunner().invoke(app, ["train", "--history", str(path), "--target", "y",
                                      "--exclude", "duration"])
    assert result.exit_code == 0, result.output
    assert "(history)" in result.output and "40 open rows scored" in result.output
    with store.opened(own_warehouse / "w.duckdb") as con:
        listing = registry.listing(con)
        assert registry.champion(con, "warehouse") is None  # never the daily sheet's model
    assert listing["kind"].tolist() == ["history"]
    card = json.loads((own_warehouse / "models" / listing["version"][0] / "card.json").read_text())
    used = {p["name"]: p["kind"] for p in card["column_plan"]}
    assert "duration" not in used and used["age"] == "numeric" and used["job"] == "categorical"
    assert card["holdout"]["roc_auc"] > 0.7
    scored = pd.read_csv(own_warehouse / "out" / "history" / f"{listing['version'][0]}_scored.csv",
                         encoding="utf-8-sig", keep_default_na=False)
    assert len(scored) == 40
    p = scored["Win probability (%)"].astype(float)
    assert p.is_monotonic_decreasing and p.between(0, 100).all()
    assert scored["Why this score"].str.contains("▲|▼").all()


def test_a_column_that_gives_the_outcome_away_is_warned_about(tmp_path):
    frame = pd.read_csv(SAMPLE, sep=";", dtype=str)
    frame["Lead Status"] = frame["y"].map({"yes": "Converted", "no": "Dead"})
    path = tmp_path / "leaky.csv"
    frame.to_csv(path, sep=";", index=False)
    warnings = leak_warnings(load_history(path, "y", exclude=("duration",)))
    assert len(warnings) == 1
    assert "'Lead Status' alone predicts the outcome" in warnings[0]
    assert '--exclude "Lead Status"' in warnings[0]


def test_a_mapping_turns_crm_statuses_into_outcomes_and_open_leads(tmp_path):
    frame = pd.read_csv(SAMPLE, sep=";", dtype=str).head(300)
    frame["Lead Status"] = frame["y"].map({"yes": "Closed - Converted",
                                           "no": "Closed - Not Converted"})
    frame.loc[:9, "Lead Status"] = "Working - Contacted"
    frame["Email"] = [f"lead{i}@example.com" for i in range(len(frame))]
    frame["Created"] = [f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(len(frame))]
    path = tmp_path / "crm.csv"
    frame.drop(columns="y").to_csv(path, index=False)
    mapping = tmp_path / "mine.toml"
    mapping.write_text('[columns]\nemail = "Email"\nstatus = "Lead Status"\n'
                       'created_at = "Created"\n\n[statuses]\n'
                       'default = "open"\n"Closed - Converted" = "won"\n'
                       '"Closed - Not Converted" = "lost"\n', encoding="utf-8")
    history = load_history(path, "status", mapping, exclude=("duration",))
    assert history.date_column == "created_at"  # mapped: validation is time-based
    assert str(history.order.min())[:10] == "2025-01-01"
    assert history.won.iloc[:10].isna().all()
    assert history.won.iloc[10:].sum() == (frame["y"].iloc[10:] == "yes").sum()


@pytest.mark.parametrize(("args", "message"), [
    (["--target", "y"], "--target only apply with --history"),
    (["--history", "nope.csv", "--target", "y"], "does not exist"),
    (["--history", str(SAMPLE), "--target", "outcome"], "'outcome' is not a column"),
    (["--history", str(SAMPLE), "--target", "job"], "not 1/0, yes/no"),
])
def test_bad_history_options_are_one_sentence(own_warehouse, args, message):
    from flows.cli.commands import main  # noqa: F401  (the same error path as the installed command)

    result = CliRunner().invoke(app, ["train", *args])
    assert result.exit_code != 0
    assert message in str(result.exception)


@pytest.mark.slow  # five real trainings; the folds themselves: tests/scoring/test_evaluation.py
def test_evaluate_prints_the_cross_validated_figures_as_json_and_writes_the_report(
        own_warehouse):
    report = own_warehouse / "report.html"
    result = CliRunner().invoke(app, ["evaluate", "--history", str(SAMPLE), "--target", "y",
                                      "--exclude", "duration", "--json", "--report",
                                      str(report)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["validation"] == "stratified 5-fold" and len(figures["folds"]) == 5
    assert 0.7 < figures["roc_auc"] < 1 and 0 < figures["brier"] < 0.11
    assert figures["lift_at_10"] > 2 and figures["pr_auc"] > figures["wins"] / figures["rows"]
    deciles = figures["calibration"]
    assert [d["decile"] for d in deciles] == list(range(1, 11))
    assert sum(d["leads"] for d in deciles) == figures["rows"] == 3000
    assert deciles[-1]["observed"] > 3 * deciles[0]["observed"]
    columns = figures["columns"]
    assert {"name": "job", "kind": "categorical"} in columns["used"]
    assert {"name": "duration", "why": "excluded with --exclude"} in columns["set_aside"]
    assert {"name": "y", "why": "the target"} in columns["set_aside"]
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    for title in ("Calibration curve", "Lift / gains chart", "Feature importance",
                  "Score distribution"):
        assert title in page


@pytest.mark.slow  # five real trainings; the column plan alone: tests/scoring/test_tabular.py
def test_evaluate_says_which_columns_were_used_derived_or_set_aside_and_why(own_warehouse):
    """An opportunity id is set aside, a date becomes month, weekday and days to the other date,
    free-text notes become their length, decimal commas are read as the file writes them."""
    sample = pd.read_csv(SAMPLE, sep=";", dtype=str).drop(columns="duration")
    frame = pd.concat([sample[sample["y"] == "yes"].head(60), sample[sample["y"] == "no"].head(
        340)]).sort_index().reset_index(drop=True)
    days = pd.Series(range(len(frame))) % 300
    frame["Opportunity ID"] = [f"0065g00000{i:06d}XyZ" for i in range(len(frame))]
    frame["Engage date"] = (pd.Timestamp("2025-01-06") + pd.to_timedelta(days, "D")).dt.strftime(
        "%d/%m/%Y")
    frame["Last call"] = (pd.Timestamp("2025-02-01") + pd.to_timedelta(days * 2, "D")
                          ).dt.strftime("%d/%m/%Y")
    frame["Notes"] = [f"Spoke with the buyer {i} times, wants a quote" for i in range(len(frame))]
    frame["euribor3m"] = frame["euribor3m"].str.replace(".", ",")
    path = own_warehouse / "opportunities.csv"
    frame.to_csv(path, sep=";", index=False)
    result = CliRunner().invoke(app, ["evaluate", "--history", str(path), "--target", "y",
                                      "--report", str(own_warehouse / "r.html")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "euribor3m (numeric)" in out and "job (categorical)" in out
    assert "Engage date (month) (from Engage date)" in out
    assert "days from Engage date to Last call (from Engage date, Last call)" in out
    assert "Notes (length) (from Notes)" in out
    assert "Set aside: Opportunity ID: an identifier: 400 distinct values in 400 rows" in out
    assert "Set aside: y: the target" in out
