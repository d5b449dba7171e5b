"""Issue 12's intake faults, each through both doors (`leadpilot import FILE` and the daily
intake): rejects neutralised like the sheet, required columns refused before any write,
optional columns never erasing stored values, awkward files said in one sentence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support import NOW

from flows import store
from flows.intake.daily import import_all
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping

HEADER = "lead_id,created_at,first_name,last_name,email,company_id,source,status"


def by_the_import(path: Path, folder: Path):
    with store.opened(folder / "warehouse.duckdb") as con:
        return import_file(con, path, load_mapping("leadpilot", None), folder / "rejects", NOW)


def by_the_daily_intake(path: Path, folder: Path):
    companies, activities = folder / "companies.csv", folder / "activities.csv"
    if not companies.exists():
        companies.write_text("company_id,name\nC1,Acme\nC2,Globex\n", encoding="utf-8")
    activities.write_text("event_id,lead_id,occurred_at,event_type\n", encoding="utf-8")
    with store.opened(folder / "warehouse.duckdb") as con:
        return import_all(con, path, companies, activities, folder / "rejects", NOW)[1]


DOORS = {"import": by_the_import, "daily": by_the_daily_intake}


def _rejected_cells(file: str) -> list[str]:
    with open(file, encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


@pytest.mark.parametrize("door", DOORS)
def test_the_rejects_file_neutralises_formula_cells_like_the_sheet(door, tmp_path):
    path = tmp_path / "leads.csv"
    hostile = ["=1+1", "@SUM(A1)", "-1+1", "+33 6", "\tcmd", "\rcmd"]
    rows = [f'L{i},not a date,"{v}",x,{v.strip() or "a"}@@x.fr,C1,web_form,open'
            for i, v in enumerate(hostile)]
    rows.append("=HYPERLINK(1),2026-11-20,Ann,Lee,ann@x.fr")  # a reader reject: too few fields
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    summary = DOORS[door](path, tmp_path)
    assert summary.rejected == len(rows)
    cells = _rejected_cells(summary.rejects_file)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=HYPERLINK(1),2026-11-20,Ann,Lee,ann@x.fr" in cells
