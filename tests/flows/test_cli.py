"""The `leadpilot` command line: its commands, and errors as one sentence without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from flows.cli import app


def _leadpilot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=120)


def test_help_lists_the_commands_a_user_needs():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "import", "train", "run", "serve", "evaluate", "models"):
        assert command in result.output


def test_help_loads_none_of_lightgbm_sklearn_prefect_pandas_duckdb_or_pydantic():
    code = ("import json, sys\nsys.argv = ['leadpilot', '--help']\nfrom flows.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code in (0, None)\n"
            "print(json.dumps([m for m in ('lightgbm', 'sklearn', 'prefect', 'pandas', 'duckdb',"
            " 'pydantic') if m in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    assert "Usage" in result.stdout
    assert result.stdout.splitlines()[-1] == "[]"


FROZEN_AT_EXIT = """
import atexit, gc, sys
atexit.register(lambda: print("FROZEN", gc.get_freeze_count()))  # runs after main's own
sys.argv = ["leadpilot", "--help"]
from flows.cli import main
main()
"""


def test_the_heap_is_frozen_once_the_command_is_done_so_the_exit_does_not_walk_it():
    result = subprocess.run([sys.executable, "-c", FROZEN_AT_EXIT], capture_output=True,
                            text=True, check=True, timeout=120)
    assert "Usage" in result.stdout
    assert int(result.stdout.split("FROZEN")[-1]) > 1000  # the imports' objects, all frozen


@pytest.mark.parametrize("command", ["demo", "import", "train", "run", "serve", "evaluate",
                                     "models"])
def test_each_command_has_its_own_help(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_a_bad_date_is_one_sentence_not_a_traceback(tmp_path):
    result = _leadpilot("run", "--date", "29/11/2026",
                        env={"LEADPILOT_MODELS_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "--date must look like 2026-11-29" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_prefect_server_that_does_not_start_in_time_is_one_sentence(tmp_path):
    result = _leadpilot("run", "--date", "2026-11-27", env={
        "LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"), "PREFECT_HOME": str(tmp_path / "p"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "0"})
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Prefect's temporary server did not start within 0 s")
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) <= 3  # one sentence, wrapped at most


def test_training_with_too_few_outcomes_says_the_rules_score_until_then(tmp_path):
    # (`run` no longer needs a model: below the thresholds it scores with data/rules.yaml,
    # see tests/flows/test_cold_start.py)
    result = _leadpilot("train", env={"LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"),
                                      "LEADPILOT_LEADS_CSV": str(tmp_path / "none.csv")})
    assert result.returncode == 1
    assert "Only 0 closed leads and 0 wins" in result.stderr
    assert "scored with the rules in data/rules.yaml until then" in result.stderr
    assert "Traceback" not in result.stderr


def test_importing_a_missing_file_names_it(tmp_path):
    result = _leadpilot("import", "--leads", str(tmp_path / "nope.csv"),
                        env={"LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"),
                             "LEADPILOT_COMPANIES_CSV": str(tmp_path / "c.csv")})
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
