"""`forget` also scrubs the `*_rejects.csv.partial` a killed import left behind."""

from __future__ import annotations

from datetime import datetime

from support import import_leads

from flows.privacy.erasure import forget
from flows.settings import Settings

NOW = datetime(2026, 11, 29, 6, 0)
JANE = "jane.doe@example.com"


def test_forget_scrubs_a_killed_imports_partial_rejects_file(tmp_path):
    settings = Settings(home=tmp_path, warehouse=tmp_path / "w.duckdb", out_dir=tmp_path / "out",
                        rejects_dir=tmp_path / "rejects")
    crm = tmp_path / "crm.csv"
    crm.write_text("lead_id,created_at,first_name,last_name,email,source,status,company_name,"
                   f"website\nL1,2026-11-20,Jane,Doe,{JANE},web_form,open,Acme,acme.fr\n",
                   encoding="utf-8")
    import_leads(settings, crm, NOW)
    partial = tmp_path / "rejects" / "2026-11-29" / "crm_rejects.csv.partial"
    partial.parent.mkdir(parents=True)
    partial.write_text("line,reason,raw\n"
                       "3,bad date,\"L7,yesterday,Bob,Lee,bob@beta.fr\"\n"
                       "4,bad date,\"L8,yesterday,Jane,Doe,Jane.Doe@Example.com\"\n"
                       "5,bad date,\"L1,yesterday,Jane,D", encoding="utf-8-sig")  # cut short
    erased = forget(settings, JANE, now=NOW)
    assert erased.files == {partial: 2}
    left = partial.read_text(encoding="utf-8-sig")
    assert "Jane" not in left and "bob@beta.fr" in left
