"""Issue 12's intake faults, each through both doors (`leadpilot import FILE` and the daily
intake): rejects neutralised like the sheet, required columns refused before any write,
optional columns never erasing stored values, awkward files said in one sentence."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from support import NOW, run_leadpilot, warehouse_contents

from flows import store
from flows.errors import LeadpilotError
from flows.intake import importer
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


def test_a_dry_run_of_the_daily_csvs_writes_nothing_anywhere(tmp_path, monkeypatch, capsys):
    warehouse, rejects = tmp_path / "w.duckdb", tmp_path / "rejects"
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LEADPILOT_REJECTS_DIR", str(rejects))
    monkeypatch.setenv("LEADPILOT_TODAY", "2026-11-27")
    files = {name: tmp_path / f"{name}.csv" for name in ("leads", "companies", "activities")}
    files["companies"].write_text("company_id,name\nC1,Acme\nC2,Globex\n", encoding="utf-8")
    files["activities"].write_text("event_id,lead_id,occurred_at,event_type\n"
                                   "E1,L1,2026-11-21 10:00:00,email_open\n", encoding="utf-8")
    leads = [f"L{i},2026-11-20 10:00:00,Ann,Lee,a{i}@x.fr,C{1 + i % 2},web_form,open"
             for i in range(1, 51)]
    files["leads"].write_text("\n".join([HEADER, *leads]) + "\n", encoding="utf-8")
    args = ["import", *(f"--{name}={path}" for name, path in files.items())]
    assert run_leadpilot(args, monkeypatch, capsys)[0] == 0
    (rejects / "2026-11-27").mkdir(parents=True, exist_ok=True)
    before, stored = warehouse.read_bytes(), warehouse_contents(warehouse)
    # a new lead, every lead's company gone, a rejected row in each file
    files["leads"].write_text("\n".join(
        ["lead_id,created_at,first_name,last_name,email,source,status",
         *(f"L{i},2026-11-20 10:00:00,Ann,Lee,a{i}@x.fr,web_form,open" for i in range(1, 52)),
         "L99,never,Bad,Date,b@x.fr,web_form,open"]) + "\n", encoding="utf-8")
    files["companies"].write_text("company_id,name\nC3,Initech\n,NoId\n", encoding="utf-8")
    files["activities"].write_text("event_id,lead_id,occurred_at,event_type\n"
                                   "E2,L2,2026-11-22 10:00:00,email_open\nE3,L2,never,x\n",
                                   encoding="utf-8")
    code, out, err = run_leadpilot([*args, "--dry-run"], monkeypatch, capsys)
    assert code == 0, err
    assert "nothing was written" in out
    assert warehouse.read_bytes() == before
    assert warehouse_contents(warehouse) == stored
    assert not list(rejects.rglob("*.csv*"))


def _without(column: str, lines: list[str]) -> str:
    """The CSV `lines` without one column."""
    at = lines[0].split(",").index(column)
    return "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != at)
                     for line in lines) + "\n"


def _leads(con) -> list[tuple]:
    return con.execute("SELECT lead_id, email, company_id, source, status, created_at "
                       "FROM leads ORDER BY lead_id").fetchall()


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("column", ["company_id", "email", "status", "source", "created_at",
                                    "first_name"])
def test_an_optional_column_missing_never_erases_stored_values(door, column, tmp_path):
    path = tmp_path / "leads.csv"
    lines = [HEADER, *(f"L{i},2026-11-20 10:00:00,Ann,Lee,a{i}@x.fr,C{i % 2 + 1},event,won"
                       for i in range(1, 4))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    DOORS[door](path, tmp_path)
    with store.opened(tmp_path / "warehouse.duckdb") as con:
        stored, history = _leads(con), con.execute("SELECT count(*) FROM lead_changes").fetchone()
    path.write_text(_without(column, lines), encoding="utf-8")
    summary = DOORS[door](path, tmp_path)
    assert (summary.read, summary.unchanged, summary.rejected) == (3, 3, 0)
    with store.opened(tmp_path / "warehouse.duckdb") as con:
        assert _leads(con) == stored
        assert con.execute("SELECT count(*) FROM lead_changes").fetchone() == history


@pytest.mark.parametrize("door", DOORS)
def test_a_file_without_a_required_column_is_refused_before_any_write(door, tmp_path):
    path = tmp_path / "leads.csv"
    good = [HEADER, "L1,2026-11-20 10:00:00,Ann,Lee,a1@x.fr,C1,event,open"]
    path.write_text("\n".join(good) + "\n", encoding="utf-8")
    DOORS[door](path, tmp_path)
    before = warehouse_contents(tmp_path / "warehouse.duckdb")
    (tmp_path / "companies.csv").write_text("company_id,name,employees\nC9,New,-5\n",
                                            encoding="utf-8")  # a rejected row
    path.write_text("first_name,last_name,source\nAnn,Lee,event\n", encoding="utf-8")
    with pytest.raises(LeadpilotError) as refused:
        DOORS[door](path, tmp_path)
    message = str(refused.value)
    assert "leads.csv" in message and "lead_id" in message and "email" in message
    assert len(message.splitlines()) == 1
    assert warehouse_contents(tmp_path / "warehouse.duckdb") == before
    assert not list((tmp_path / "rejects").rglob("*.csv*"))  # not even the companies' rejects


def _refused(door: str, path: Path, folder: Path) -> str:
    """The one sentence a door refuses `path` with; the warehouse and rejects untouched."""
    if (folder / "first.csv").exists():
        DOORS[door](folder / "first.csv", folder)
    warehouse = folder / "warehouse.duckdb"
    before = warehouse_contents(warehouse) if warehouse.exists() else None
    with pytest.raises(LeadpilotError) as refused:
        DOORS[door](path, folder)
    if before is not None:
        assert warehouse_contents(warehouse) == before
    assert not list((folder / "rejects").rglob("*.csv*"))
    message = str(refused.value)
    assert len(message.splitlines()) == 1 and message.endswith(".")
    return message


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("text", [",,,\n,,,\n", ";;;;\n", ",;|\t\n\n,,\n", "sep=;\n;;;\n"])
def test_a_file_of_only_delimiters_says_it_needs_a_header(door, text, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8")
    message = _refused(door, path, tmp_path)
    assert "leads.csv" in message and ("only delimiters" in message or "no header" in message)


@pytest.mark.parametrize("door", DOORS)
def test_delimiter_lines_before_the_header_are_skipped(door, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(",,,,\n;;\n" + HEADER + "\nL1,2026-11-20 10:00:00,Ann,Lee,a@x.fr,C1,event,"
                    "open\n", encoding="utf-8")
    summary = DOORS[door](path, tmp_path)
    assert (summary.read, summary.inserted, summary.rejected) == (1, 1, 0)


@pytest.mark.parametrize("door", DOORS)
def test_a_folder_is_called_a_folder(door, tmp_path):
    folder = tmp_path / "leads.csv"
    folder.mkdir()
    message = _refused(door, folder, tmp_path)
    assert "is a folder, not a file" in message and "does not exist" not in message


@pytest.mark.parametrize("door", DOORS)
def test_a_20000_column_file_is_refused_with_its_column_count_and_the_limit(door, tmp_path,
                                                                           monkeypatch):
    path = tmp_path / "leads.csv"
    names = ["lead_id", "email", *(f"c{i}" for i in range(19_998))]
    path.write_text(",".join(names) + "\n" + ",".join(["L1", "a@x.fr", *["1"] * 19_998])
                    + "\n", encoding="utf-8")
    read = importer.load_csv

    def never_this_one(con, source, *args, **kwargs):  # refused before DuckDB reads a row
        assert Path(source) != path
        return read(con, source, *args, **kwargs)

    monkeypatch.setattr(importer, "load_csv", never_this_one)
    message = _refused(door, path, tmp_path)
    assert "20,000 columns" in message and "2,000" in message and "leads.csv" in message


@pytest.mark.parametrize("door", DOORS)
def test_a_file_growing_while_it_is_read_is_refused_in_one_sentence(door, tmp_path,
                                                                    monkeypatch):
    first = tmp_path / "first.csv"
    first.write_text(HEADER + "\nL1,2026-11-20 10:00:00,Ann,Lee,a@x.fr,C1,event,open\n",
                     encoding="utf-8")
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + "\nL2,2026-11-20 10:00:00,Bob,Lee,b@x.fr,C1,event,open\n"
                    "L3,never,Bad,Date,c@x.fr,C1,event,open\n", encoding="utf-8")
    read = importer.load_csv

    def still_written(con, source, *args, **kwargs):
        loaded = read(con, source, *args, **kwargs)
        if Path(source) == path:  # the export goes on writing while DuckDB reads
            with path.open("a", encoding="utf-8") as handle:
                handle.write("L4,2026-11-20 10:00:00,Cy,Lee,d@x.fr,C1,event,open\nL5,\"half")
        return loaded

    monkeypatch.setattr(importer, "load_csv", still_written)
    message = _refused(door, path, tmp_path)
    assert "leads.csv changed while it was read" in message
    assert "Current transaction is aborted" not in message


def test_a_warehouse_error_inside_the_daily_transaction_is_not_masked(tmp_path, monkeypatch):
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + "\nL1,2026-11-20 10:00:00,Ann,Lee,a@x.fr,C1,event,open\n",
                    encoding="utf-8")

    def broken(con, *args, **kwargs):
        con.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(importer, "load_csv", broken)
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        by_the_daily_intake(path, tmp_path)
