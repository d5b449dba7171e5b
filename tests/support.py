"""Constants and helpers shared by tests (importable: tests/ is on the path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ANCHOR = date(2026, 11, 27)  # a Friday; the demo data is generated as of this run date
NOW = datetime(2026, 11, 27, 6, 0)  # the moment of the runs of ANCHOR (naive UTC)


def settings_env(root: Path) -> dict[str, str]:
    """LEADPILOT_* variables that put every file a run writes under `root`; the editable
    files (price book, playbook…) stay the repository's own."""
    return {
        "LEADPILOT_HOME": str(REPO),
        "LEADPILOT_LEADS_CSV": str(root / "demo" / "leads.csv"),
        "LEADPILOT_COMPANIES_CSV": str(root / "demo" / "companies.csv"),
        "LEADPILOT_ACTIVITIES_CSV": str(root / "demo" / "activities.csv"),
        "LEADPILOT_WAREHOUSE": str(root / "warehouse" / "leadpilot.duckdb"),
        "LEADPILOT_MODELS_DIR": str(root / "models"),
        "LEADPILOT_OUT_DIR": str(root / "out"),
        "LEADPILOT_REJECTS_DIR": str(root / "rejects"),
        "LEADPILOT_PREFECT_HOME": os.environ["PREFECT_HOME"],
        "LEADPILOT_LOG_FILE": str(root / "logs" / "leadpilot.log"),
        "LEADPILOT_SEARCH_CANDIDATES": "1",  # the default settings only: fast
    }


def warehouse_env(settings) -> dict[str, str]:
    """The LEADPILOT_* variables that point the CLI at a test's Settings (warehouse, sheets,
    rejects)."""
    return {"LEADPILOT_WAREHOUSE": str(settings.warehouse),
            "LEADPILOT_OUT_DIR": str(settings.out_dir),
            "LEADPILOT_REJECTS_DIR": str(settings.rejects_dir)}


def import_leads(settings, path: Path, now, dry_run: bool = False):
    """`leadpilot import` of a file in leadpilot's own layout into the Settings' warehouse,
    rejects under a folder of the day; asserts the row equation and returns the summary."""
    from flows import store
    from flows.intake.importer import import_file
    from flows.intake.mapping import load_mapping

    with store.opened(settings.warehouse) as con:
        summary = import_file(con, path, load_mapping("leadpilot", None),
                              settings.rejects_dir / now.date().isoformat(), now,
                              dry_run=dry_run)
    assert summary.balanced, summary
    return summary


def four_leads(folder: Path, imported_at: datetime):
    """A new warehouse in `folder` holding leads L1-L4 (l1@acme.fr…), imported at
    `imported_at`: an open connection (the caller closes it)."""
    from flows import store
    from flows.intake.importer import import_file
    from flows.intake.mapping import load_mapping

    connection = store.connect(folder / "w.duckdb")
    leads = folder / "leads.csv"
    leads.write_text("lead_id,created_at,email,source\n" + "".join(
        f"L{i},2026-11-0{i},l{i}@acme.fr,event\n" for i in range(1, 5)), encoding="utf-8")
    import_file(connection, leads, load_mapping("leadpilot", None), folder / "rejects",
                imported_at)
    return connection


def warehouse_contents(path: Path) -> dict[str, list[str]]:
    """Every table of a warehouse file and its rows (sorted, as text): equal before and after
    an import that must write nothing."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                            "WHERE NOT temporary ORDER BY 1").fetchall()]
        return {t: sorted(map(repr, con.table(t).fetchall())) for t in tables}


def run_leadpilot(args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """`leadpilot ARGS` through the CLI's main(): (exit code, stdout, stderr)."""
    import sys

    from flows.cli.commands import main

    monkeypatch.setattr(sys, "argv", ["leadpilot", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def loaded_by(imports: str, modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a fresh interpreter has loaded after running `imports` (a line of
    import statements): what an import costs, checked without this process's own imports."""
    code = (f"import json, sys\n{imports}\n"
            f"print(json.dumps([m for m in {modules!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(done.stdout.splitlines()[-1])
