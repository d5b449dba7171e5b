"""A damaged model or warehouse file is one sentence naming the file and what to do, never a
LightGBM abort, a raw DuckDB error or a false "in use by another process"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from support import run_leadpilot

from flows import store
from flows.errors import LeadpilotError

_LOAD_CHAMPION = """
import sys
from flows import store
from flows.errors import LeadpilotError
from flows.models import registry
try:
    with store.opened(sys.argv[1]) as con:
        registry.load(con, registry.champion(con))
    print("loaded")
except LeadpilotError as exc:
    print(exc)
"""


@pytest.fixture
def warehouse(demo_env, tmp_path):
    settings = demo_env[0]
    path = tmp_path / "w.duckdb"
    shutil.copy(settings.path(settings.warehouse), path)
    return path


@pytest.mark.parametrize("damage", [
    ("num_leaves=", "num_leaves=x"),  # LightGBM used to abort the process (SIGABRT)
    ("tree_sizes=", "tree_sizes=9"),
    ("end of trees", ""),  # LightGBM used to load the truncated model silently
])
def test_a_model_damaged_in_the_warehouse_is_one_sentence_not_an_abort(warehouse, damage):
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE models SET model_text = replace(model_text, ?, ?)", list(damage))
    result = subprocess.run([sys.executable, "-c", _LOAD_CHAMPION, str(warehouse)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("The model "), result.stdout
    assert f"stored in {warehouse} is damaged; restore {warehouse} from a backup, or " \
           "retrain with `leadpilot train`." in result.stdout


def test_a_damaged_model_file_names_its_folder(demo_env, tmp_path):
    from flows.models import files as model_files

    settings = demo_env[0]
    folder = tmp_path / model_files.latest(settings.path(settings.models_dir)).name
    shutil.copytree(model_files.latest(settings.path(settings.models_dir)), folder)
    text = (folder / "model.txt").read_text(encoding="utf-8")
    (folder / "model.txt").write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(LeadpilotError, match=f"stored in {folder} is damaged"):
        model_files.load(folder)


def _truncated(warehouse: Path, keep: int | None = None) -> None:
    """Cut `warehouse` after `keep` bytes (in half by default), once compacted: a warehouse's
    second half may hold only the free blocks of dropped tables (the chunked steps' stages),
    which no command reads."""
    store.compact(warehouse)
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[: len(data) // 2 if keep is None else keep])


def test_a_truncated_warehouse_says_restore_it_not_a_raw_io_exception(warehouse):
    _truncated(warehouse)
    with pytest.raises(LeadpilotError) as caught:
        store.connect(warehouse)
    sentence = str(caught.value)
    assert sentence.startswith(f"The warehouse {warehouse} is damaged (")
    assert "restore it from a backup" in sentence and "\n" not in sentence


@pytest.mark.parametrize("header", [b"\0" * 16, b"XXXX" * 4])
def test_a_warehouse_with_a_damaged_header_is_damaged_not_in_use(warehouse, header):
    data = warehouse.read_bytes()
    warehouse.write_bytes(header + data[len(header):])
    with pytest.raises(LeadpilotError) as caught:
        store.connect(warehouse)
    assert "in use" not in str(caught.value)
    assert str(caught.value).startswith(f"The warehouse {warehouse} is damaged (")
    # (a real lock still says "in use": tests/flows/test_store.py)



@contextmanager
def _read_only(path: Path):
    """`path` (a file or a folder) read-only, for root too: root ignores modes, so chattr +i."""
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    immutable = os.geteuid() == 0
    if immutable and subprocess.run(["chattr", "+i", str(path)], capture_output=True,
                                    check=False).returncode:
        path.chmod(mode)
        pytest.skip("root cannot make a file read-only here (chattr +i refused)")
    try:
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def _commands(tmp_path: Path) -> list[list[str]]:
    """Commands that write to the warehouse: an import, outcomes, forget, a model rollback."""
    leads = tmp_path / "new_leads.csv"
    leads.write_text("lead_id,created_at,email,source\nN1,2026-11-20,n1@x.fr,event\n",
                     encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Lead ID,Outcome\nL000001,won\n", encoding="utf-8")
    return [["import", str(leads)], ["outcomes", str(sheet)], ["forget", "n1@x.fr"]]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_warehouse_says_check_the_permissions_in_one_sentence(
        demo_env, tmp_path, monkeypatch, capsys, what):
    path = tmp_path / "w" / "leadpilot.duckdb"
    path.parent.mkdir()
    shutil.copy(demo_env[0].path(demo_env[0].warehouse), path)
    store.connect(path).close()  # migrated: a read-only command would only read it
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(path))
    monkeypatch.setenv("LEADPILOT_REJECTS_DIR", str(tmp_path / "rejects"))
    before = path.read_bytes()
    with _read_only(path if what == "file" else path.parent):
        for args in _commands(tmp_path):
            code, _, err = run_leadpilot(args, monkeypatch, capsys)
            assert code == 1, (args, err)
            assert err.startswith(f"Error: The warehouse {path} cannot be written ("), (args, err)
            assert "check the permissions of the file and of its folder" in err
            assert err.count("\n") == 1 and "Exception" not in err, (args, err)
    assert path.read_bytes() == before


def test_a_truncated_warehouse_is_one_sentence_for_a_dry_run_too(warehouse, tmp_path,
                                                                  monkeypatch, capsys):
    # only DuckDB's file headers are left: a dry run only reads what its command needs, and
    # which half of a compacted file holds the leads depends on the order DuckDB wrote them
    _truncated(warehouse, keep=3 * 4096 + 512)
    monkeypatch.setenv("LEADPILOT_WAREHOUSE", str(warehouse))
    for args in _commands(tmp_path)[:2]:
        code, _, err = run_leadpilot([*args, "--dry-run"], monkeypatch, capsys)
        assert code == 1, (args, err)
        assert err.startswith(f"Error: The warehouse {warehouse} is damaged ("), (args, err)
        assert "restore it from a backup" in err and err.count("\n") == 1, (args, err)


def test_training_replaces_a_damaged_champion_as_the_error_advises(demo_env, warehouse,
                                                                     tmp_path):
    from datetime import datetime

    from flows.models import registry
    from flows.models.training import train_from_warehouse

    settings = demo_env[0].model_copy(update={"warehouse": warehouse,
                                              "models_dir": tmp_path / "models"})
    with duckdb.connect(str(warehouse)) as con:
        damaged = registry.champion(con, "warehouse")
        con.execute("UPDATE models SET model_text = replace(model_text, 'num_leaves=', 'n=') "
                    "WHERE version = ?", [damaged])
    _, card = train_from_warehouse(settings, datetime(2026, 11, 27, 6))
    assert card["decision"]["promoted"]
    assert card["decision"]["reason"].startswith(f"promoted over {damaged}, which cannot be "
                                                 f"loaded (The model {damaged} stored in")
    with store.opened(warehouse) as con:
        assert registry.load(con, registry.champion(con, "warehouse")).card["version"] == \
            card["version"]
