"""The weekly retrain's one step: train a challenger when there are enough outcomes, let it
challenge the champion, and cross-validate the recipe for the model-evaluation artifact."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flows import store
from flows.models.evaluation import evaluate, markdown, warehouse_dataset
from flows.models.training import outcome_counts, thresholds, train_from_warehouse
from flows.settings import Settings
from scoring.scorer import too_few_outcomes

NOT_CROSS_VALIDATED = (
    "# Model evaluation\n\nNot cross-validated: the trees were trained on the Dask cluster "
    "(LEADPILOT_DASK_TRAIN_ROWS closed leads or more), and the cross-validation runs in one "
    "process over the whole history. The model card has the holdout figures.\n")


def retrain(settings: Settings, now: datetime) -> dict[str, Any]:
    """Train and challenge, or say why not; returns what the flow prints and publishes."""
    with store.opened(settings.path(settings.warehouse)) as con:
        closed, wins = outcome_counts(con)
    label = too_few_outcomes(closed, wins, thresholds(settings))
    if label is not None:
        return {"trained": False, "message": f"No model trained: {label}; the sheet stays "
                                             "rules-based."}
    folder, card = train_from_warehouse(settings, now)
    if "cluster" in card:  # trained on Dask: the history does not fit in one process
        summary, text = None, NOT_CROSS_VALIDATED
    else:
        evaluation = evaluate(settings, warehouse_dataset(settings))
        summary, text = evaluation.summary, markdown(evaluation)
    verdict = "promoted" if card["decision"]["promoted"] else "not promoted"
    return {"trained": True, "folder": str(folder), "version": card["version"],
            "decision": card["decision"], "holdout": card["holdout"],
            "evaluation": summary, "evaluation_markdown": text,
            "message": f"Model {card['version']} {verdict}: {card['decision']['reason']}"}


def card_markdown(result: dict[str, Any]) -> str:
    """The model-card artifact: the challenger's holdout figures and the decision."""
    if not result["trained"]:
        return f"# No new model\n\n{result['message']}\n"
    h = result["holdout"]
    return (f"# Model {result['version']}\n\n{result['message']}\n\n| holdout | value |\n"
            f"|---|---|\n| ROC AUC | {h['roc_auc']} |\n| PR AUC | {h['pr_auc']} |\n"
            f"| lift@10% | {h['lift_at_10']} |\n| Brier | {h['brier']} |\n")
