"""`forget` and the rejects files: it scrubs the `*_rejects.csv.partial` a killed import left
behind, and its rewrite of a rejects CSV keeps formula cells neutralised."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from support import import_leads

from flows.intake import rejects
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


FORMULAS = ["=1+1", "@SUM(A1)", "-1+1", "+33 1 23 45 67 89"]


@pytest.mark.parametrize("written_by", ["an older leadpilot", "write_rejects"])
def test_forgets_rewrite_of_a_rejects_file_keeps_formula_cells_neutralised(tmp_path, written_by):
    """The rewritten rejects CSV (for Excel) neutralises =, +, - and @ cells like the sheet,
    once: a file from before neutralisation gets it, a neutralised one is not quoted twice."""
    settings = Settings(home=tmp_path, warehouse=tmp_path / "w.duckdb", out_dir=tmp_path / "out",
                        rejects_dir=tmp_path / "rejects")
    target = settings.rejects_dir / "2026-11-29" / "crm_rejects.csv"
    rows = [(3 + i, "bad date", cell) for i, cell in enumerate(FORMULAS)]
    rows.append((9, "=HYPERLINK(\"x\")", f"L8,yesterday,Jane,Doe,{JANE}"))
    if written_by == "write_rejects":
        rejects.write_rejects(iter(rows), target)
        rejects.publish([target])
    else:  # raw cells, as rejects files were written before
        target.parent.mkdir(parents=True)
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([rejects.COLUMNS, *rows])
    erased = forget(settings, JANE, now=NOW)
    assert erased.files == {target: 1}
    with target.open(encoding="utf-8-sig", newline="") as handle:
        kept = list(csv.reader(handle))
    assert kept[0] == list(rejects.COLUMNS)
    assert [row[2] for row in kept[1:]] == ["'" + cell for cell in FORMULAS]
    assert JANE not in target.read_text(encoding="utf-8-sig")
