"""Issue 12: at least 40 damaged or hostile lead files (tests/hostile_corpus.py), each through
both intake doors (`leadpilot import FILE --preset leadpilot` and the daily
`leadpilot import --leads FILE`): no traceback, the row equation on every success, and on every
failure one sentence with the warehouse and the rejects folder untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from hostile_corpus import HEADER, hostile_files
from support import NOW, run_leadpilot, warehouse_contents

from flows import store
from flows.intake.daily import import_all

FILES = hostile_files()
DOORS = ("import", "daily")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> dict:
    """A warehouse holding leads H1-H3 of company C1, and the daily intake's other files."""
    root = tmp_path_factory.mktemp("seeded")
    files = {"companies": root / "companies.csv", "activities": root / "activities.csv",
             "leads": root / "leads.csv"}
    files["companies"].write_text("company_id,name\nC1,Acme\n", encoding="utf-8")
    files["activities"].write_text("event_id,lead_id,occurred_at,event_type\n",
                                   encoding="utf-8")
    files["leads"].write_text(HEADER + "\n" + "".join(
        f"H{i},2026-11-19 10:00:00,Old{i},Lee,h{i}@acme.fr,C1,webinar,open\n"
        for i in range(1, 4)), encoding="utf-8")
    warehouse = root / "warehouse.duckdb"
    with store.opened(warehouse) as con:
        import_all(con, files["leads"], files["companies"], files["activities"], root / "r", NOW)
    return {**files, "warehouse": warehouse, "contents": warehouse_contents(warehouse)}


def test_the_hostile_corpus_holds_at_least_40_files():
    assert len(FILES) >= 40


def _door_args(door: str, path: Path, seeded: dict[str, Path]) -> list[str]:
    if door == "import":
        return ["import", str(path), "--preset", "leadpilot"]
    return ["import", f"--leads={path}", f"--companies={seeded['companies']}",
            f"--activities={seeded['activities']}"]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("name", sorted(FILES))
def test_a_hostile_file_imports_with_the_row_equation_or_fails_in_one_sentence(
        name, door, seeded, tmp_path, monkeypatch, capsys):
    path = tmp_path / name
    path.write_bytes(FILES[name])
    warehouse, rejects = tmp_path / "warehouse.duckdb", tmp_path / "rejects"
    shutil.copy(seeded["warehouse"], warehouse)
    before = seeded["contents"]  # what the copy holds
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LEADPILOT_REJECTS_DIR", str(rejects))
    monkeypatch.setenv("LEADPILOT_TODAY", "2026-11-27")
    monkeypatch.delenv("LEADPILOT_DEBUG", raising=False)
    code, out, err = run_leadpilot(_door_args(door, path, seeded), monkeypatch, capsys)
    assert "Traceback" not in out + err
    assert "LEADPILOT_DEBUG" not in err, err  # an unexpected exception, not a sentence
    if code:
        assert code == 1 and err.startswith("Error: "), out + err
        assert len(err.strip().splitlines()) <= 3  # one sentence, wrapped at most
        assert warehouse_contents(warehouse) == before
        assert not rejects.exists() or not any(rejects.rglob("*"))
        return
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (summary,) = con.execute("SELECT summary FROM imports WHERE source_file = ?",
                                 [str(path)]).fetchone()
    counts = json.loads(summary)
    assert counts["read"] == sum(counts[k] for k in ("inserted", "updated", "unchanged",
                                                     "merged", "rejected", "suppressed"))
    written = list(rejects.rglob("*_rejects.csv"))
    assert len([f for f in written if f.stem == f"{path.stem}_rejects"]) == (
        1 if counts["rejected"] else 0)
    assert not list(rejects.rglob("*.partial"))
