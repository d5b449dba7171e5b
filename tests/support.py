"""Constants and helpers shared by tests (importable: tests/ is on the path)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ANCHOR = date(2026, 11, 27)  # a Friday; the demo data is generated as of this run date


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
        "LEADPILOT_SEARCH_SECONDS": "0",  # the default settings only: fast and deterministic
    }
