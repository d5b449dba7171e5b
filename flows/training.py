"""Train the win-probability model on the warehouse's closed leads and save it with its card."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from features.columns import FEATURES
from features.point_in_time import build_features, history_moments, model_matrix
from flows import model_files, store
from flows.errors import LeadpilotError
from flows.settings import Settings
from scoring.model import time_split, train


def training_frame(con, lag_days: int) -> pd.DataFrame:
    """Closed leads with point-in-time features and outcome, sorted by scoring moment."""
    moments = history_moments(con, lag_days)
    frame = build_features(con, moments)
    frame = frame.merge(moments[["lead_id", "won", "created_at", "closed_at"]],
                        on="lead_id", how="inner", suffixes=("", "_lead"))
    return frame.sort_values(["as_of", "lead_id"], kind="stable").reset_index(drop=True)


def _window(frame: pd.DataFrame, part: slice) -> dict[str, Any]:
    rows = frame.iloc[part]
    return {"from": str(rows["as_of"].min()), "to": str(rows["as_of"].max()), "rows": len(rows),
            "wins": int(rows["won"].sum())}


def train_from_warehouse(settings: Settings, now: datetime) -> tuple[Path, dict[str, Any]]:
    """Train, judge on the newest leads, save to data/models/<version>/; returns folder and card."""
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = training_frame(con, settings.history_lag_days)
    if frame.empty:
        raise LeadpilotError("The warehouse holds no closed leads: import a history first.")
    try:
        model, report = train(model_matrix(frame), frame["won"], settings.holdout_fraction,
                              settings.seed)
    except ValueError as exc:
        raise LeadpilotError(f"Cannot train: {exc}.") from exc
    fit, calibration, holdout = time_split(len(frame), settings.holdout_fraction)
    card = {
        "features": [{"name": f.name, "kind": f.kind} for f in FEATURES],
        "target": "won",
        "scoring_moment": f"created_at + {settings.history_lag_days} days (or closed_at)",
        "training_window": _window(frame, fit),
        "calibration_window": _window(frame, calibration),
        "holdout_window": _window(frame, holdout),
        **report,
    }
    folder = model_files.save(model, card, settings.path(settings.models_dir), now)
    return folder, model_files.load(folder).card
