"""A published sheet on a private copy of the demo warehouse, made by the daily steps called as
plain functions (no Prefect): for tests that change the warehouse or read its sheets."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from support import ANCHOR

from flows.models import scoring as model_scoring
from flows.pipeline import owners, steps
from flows.settings import Settings


def publish_copy(demo_env, root: Path, **changes) -> Settings:
    """Copy the demo warehouse under `root`, publish ANCHOR's sheet there, return its settings.

    `changes` override settings (e.g. sheet_format="xlsx"); out_dir and rejects_dir are under root.
    """
    settings = demo_env[0]
    root.mkdir(parents=True, exist_ok=True)
    warehouse = root / "leadpilot.duckdb"
    shutil.copy(settings.path(settings.warehouse), warehouse)
    local = settings.model_copy(update={"warehouse": warehouse, "out_dir": root / "out",
                                        "rejects_dir": root / "rejects", **changes})
    steps.features(local, ANCHOR)
    scorer = model_scoring.choose_scorer(local, datetime(2026, 11, 27, 6, 0))
    model_scoring.score(local, ANCHOR, scorer)
    steps.price(local, ANCHOR)
    steps.talking_points(local, ANCHOR)
    owners.assign_owners(local, ANCHOR)
    steps.publish(local, ANCHOR)
    return local
