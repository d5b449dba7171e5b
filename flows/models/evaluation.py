"""`leadpilot evaluate`: cross-validate leadpilot's default training on the warehouse's history
(or on a CRM export) and report ROC AUC, PR AUC, lift in the top decile, Brier score and the
reliability per decile, as text, JSON and an HTML report; the weekly retrain publishes the same
figures as a Prefect markdown artifact (`markdown`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from features.point_in_time import model_matrix
from flows import store
from flows.errors import LeadpilotError
from flows.models.history import load_history
from flows.models.training import recipe, refuse_cold_start, training_frame
from flows.settings import Settings
from scoring.evaluation import N_FOLDS, cross_validate, evaluation_folds
from scoring.learner import fit


@dataclass
class Dataset:
    name: str
    x: pd.DataFrame
    won: np.ndarray
    order: np.ndarray | None
    columns: dict[str, list] = field(default_factory=dict)  # used, derived, set aside (why)


@dataclass
class Evaluation:
    """What `leadpilot evaluate` prints, writes and publishes."""

    dataset: str
    validation: str
    rows: int
    wins: int
    summary: dict[str, float]
    reliability: pd.DataFrame
    folds: list[dict]
    importance: dict[str, float]
    columns: dict[str, list] = field(default_factory=dict)
    won: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    probability: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))

    def to_json(self) -> dict[str, Any]:
        """The figures as one JSON-ready object."""
        return {"dataset": self.dataset, "validation": self.validation, "rows": self.rows,
                "wins": self.wins, **{k: v for k, v in self.summary.items()},
                "calibration": self.reliability.to_dict(orient="records"),
                "folds": self.folds, "feature_importance": self.importance,
                "columns": self.columns}


def warehouse_dataset(settings: Settings) -> Dataset:
    """The warehouse's closed leads as point-in-time features, dated by scoring moment."""
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = training_frame(con, settings.history_lag_days)
    return Dataset("warehouse history", model_matrix(frame), frame["won"].to_numpy(dtype=float),
                   frame["as_of"].to_numpy() if len(frame) else None)


def history_dataset(path: Path, target: str, mapping: Path | None, date_column: str | None,
                    exclude: tuple[str, ...]) -> Dataset:
    """The closed rows of a CRM export, typed as `train --history` types them."""
    history = load_history(path, target, mapping, date_column, exclude)
    closed = history.closed
    order = history.order[closed] if history.order is not None else None
    return Dataset(path.name, history.matrix.loc[closed].reset_index(drop=True),
                   history.won[closed].to_numpy(dtype=float), order, history.columns)


def evaluate(settings: Settings, data: Dataset,
             on_fold: Callable[[int], None] | None = None) -> Evaluation:
    """Cross-validate the default training: time-based folds with a date, else 5 stratified."""
    if len(data.won) == 0:
        raise LeadpilotError("There are no closed leads to evaluate on: import a history first.")
    refuse_cold_start(len(data.won), int(data.won.sum()), settings)
    folds = evaluation_folds(data.won, data.order, N_FOLDS, settings.seed)
    shares: list[dict[str, float]] = []

    def trainer(x, won, order):
        model = fit(x, won, order, recipe(settings)).model
        shares.append(model.importance(x))
        return model.predict

    result = cross_validate(data.x, data.won, data.order, trainer, folds, on_fold)
    importance = pd.DataFrame(shares).mean().sort_values(ascending=False)
    return Evaluation(
        dataset=data.name,
        validation=(f"time-based, {len(folds)} folds over the newer half" if data.order is not None
                    else f"stratified {len(folds)}-fold"),
        rows=len(data.won), wins=int(data.won.sum()), summary=result.summary,
        reliability=result.reliability(), folds=result.folds,
        importance={k: round(float(v), 4) for k, v in importance.items()},
        columns=data.columns or {"used": [{"name": c, "kind": "feature"} for c in data.x.columns],
                                 "derived": [], "set_aside": []},
        won=result.won, probability=result.probability)


def markdown(evaluation: Evaluation) -> str:
    """The figures as a Prefect markdown artifact."""
    s = evaluation.summary
    lines = [f"# Model evaluation: {evaluation.dataset}",
             f"{evaluation.rows} closed leads ({evaluation.wins} wins), {evaluation.validation}",
             "", "| figure | value |", "|---|---|",
             f"| ROC AUC | {s['roc_auc']:.3f} |", f"| PR AUC | {s['pr_auc']:.3f} |",
             f"| lift in the top 10 % | {s['lift_at_10']:.2f} |", f"| Brier | {s['brier']:.4f} |",
             "", "| decile | leads | predicted | observed |", "|---|---|---|---|"]
    lines += [f"| {r.decile} | {r.leads} | {r.predicted:.1%} | {r.observed:.1%} |"
              for r in evaluation.reliability.itertuples()]
    return "\n".join(lines)
