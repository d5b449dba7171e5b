"""`leadpilot forget` reaches the files `leadpilot export --out` wrote outside out_dir: each
export notes its files in the warehouse, and forget (and its dry run) rewrites them."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from sheet_runs import publish_copy, register_kept
from support import ANCHOR, run_leadpilot, warehouse_env

from flows import store
from scoring.sheet_locale import headers


@pytest.fixture(scope="module")
def exported(demo_env, tmp_path_factory):
    """A published copy of the demo and the top lead's email."""
    root = tmp_path_factory.mktemp("exported")
    settings = publish_copy(demo_env, root / "copy")
    with store.opened(settings.warehouse) as con:
        register_kept(con, ANCHOR)
        person = con.execute("SELECT l.email FROM kept_rows s JOIN leads l USING (lead_id) "
                             "WHERE s.run_date = ? ORDER BY s.rank LIMIT 1",
                             [ANCHOR]).fetchone()[0]
    return settings, person, root / "elsewhere"


def _text(path) -> str:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(v) for row in book.worksheets[0].values for v in row)
    return path.read_text(encoding="utf-8-sig")


def test_forget_rewrites_the_files_export_wrote_outside_out_dir(exported, monkeypatch, capsys):
    settings, person, elsewhere = exported
    for monkeypatch_env in warehouse_env(settings).items():
        monkeypatch.setenv(*monkeypatch_env)
    for args in (["--per-owner", "--locale", "fr"], ["--format", "xlsx"]):
        folder = elsewhere / args[-1]
        code, _, err = run_leadpilot(["export", "--out", str(folder), *args], monkeypatch, capsys)
        assert code == 0, err
    files = sorted(p for p in elsewhere.rglob("lead_sheet*"))
    holding = [p for p in files if person in _text(p)]
    assert len(holding) == 3  # the whole French csv, its owner's csv, the xlsx

    code, out, err = run_leadpilot(["forget", person, "--dry-run"], monkeypatch, capsys)
    assert code == 0, err
    for path in holding:
        assert f"would rewrite {path} (1 row(s) to remove)" in out.replace("\n", "")
        assert person in _text(path)  # a dry run writes nothing

    code, out, err = run_leadpilot(["forget", person], monkeypatch, capsys)
    assert code == 0, err
    assert [p for p in files if person in _text(p)] == []
    whole = pd.read_csv(elsewhere / "fr" / "lead_sheet.fr.csv", sep=";", encoding="utf-8-sig",
                        dtype=str)
    assert len(whole) == 299 and whole.columns[0] == headers("fr")["rank"]  # French, less one
    assert len(list(openpyxl.load_workbook(elsewhere / "xlsx" / "lead_sheet.xlsx",
                                           read_only=True).worksheets[0].values)) == 300
