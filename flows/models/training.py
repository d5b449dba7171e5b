"""Train the win-probability model on the warehouse's closed leads, register it, and let it
challenge the champion on the most recent closed leads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from features.columns import FEATURES
from features.point_in_time import build_features, history_moments, model_matrix
from flows import store
from flows.errors import LeadpilotError
from flows.models import files as model_files
from flows.models import registry
from flows.settings import Settings
from scoring.champion import Decision, decide
from scoring.drift import profile
from scoring.learner import Recipe, train_and_judge
from scoring.model import metrics
from scoring.scorer import Thresholds, too_few_outcomes


def training_frame(con, lag_days: int) -> pd.DataFrame:
    """Closed leads with point-in-time features and outcome, sorted by scoring moment."""
    moments = history_moments(con, lag_days)
    frame = build_features(con, moments)
    frame = frame.merge(moments[["lead_id", "won", "created_at", "closed_at"]],
                        on="lead_id", how="inner", suffixes=("", "_lead"))
    return frame.sort_values(["as_of", "lead_id"], kind="stable").reset_index(drop=True)


def outcome_counts(con) -> tuple[int, int]:
    """(closed leads, wins) in the warehouse."""
    closed, wins = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'won') FROM leads "
        "WHERE status IN ('won', 'lost') AND closed_at IS NOT NULL").fetchone()
    return int(closed), int(wins)


def thresholds(settings: Settings) -> Thresholds:
    """The settings' cold-start thresholds, as scoring.scorer reads them."""
    return Thresholds(settings.min_closed_leads, settings.min_wins)


def refuse_cold_start(closed: int, wins: int, settings: Settings) -> None:
    """Raise the one-sentence error `train` gives below the thresholds."""
    if too_few_outcomes(closed, wins, thresholds(settings)):
        raise LeadpilotError(
            f"Only {closed} closed leads and {wins} wins: a model needs at least "
            f"{settings.min_closed_leads} closed leads and {settings.min_wins} wins, so leads "
            f"are scored with the rules in {settings.rules} until then.")


def recipe(settings: Settings) -> Recipe:
    """leadpilot's default training recipe, with the settings' seed and search budget."""
    return Recipe(seed=settings.seed, search_candidates=settings.search_candidates)


def _window(frame: pd.DataFrame, rows: np.ndarray) -> dict[str, Any]:
    part = frame.iloc[rows]
    return {"from": str(part["as_of"].min()), "to": str(part["as_of"].max()), "rows": len(part),
            "wins": int(part["won"].sum())}


def challenge(con, version: str, kind: str, holdout: pd.DataFrame, judgement: dict,
              margin: float) -> Decision:
    """Judge the champion on the challenger's holdout (the newest closed leads) and decide."""
    current = registry.champion(con, kind)
    if current is None:
        return decide({}, None, 0, margin)
    try:
        champion_p = registry.load(con, current).predict(model_matrix(holdout))
    except KeyError as exc:
        return Decision(True, f"promoted over {current}, which reads a feature that no longer "
                              f"exists ({exc})")
    return decide(metrics(judgement["won"], judgement["probability"]),
                  metrics(judgement["won"], champion_p), len(holdout), margin, current)


def train_from_warehouse(settings: Settings, now: datetime) -> tuple[Path, dict[str, Any]]:
    """Train on every closed lead, judge on the newest, save, register and challenge.

    Returns:
        The model folder and its card, plus `decision`: promoted or not, and why.

    Raises:
        LeadpilotError: below the cold-start thresholds, or when training is impossible.
    """
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = training_frame(con, settings.history_lag_days)
        refuse_cold_start(len(frame), int(frame["won"].sum()) if len(frame) else 0, settings)
        matrix = model_matrix(frame)
        try:
            shipped, judgement = train_and_judge(matrix, frame["won"], frame["as_of"].to_numpy(),
                                                 settings.holdout_fraction, recipe(settings))
        except ValueError as exc:
            raise LeadpilotError(f"Cannot train: {exc}.") from exc
        holdout = judgement["rows"]
        card = {
            "kind": "warehouse",
            "features": [{"name": f.name, "kind": f.kind} for f in FEATURES],
            "target": "won",
            "scoring_moment": f"created_at + {settings.history_lag_days} days (or closed_at)",
            "training_window": _window(frame, np.setdiff1d(np.arange(len(frame)), holdout)),
            "holdout_window": _window(frame, holdout),
            **shipped.report,
            "drift_reference": profile(matrix, shipped.model.predict(matrix)),
        }
        folder = model_files.save(shipped.model, card, settings.path(settings.models_dir), now)
        with store.transaction(con):
            version = registry.register(con, folder, "warehouse")
            decision = challenge(con, version, "warehouse", frame.iloc[holdout], judgement,
                                 settings.promotion_margin)
            registry.record(con, version, "warehouse",
                            "promoted" if decision.promote else "kept_champion",
                            decision.reason, now)
    card = model_files.load(folder).card
    return folder, {**card, "decision": {"promoted": decision.promote,
                                         "reason": decision.reason}}
