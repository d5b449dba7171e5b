"""A published sheet on a private copy of the demo warehouse, made by the daily steps called as
plain functions (no Prefect): for tests that change the warehouse or read its sheets."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
from support import ANCHOR

from flows.models import scoring as model_scoring
from flows.pipeline import owners, publishing, steps
from flows.settings import Settings
from flows.sheets.export import stored_sheet

_SCORED: dict[Path, Path] = {}  # demo warehouse -> a copy with ANCHOR's steps run, once per session


def publish_copy(demo_env, root: Path, **changes) -> Settings:
    """Copy the demo warehouse under `root`, publish ANCHOR's sheet there, return its settings.

    `changes` override settings (e.g. sheet_format="xlsx"); out_dir and rejects_dir are under root.
    The steps before publishing (features, scores, prices, talking points, owners) run once per
    session; each copy then publishes its own sheet with its own settings.
    """
    settings = demo_env[0]
    root.mkdir(parents=True, exist_ok=True)
    warehouse = root / "leadpilot.duckdb"
    shutil.copy(_scored(settings, demo_env[2]), warehouse)
    local = settings.model_copy(update={"warehouse": warehouse, "out_dir": root / "out",
                                        "rejects_dir": root / "rejects", **changes})
    publishing.publish(local, ANCHOR)
    return local


def _scored(settings: Settings, demo_root: Path) -> Path:
    source = settings.path(settings.warehouse)
    if source not in _SCORED:
        warehouse = demo_root.parent / f"{demo_root.name}-scored" / "leadpilot.duckdb"
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, warehouse)
        local = settings.model_copy(update={"warehouse": warehouse})
        steps.features(local, ANCHOR)
        scorer = model_scoring.choose_scorer(local, datetime(2026, 11, 27, 6, 0))
        model_scoring.score(local, ANCHOR, scorer)
        steps.price(local, ANCHOR)
        steps.talking_points(local, ANCHOR)
        owners.assign_owners(local, ANCHOR)
        _SCORED[source] = warehouse
    return _SCORED[source]


def register_kept(con, day, name: str = "kept_rows") -> None:
    """Register the sheet published on `day` (flows/sheets/kept.py: a file beside the
    warehouse) with `con` as `name`: its run_date, rank and lead_id, for a test's SQL."""
    sheet = stored_sheet(con, day)
    con.register(name, pd.DataFrame({"run_date": pd.Series([day] * len(sheet), dtype=object),
                                     "rank": sheet["rank"].astype("int64"),
                                     "lead_id": sheet["lead_id"].astype(str)}))
