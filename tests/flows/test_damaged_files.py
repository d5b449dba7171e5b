"""A damaged model or warehouse file is one sentence naming the file and what to do, never a
LightGBM abort, a raw DuckDB error or a false "in use by another process"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import duckdb
import pytest

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


def test_a_truncated_warehouse_says_restore_it_not_a_raw_io_exception(warehouse):
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[: len(data) // 2])
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

