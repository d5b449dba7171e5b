"""`forget` and the unfinished files a stopped command left: it scrubs the
`*_rejects.csv.partial` of a killed import and deletes the `.partial` sheets, rep pages and kept
days of a stopped run; its rewrite of a rejects CSV keeps formula cells neutralised."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from support import import_leads, run_leadpilot, warehouse_env

from flows.intake import rejects
from flows.privacy.erasure import forget
from flows.settings import Settings
from flows.sheets import kept

NOW = datetime(2026, 11, 29, 6, 0)
JANE = "jane.doe@example.com"


def _settings(tmp_path) -> Settings:
    """A warehouse holding Jane's one lead, and a rejects folder."""
    settings = Settings(home=tmp_path, warehouse=tmp_path / "w.duckdb", out_dir=tmp_path / "out",
                        rejects_dir=tmp_path / "rejects")
    crm = tmp_path / "crm.csv"
    crm.write_text("lead_id,created_at,first_name,last_name,email,source,status,company_name,"
                   f"website\nL1,2026-11-20,Jane,Doe,{JANE},web_form,open,Acme,acme.fr\n",
                   encoding="utf-8")
    import_leads(settings, crm, NOW)
    return settings


def test_forget_scrubs_a_killed_imports_partial_rejects_file(tmp_path):
    settings = _settings(tmp_path)
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


def test_forget_deletes_what_a_stopped_run_left_of_its_sheets(tmp_path, monkeypatch, capsys):
    """A run killed while it wrote (or had just replaced) a sheet leaves `.partial` files of a
    day the warehouse may not know yet: forget deletes them (a dry run only names them), and
    leaves alone files that are not leadpilot's sheets."""
    settings = _settings(tmp_path)
    day = settings.out_dir / "2026-11-29"
    (day / "reps").mkdir(parents=True)
    ours = [day / "lead_sheet.csv.partial", day / "lead_sheet_zoe.fr.xlsx.partial",
            day / "reps" / "zoe-martin.html.partial",
            kept.folder(settings.warehouse) / "2026-11-29.parquet.partial"]
    ours[-1].parent.mkdir(parents=True)
    for path in ours:
        path.write_bytes(f"rank,email\n1,{JANE}\n2,bob@be".encode())  # cut off mid-row
    theirs = [day / "notes.txt.partial", day / "lead_sheet.csv"]
    for path in theirs:
        path.write_text("not a leftover\n", encoding="utf-8")
    for name, value in warehouse_env(settings).items():
        monkeypatch.setenv(name, value)

    code, out, err = run_leadpilot(["forget", JANE, "--dry-run"], monkeypatch, capsys)
    assert code == 0, err
    for path in ours:
        assert f"would delete {path}" in out.replace("\n", "") and path.exists()

    code, out, err = run_leadpilot(["forget", JANE], monkeypatch, capsys)
    assert code == 0, err
    assert [p for p in ours if p.exists()] == []
    assert f"deleted {ours[0]} (left unfinished by a run" in out.replace("\n", "")
    assert all(p.read_text(encoding="utf-8") == "not a leftover\n" for p in theirs)


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
