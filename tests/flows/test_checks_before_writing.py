"""The daily run checks every editable file and the model before its first write: a bad file
leaves no feature, score or sheet row behind."""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import pytest
from support import NOW, REPO

from flows.errors import LeadpilotError

pytestmark = pytest.mark.usefixtures("prefect_harness")
DAY = date(2026, 11, 28)  # a day no other test runs


def _rows(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t} WHERE run_date = ?",  # noqa: S608
                               [DAY]).fetchone()[0]
                for t in ("lead_features", "scores", "quotes", "sheet_rows")}


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
