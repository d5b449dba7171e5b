"""Champion or challenger: a new model replaces the one in use only when it is clearly better on
the most recent closed leads. Pure: figures in, a decision and its reason out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str


def decide(challenger: dict[str, float], champion: dict[str, float] | None, rows: int,
           margin: float, champion_version: str | None = None) -> Decision:
    """Promote the challenger when it has no champion to beat, or beats it by `margin`.

    Both models are judged on the same `rows` most recent closed leads, which the challenger
    never trained on. Better means: ROC AUC higher by at least `margin`, and a Brier score no
    worse.

    >>> decide({"roc_auc": 0.80, "brier": 0.12}, {"roc_auc": 0.79, "brier": 0.13}, 600, 0.005,
    ...        "v1").promote
    True
    """
    if champion is None:
        return Decision(True, "no champion yet: the first model becomes champion")
    gain = challenger["roc_auc"] - champion["roc_auc"]
    figures = (f"on the {rows} most recent closed leads, ROC AUC {challenger['roc_auc']:.3f} vs "
               f"{champion['roc_auc']:.3f} ({gain:+.3f}), Brier {challenger['brier']:.4f} vs "
               f"{champion['brier']:.4f}")
    if gain < margin:
        return Decision(False, f"kept champion {champion_version}: {figures}; the ROC AUC gain "
                               f"is below the {margin:.3f} margin")
    if challenger["brier"] > champion["brier"]:
        return Decision(False, f"kept champion {champion_version}: {figures}; the challenger's "
                               "probabilities are less accurate")
    return Decision(True, f"promoted over {champion_version}: {figures}")
