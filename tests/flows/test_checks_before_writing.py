"""The daily run, the weekly retrain and the demo check every editable file and the model before
their first write: a bad file leaves no feature, score, sheet row, import or demo file behind."""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import pytest
from support import NOW, REPO, run_leadpilot

from flows.errors import LeadpilotError
from flows.settings import Settings
from flows.sheets import kept

pytestmark = pytest.mark.usefixtures("prefect_harness")
DAY = date(2026, 11, 28)  # a day no other test runs


def _rows(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = {t: con.execute(f"SELECT count(*) FROM {t} WHERE run_date = ?",  # noqa: S608
                               [DAY]).fetchone()[0]
                for t in ("lead_features", "scores", "quotes")}
    return {**rows, "sheet_rows": kept.rows(warehouse, DAY)}  # the sheet kept beside it


@pytest.fixture
def copy(demo_env, tmp_path, monkeypatch):
    settings = demo_env[0]
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(settings.path(settings.warehouse), warehouse)
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LEADPILOT_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("LEADPILOT_REJECTS_DIR", str(tmp_path / "rejects"))
    return warehouse, tmp_path


_UNKNOWN = (r"\Z", "\nnot_a_setting: 1\n")  # a misspelt setting at the end of the file


@pytest.mark.parametrize("setting, file, damage", [
    ("LEADPILOT_PRICE_BOOK", "pricebook.yaml", _UNKNOWN),  # used to fail after 300 rows
    ("LEADPILOT_GRADES", "grades.yaml", (r"A: 0\.45", "A: 1.45")),
    ("LEADPILOT_PLAYBOOK", "playbook.yaml", _UNKNOWN),
    ("LEADPILOT_REASONS", "reasons.yaml", _UNKNOWN),
])
def test_a_bad_editable_file_fails_the_run_before_any_row_is_written(copy, monkeypatch, setting,
                                                                     file, damage):
    from flows.pipeline.daily import daily_lead_sheet

    warehouse, root = copy
    broken = root / file
    text = (REPO / "data" / file).read_text(encoding="utf-8")
    broken.write_text(re.sub(damage[0], damage[1], text, count=1), encoding="utf-8")
    monkeypatch.setenv(setting, str(broken))
    with pytest.raises(LeadpilotError, match=str(broken)):
        daily_lead_sheet(run_date=DAY, now=NOW)
    assert _rows(warehouse) == dict.fromkeys(_rows(warehouse), 0)


def test_a_damaged_model_fails_the_run_before_any_row_is_written(copy):
    from flows.pipeline.daily import daily_lead_sheet

    warehouse, _ = copy
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE models SET model_text = replace(model_text, 'end of trees', '')")
    with pytest.raises(LeadpilotError, match="is damaged; restore"):
        daily_lead_sheet(run_date=DAY, now=NOW)
    assert _rows(warehouse) == dict.fromkeys(_rows(warehouse), 0)


def _imports(warehouse) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT count(*) FROM imports").fetchone()[0]


def test_a_damaged_model_stops_the_weekly_retrain_before_intake_and_leaves_a_marker(
        copy, monkeypatch):
    from flows.pipeline import stale
    from flows.pipeline.daily import weekly_retrain

    warehouse, root = copy
    monkeypatch.setenv("LEADPILOT_MODELS_DIR", str(root / "models"))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE models SET model_text = replace(model_text, 'end of trees', '')")
    before = _imports(warehouse)
    with pytest.raises(LeadpilotError, match="is damaged; restore"):
        weekly_retrain(run_date=DAY, now=NOW)
    assert _imports(warehouse) == before  # the intake never ran
    assert not (root / "rejects").exists() and not (root / "models").exists()
    marker = (root / "out" / stale.RETRAIN_NAME).read_text(encoding="utf-8")
    assert marker.startswith(f"The weekly retrain of {DAY} FAILED at 2026-11-27 06:00 UTC: "
                             "LeadpilotError: The model ")
    assert "current champion model" in marker
    stale.clear_retrain(Settings())  # what a successful retrain does last
    assert not (root / "out" / stale.RETRAIN_NAME).exists()


def test_a_bad_editable_file_stops_the_demo_before_it_writes_anything(copy, monkeypatch,
                                                                      capsys):
    warehouse, root = copy
    broken = root / "pricebook.yaml"
    text = (REPO / "data" / "pricebook.yaml").read_text(encoding="utf-8")
    broken.write_text(re.sub(*_UNKNOWN, text, count=1), encoding="utf-8")
    monkeypatch.setenv("LEADPILOT_PRICE_BOOK", str(broken))
    for name in ("leads", "companies", "activities"):
        monkeypatch.setenv(f"LEADPILOT_{name.upper()}_CSV", str(root / "demo" / f"{name}.csv"))
    before = _imports(warehouse)
    code, _, err = run_leadpilot(["demo"], monkeypatch, capsys)
    assert code == 1 and err.startswith("Error: ") and str(broken) in err, err
    assert err.count("\n") == 1
    assert not (root / "demo").exists()  # no demo data generated
    assert _imports(warehouse) == before
