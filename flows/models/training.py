"""Train the win-probability model on the warehouse's closed leads, register it, and let it
challenge the champion on the most recent closed leads, which neither of them trained on."""

from __future__ import annotations

from collections.abc import Callable
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
from scoring.champion import Decision, decide, judge
from scoring.drift import profile
from scoring.learner import Recipe, train_and_judge
from scoring.model import Model
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


def champion_recipe(card: dict[str, Any], settings: Settings) -> Recipe:
    """The champion's own recipe, from its card: its tree settings and penalty (an older card
    without them: the default search)."""
    return Recipe(seed=settings.seed, search_candidates=settings.search_candidates,
                  params=card.get("params"), penalty=card.get("linear_penalty"))


def contest(con, kind: str, settings: Settings,
            against: Callable[[Model, str], Decision]) -> Decision:
    """Decide between the challenger and the champion of `kind`: `against(champion, version)`
    judges them; no champion, one that cannot be loaded or one reading a feature that no longer
    exists: the challenger is promoted, and the reason says why."""
    current = registry.champion(con, kind)
    if current is None:
        return decide({}, None, 0, settings.promotion_margin)
    try:
        champion = registry.load(con, current)
    except LeadpilotError as exc:  # damaged: the advice to a damaged champion is to retrain
        return Decision(True, f"promoted over {current}, which cannot be loaded ({exc})")
    try:
        return against(champion, current)
    except KeyError as exc:
        return Decision(True, f"promoted over {current}, which reads a feature that no longer "
                              f"exists ({exc})")


def challenge(con, kind: str, matrix: pd.DataFrame, frame: pd.DataFrame, judgement: dict,
              settings: Settings) -> Decision:
    """Judge the champion's recipe and the challenger on the same newest closed leads, both
    having learned from the same older ones (scoring.champion.judge), and decide."""
    return contest(con, kind, settings, lambda champion, current: judge(
        matrix, frame["won"].to_numpy(dtype=float), frame["as_of"].to_numpy(), judgement,
        champion.columns, champion_recipe(champion.card, settings), settings.promotion_margin,
        current))


def base_card(settings: Settings, frame: pd.DataFrame, train: np.ndarray,
              holdout: np.ndarray) -> dict[str, Any]:
    """What every warehouse model's card says of its data: the features, the target, the
    scoring moment, and the training and holdout windows (`frame`'s as_of and won)."""
    return {
        "kind": "warehouse",
        "features": [{"name": f.name, "kind": f.kind} for f in FEATURES],
        "target": "won",
        "scoring_moment": f"created_at + {settings.history_lag_days} days (or closed_at)",
        "training_window": _window(frame, train),
        "holdout_window": _window(frame, holdout),
    }


def ship(con, settings: Settings, model: Model, card: dict[str, Any], decision: Decision,
         now: datetime) -> tuple[Path, dict[str, Any]]:
    """Save the model and its card, register it and record the decision, in one transaction;
    returns the folder and the stored card with the decision."""
    folder = model_files.save(model, card, settings.path(settings.models_dir), now)
    with store.transaction(con):
        version = registry.register(con, folder, "warehouse")
        registry.record(con, version, "warehouse",
                        "promoted" if decision.promote else "kept_champion",
                        decision.reason, now)
    stored = model_files.load(folder).card
    return folder, {**stored, "decision": {"promoted": decision.promote,
                                           "reason": decision.reason}}


def _past_one_machine(settings: Settings) -> bool:
    """A Dask scheduler is named and the history has at least `dask_train_rows` closed leads."""
    if not settings.dask_address:
        return False
    with store.opened(settings.path(settings.warehouse)) as con:
        return outcome_counts(con)[0] >= settings.dask_train_rows


def train_from_warehouse(settings: Settings, now: datetime) -> tuple[Path, dict[str, Any]]:
    """Train on every closed lead, judge on the newest, save, register and challenge.

    Returns:
        The model folder and its card, plus `decision`: promoted or not, and why.

    Raises:
        LeadpilotError: below the cold-start thresholds, or when training is impossible.

    With a Dask scheduler named (`dask_address`) and at least `dask_train_rows` closed leads,
    the trees train on the cluster instead (flows/models/cluster_training.py).
    """
    if _past_one_machine(settings):
        from flows.models.cluster_training import train_on_cluster

        return train_on_cluster(settings, now)
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
            **base_card(settings, frame, np.setdiff1d(np.arange(len(frame)), holdout), holdout),
            **shipped.report,
            "drift_reference": profile(matrix, shipped.model.predict(matrix)),
        }
        decision = challenge(con, "warehouse", matrix, frame, judgement, settings)
        return ship(con, settings, shipped.model, card, decision, now)
