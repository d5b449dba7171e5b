"""User data is printed as plain text: rich markup in lead data never crashes the CLI."""

from __future__ import annotations

import os
import subprocess
import sys

HEADER = "lead_id,created_at,first_name,last_name,email,source,status,company_name,website"


def _leadpilot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from flows.cli import main; main()", *args],
                          capture_output=True, text=True, env={**os.environ, **env},
                          timeout=120)


def test_markup_in_a_header_and_in_values_prints_as_plain_text(tmp_path):
    path = tmp_path / "leads [b]x[\\b].csv"
    path.write_text(f"{HEADER},[/]\n"
                    "L1,2026-11-20,[bold]Ana[/],[/],ana@example.com,web,new,Acme [red],"
                    "acme.example,:smile:\n"
                    "L2,not a date,[/],x,[/]@x,web,new,B [/i],b.example,[link=x]\n",
                    encoding="utf-8")
    result = _leadpilot("import", str(path), "--preset", "leadpilot",
                        env={"LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb"),
                             "LEADPILOT_REJECTS_DIR": str(tmp_path / "rejects")})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "leads [b]x[\\b].csv" in result.stdout  # the file name, as it is


def test_an_error_sentence_holding_markup_is_printed_as_it_is(tmp_path):
    result = _leadpilot("import", str(tmp_path / "[red]missing[bold].csv"), "--preset",
                        "leadpilot", env={"LEADPILOT_WAREHOUSE": str(tmp_path / "w.duckdb")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("Error: ")
    assert "[red]missing[bold].csv" in result.stderr
