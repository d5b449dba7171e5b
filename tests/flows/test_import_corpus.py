"""Every file of the corpus ends in a clean import where the row equation holds, or in one
clear sentence without a traceback, and never in a partial write."""

from __future__ import annotations

import json

import duckdb
import pytest
from import_corpus import Case, Clean, Fails, cases
from support import run_leadpilot

CASES = cases()


def test_the_corpus_holds_at_least_30_files():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_file_imports_cleanly_or_fails_in_one_sentence(case: Case, tmp_path, monkeypatch,
                                                            capsys):
    path = tmp_path / case.name
    path.write_bytes(case.data)
    warehouse, rejects = tmp_path / "w.duckdb", tmp_path / "rejects"
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LEADPILOT_REJECTS_DIR", str(rejects))
    monkeypatch.delenv("LEADPILOT_DEBUG", raising=False)
    code, out, err = run_leadpilot(["import", str(path), "--preset", case.preset],
                                   monkeypatch, capsys)
    assert "Traceback" not in out + err
    con = duckdb.connect(str(warehouse), read_only=True) if warehouse.exists() else None
    try:
        if isinstance(case.expect, Fails):
            assert code == 1, out
            assert err.startswith("Error: ") and case.expect.message in " ".join(err.split())
            assert len(err.strip().splitlines()) <= 3  # one sentence, wrapped at most
            if con is not None:  # nothing half-written
                assert con.execute("SELECT count(*) FROM leads").fetchone()[0] == 0
                assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
            assert not rejects.exists() or not any(rejects.rglob("*"))
            return
        assert code == 0, err
        summary = json.loads(con.execute("SELECT summary FROM imports").fetchone()[0])
        expected = case.expect
        assert isinstance(expected, Clean)
        assert summary["read"] == (summary["inserted"] + summary["updated"] + summary["unchanged"]
                                   + summary["merged"] + summary["rejected"])
        assert (summary["read"], summary["rejected"]) == (expected.read, expected.rejected)
        if expected.inserted is not None:
            assert summary["inserted"] == expected.inserted
        assert con.execute("SELECT count(*) FROM leads").fetchone()[0] == summary["inserted"]
        files = list(rejects.rglob("*_rejects.csv"))
        assert len(files) == (1 if expected.rejected else 0)
        assert not list(rejects.rglob("*.partial"))
    finally:
        if con is not None:
            con.close()
