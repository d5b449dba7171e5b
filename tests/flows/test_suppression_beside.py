"""The suppression list is kept beside the warehouse (`<warehouse>.suppressed`): deleting the
warehouse or restoring a backup older than a `forget` does not bring the erased person back."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from support import import_leads

from flows import store
from flows.errors import LeadpilotError
from flows.privacy import suppression
from flows.privacy.erasure import forget
from flows.settings import Settings

NOW = datetime(2026, 11, 29, 6, 0)
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
