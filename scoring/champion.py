"""Champion or challenger: a new model replaces the one in use only when it is clearly better on
the most recent closed leads, which neither of them learned from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.learner import Recipe, fit
from scoring.model import metrics


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str


def decide(challenger: dict[str, float], champion: dict[str, float] | None, rows: int,
           margin: float, champion_version: str | None = None) -> Decision:
    """Promote the challenger when it has no champion to beat, or beats it by `margin`.

    Both models are judged on the same `rows` most recent closed leads, which neither trained
    on. Better means: ROC AUC higher by at least `margin`, and a Brier score no worse.

    >>> decide({"roc_auc": 0.80, "brier": 0.12}, {"roc_auc": 0.79, "brier": 0.13}, 600, 0.005,
    ...        "v1").promote
    True
    """
    if champion is None:
        return Decision(True, "no champion yet: the first model becomes champion")
    gain = challenger["roc_auc"] - champion["roc_auc"]
    figures = (f"on the {rows} most recent closed leads, which neither model trained on, ROC AUC "
               f"{challenger['roc_auc']:.3f} vs {champion['roc_auc']:.3f} ({gain:+.3f}), Brier "
               f"{challenger['brier']:.4f} vs {champion['brier']:.4f}")
    if gain < margin:
        return Decision(False, f"kept champion {champion_version}: {figures}; the ROC AUC gain "
                               f"is below the {margin:.3f} margin")
    if challenger["brier"] > champion["brier"]:
        return Decision(False, f"kept champion {champion_version}: {figures}; the challenger's "
                               "probabilities are less accurate")
    return Decision(True, f"promoted over {champion_version}: {figures}")


def champion_probability(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None,
                         judgement: dict, columns: Sequence[str], recipe: Recipe) -> np.ndarray:
    """What the champion's recipe gives the challenger's holdout when it learns, as the
    challenger did, from the challenger's training rows only.

    The champion in use was trained on every lead closed at its time, so most of today's holdout
    is leads it has seen: judged as it is, it would look better than it is. Its recipe (the
    columns it reads, its tree settings and penalty, in `recipe`) is refitted instead on the
    same older leads the challenger's judged model learned from, and both are judged on the
    same newer leads neither saw.

    Raises:
        KeyError: when the champion reads a column `x` no longer has.
    """
    train, holdout = judgement["train_rows"], judgement["rows"]
    y = np.asarray(won, dtype=float)
    matrix = x[list(columns)]
    sub_order = None if order is None else np.asarray(order)[train]
    refitted = fit(matrix.iloc[train], y[train], sub_order, recipe).model
    return refitted.predict(matrix.iloc[holdout])


def judge(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None, judgement: dict,
          champion_columns: Sequence[str], champion_recipe: Recipe, margin: float,
          champion_version: str | None) -> Decision:
    """The challenger's holdout figures (`judgement`, from learner.train_and_judge) against the
    champion recipe's on the same leads (`champion_probability`), then `decide`."""
    probability = champion_probability(x, won, order, judgement, champion_columns,
                                       champion_recipe)
    return decide(metrics(judgement["won"], judgement["probability"]),
                  metrics(judgement["won"], probability), len(judgement["rows"]), margin,
                  champion_version)
