"""The suppression list is kept beside the warehouse (`<warehouse>.suppressed`): deleting the
warehouse or restoring a backup older than a `forget` does not bring the erased person back,
neither through an import nor in the rows the backup still holds."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support import import_leads

from flows import store
from flows.errors import LeadpilotError
from flows.privacy import erasure, suppression
from flows.privacy.erasure import forget
from flows.settings import Settings
from flows.sheets import kept

NOW = datetime(2026, 11, 29, 6, 0)
DAY = date(2026, 11, 28)
JANE = "jane.doe@example.com"
LEADS = ("lead_id,created_at,first_name,last_name,email,source,status,company_name,website\n"
         f"L1,2026-11-20,Jane,Doe,{JANE},web_form,open,Acme,acme.fr\n"
         "L2,2026-11-21,Bob,Lee,bob@beta.fr,web_form,open,Beta,beta.fr\n")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path, warehouse=tmp_path / "w.duckdb",
                        out_dir=tmp_path / "out", rejects_dir=tmp_path / "rejects")
    (tmp_path / "crm.csv").write_text(LEADS, encoding="utf-8")
    import_leads(settings, tmp_path / "crm.csv", NOW)
    return settings


def _lead_ids(settings: Settings) -> list[str]:
    with store.opened(settings.warehouse) as con:
        return [i for (i,) in con.execute("SELECT lead_id FROM leads ORDER BY 1").fetchall()]


def test_forget_keeps_the_list_beside_the_warehouse_without_the_address(settings):
    forget(settings, JANE, now=NOW)
    kept = suppression.beside(settings.warehouse).read_text(encoding="utf-8")
    # one address, one lead id, each hashed (with the list's random salt) beside its erasure time
    listed = json.loads(kept)
    assert [len(listed[key]) for key in ("suppressed_emails", "suppressed_lead_ids")] == [1, 1]
    assert {when for key in ("suppressed_emails", "suppressed_lead_ids")
            for _, when in listed[key]} == {NOW.isoformat()}
    assert JANE not in kept and "L1" not in kept


def test_a_deleted_warehouse_rebuilt_from_the_crm_keeps_the_erased_person_out(settings,
                                                                            tmp_path):
    forget(settings, JANE, now=NOW)
    settings.warehouse.unlink()
    summary = import_leads(settings, tmp_path / "crm.csv", NOW)
    assert summary.suppressed == 1
    assert _lead_ids(settings) == ["L2"]


def test_a_backup_from_before_forget_gets_the_list_back(settings, tmp_path):
    shutil.copy(settings.warehouse, tmp_path / "backup.duckdb")
    forget(settings, JANE, now=NOW)
    shutil.copy(tmp_path / "backup.duckdb", settings.warehouse)  # the restore
    summary = import_leads(settings, tmp_path / "crm.csv", NOW)
    assert summary.suppressed == 1
    with store.opened(settings.warehouse) as con:
        assert suppression.suppressed_among(con, [JANE]) == {JANE}


def _backed_up_then_forgotten(settings: Settings, backup: Path) -> None:
    """A day's sheet kept beside the warehouse (Jane and Bob), the warehouse and its sheets
    backed up to `backup`, then Jane forgotten, then the backup restored over both."""
    with kept.writing(settings.warehouse, DAY) as add:
        add(kept.kept_parts([pd.DataFrame({"rank": [1, 2], "lead_id": ["L1", "L2"],
                                           "win_probability": [40.0, 30.0]})]))
    shutil.copytree(settings.warehouse.parent, backup)
    forget(settings, JANE, now=NOW)
    shutil.rmtree(kept.folder(settings.warehouse))
    shutil.copytree(backup, settings.warehouse.parent, dirs_exist_ok=True)  # the restore


def test_a_backup_from_before_forget_loses_the_erased_person_again(settings, tmp_path):
    """The restored warehouse held Jane's lead again, which the next daily run would have put
    back on a sheet: its first connection erases her from every table, from the sheets kept
    beside it and from the file's bytes, and keeps Bob."""
    _backed_up_then_forgotten(settings, tmp_path / "backup")
    assert JANE.encode() in settings.warehouse.read_bytes()
    store.connect(settings.warehouse).close()
    assert _lead_ids(settings) == ["L2"]
    assert JANE.encode() not in settings.warehouse.read_bytes()
    assert kept.read(settings.warehouse, DAY)["lead_id"].tolist() == ["L2"]
    with store.opened(settings.warehouse) as con:
        tables = con.execute(store.sql("personal_data_tables", "flows.privacy")).fetchall()
        left = {name: con.execute(f"SELECT count(*) FROM {name} WHERE lead_id = 'L1'")  # noqa: S608
                .fetchone()[0] for name, has_lead_id, *_ in tables if has_lead_id}
    assert set(left.values()) == {0} and "leads" in left


def test_a_failed_erasure_of_a_restored_backup_is_tried_again(settings, tmp_path, monkeypatch):
    """The list is put back and its people erased in one transaction: when the erasure fails,
    the list is not put back either, so the next connection tries both again."""
    _backed_up_then_forgotten(settings, tmp_path / "backup")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(erasure, "erase_rows", fail)
        with pytest.raises(OSError, match="disk full"):
            store.connect(settings.warehouse)
    with duckdb.connect(str(settings.warehouse), read_only=True) as raw:  # not store.connect
        assert raw.execute("SELECT count(*) FROM suppressed_emails").fetchone()[0] == 0
        assert raw.execute("SELECT count(*) FROM leads WHERE lead_id = 'L1'").fetchone()[0] == 1
    assert _lead_ids(settings) == ["L2"]  # connected again, unpatched


def test_a_damaged_list_beside_the_warehouse_stops_everything_loudly(settings):
    forget(settings, JANE, now=NOW)
    suppression.beside(settings.warehouse).write_text("{", encoding="utf-8")
    with pytest.raises(LeadpilotError, match=r"The suppression list .*w\.duckdb\.suppressed is "
                                             "damaged; restore it from a backup"):
        store.connect(settings.warehouse)


def test_a_lost_list_beside_the_warehouse_is_written_again(settings):
    forget(settings, JANE, now=NOW)
    suppression.beside(settings.warehouse).unlink()
    store.connect(settings.warehouse).close()
    assert suppression.beside(settings.warehouse).exists()
