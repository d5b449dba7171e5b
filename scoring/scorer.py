"""Scoring as one pure step: choose the scorer (the rules or a model), then score, grade and
explain each open lead and say how its score moved since the last run; drift and the run
summary's lines too.

Pure: the warehouse rows, the parsed files and the loaded model arrive as arguments and the
scores table's rows come back; flows/models/scoring.py loads the inputs and stores the result.

Cold start: below the outcome thresholds every lead is scored by the rules (data/rules.yaml) and
the sheet says how many outcomes are missing. Above them the champion model scores; when there
is no champion yet, the caller trains one first (`Scorer.needs_training`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from features.columns import FEATURE_NAMES, FEATURES
from features.point_in_time import model_matrix
from scoring.contributions import as_lists, lists_of, rounded
from scoring.drift import drifted, psi_of_counts
from scoring.grades import GradeBands, grade
from scoring.movement import contribution_columns, describe
from scoring.reasons import explain, languages_for
from scoring.rules import RuleBook, score_by_rules

if TYPE_CHECKING:  # a Model arrives loaded: importing it here would load LightGBM
    from scoring.model import Model

__all__ = ["MODEL", "RULES", "SCORE_COLUMNS", "Predicted", "Scorer", "Thresholds",
           "choose_scorer", "measure_drift", "predict", "score_leads", "summarise",
           "summarise_grades", "summary_lines", "too_few_outcomes"]

RULES = "rules"  # Scorer.kind of the rules, and the model_version of a lead they scored
MODEL = "model"
SCORE_COLUMNS: tuple[str, ...] = (
    "lead_id", "model_version", "win_probability", "grade", "reasons_positive",
    "reasons_negative", "scored_by", "contribution_names", "contribution_values", "movement")


@dataclass(frozen=True)
class Thresholds:
    """Outcomes needed before a model scores: closed leads, and wins among them."""

    min_closed_leads: int
    min_wins: int


@dataclass(frozen=True)
class Scorer:
    """Who scores today's leads: the rules, or the model `version`.

    Attributes:
        kind: RULES or MODEL.
        label: What the sheet's "scored by" says, e.g. "model 2026-11-27T06-00-00" or
            "rules-based: not enough wins yet (12 of 30)".
        closed, wins: The outcomes counted when choosing.
        version: The model's version; None for the rules, or a model still to be trained.
        trained_now: The version trained for this run, if any.
    """

    kind: str
    label: str
    closed: int
    wins: int
    version: str | None = None
    trained_now: str | None = None

    @property
    def needs_training(self) -> bool:
        """A model should score but there is no champion yet: train one, then `trained`."""
        return self.kind == MODEL and self.version is None

    @property
    def model_version(self) -> str:
        """The scores table's model_version: the model's version, or "rules"."""
        return self.version or RULES

    def trained(self, version: str) -> Scorer:
        """This choice once `version` has been trained for it."""
        return replace(self, version=version, label=f"model {version}", trained_now=version)


@dataclass(frozen=True)
class Predicted:
    """What a model says of some leads, in their order: the calibrated win probability and
    each column's contribution (log-odds, `Model.columns` order, the bias left out)."""

    probability: np.ndarray
    contributions: np.ndarray


def predict(model: Model, features: pd.DataFrame) -> Predicted:
    """The model's `Predicted` for the feature rows of `features`: the part of `score_leads`
    that is all LightGBM, so a caller may run it apart (ahead, in a second thread)."""
    probability, contributions = model.predicted(model_matrix(features))
    return Predicted(probability, contributions[:, :-1])


def too_few_outcomes(closed: int, wins: int, thresholds: Thresholds) -> str | None:
    """The sheet's rules label when there are too few outcomes to train on, else None.

    >>> too_few_outcomes(80, 3, Thresholds(min_closed_leads=200, min_wins=30))
    'rules-based: not enough outcomes yet (80 of 200)'
    >>> too_few_outcomes(250, 40, Thresholds(200, 30)) is None
    True
    """
    if closed < thresholds.min_closed_leads:
        return f"rules-based: not enough outcomes yet ({closed} of {thresholds.min_closed_leads})"
    if wins < thresholds.min_wins:
        return f"rules-based: not enough wins yet ({wins} of {thresholds.min_wins})"
    return None


def choose_scorer(closed: int, wins: int, champion: str | None,
                  thresholds: Thresholds) -> Scorer:
    """The rules below the thresholds; else the champion model, or a model to train first.

    >>> choose_scorer(250, 40, "v1", Thresholds(200, 30)).label
    'model v1'
    >>> choose_scorer(250, 40, None, Thresholds(200, 30)).needs_training
    True
    """
    label = too_few_outcomes(closed, wins, thresholds)
    if label is not None:
        return Scorer(RULES, label, closed, wins)
    if champion is None:
        return Scorer(MODEL, "model (none trained yet)", closed, wins)
    return Scorer(MODEL, f"model {champion}", closed, wins, version=champion)


def score_leads(features: pd.DataFrame, scorer: Scorer, previous_scores: pd.DataFrame,
                grade_bands: GradeBands, reason_phrases: Mapping, *,
                rules: RuleBook | None = None, model: Model | None = None,
                language: str | None = None, predicted: Predicted | None = None) -> pd.DataFrame:
    """Probability, grade, reasons, contributions and score movement of each open lead.

    Args:
        features: Today's feature rows, one per open lead: lead_id, country and every
            FEATURES column.
        scorer: From `choose_scorer`, trained if it needed training.
        previous_scores: The last earlier run's scores (lead_id, win_probability, scored_by,
            contributions as JSON text or as two lists per lead, contribution_names and
            contribution_values, and a column per feature), for the movement column.
        grade_bands: The grade cut-offs (data/grades.yaml).
        reason_phrases: The parsed reason phrases (data/reasons.yaml).
        rules: The parsed rule book; needed when the rules score.
        model: The loaded model `scorer.version`; needed when a model scores. `predicted`:
            `predict(model, features)`, when the caller made it already.
        language: The language setting; None picks each lead's language from its country.

    Returns:
        The scores table's rows (SCORE_COLUMNS) in the order of `features`; the contributions
        are two Arrow lists a lead, `contribution_names` and `contribution_values`
        (scoring.contributions.as_lists). With no open leads, an empty frame with only
        `lead_id`.

    Raises:
        ValueError: when the rule book or the model the scorer needs is missing.
    """
    if features.empty:
        return pd.DataFrame(columns=["lead_id"])
    languages = languages_for(features["country"], language)
    if scorer.kind == RULES:
        if rules is None:
            raise ValueError("the rules score these leads: pass the rule book")
        scored, kept = score_by_rules(features, rules), None
        names, values = lists_of(scored["contributions"])
    else:
        if model is None:
            raise ValueError(f"model {scorer.version} scores these leads: pass it")
        scored, kept, (names, values) = _by_model(model, features, reason_phrases, languages,
                                                  predicted or predict(model, features))
    scored["scored_by"] = scorer.label
    today = scored.set_axis(pd.Index(features["lead_id"], name="lead_id"))
    languages.index = today.index
    movement = _movement(today, previous_scores, features, kept, reason_phrases, languages)
    return pd.DataFrame({
        "lead_id": features["lead_id"].to_numpy(),
        "model_version": scorer.model_version,
        "win_probability": scored["win_probability"].to_numpy(),
        "grade": grade(scored["win_probability"].to_numpy(), grade_bands).to_numpy(),
        "reasons_positive": scored["reasons_positive"].array,  # Arrow lists stay Arrow's
        "reasons_negative": scored["reasons_negative"].array,
        "scored_by": scorer.label,
        "contribution_names": pd.arrays.ArrowExtensionArray(names),  # Arrow lists, as the
        "contribution_values": pd.arrays.ArrowExtensionArray(values),  # reasons
        "movement": movement.to_numpy(),
    })


def summarise(scores: pd.DataFrame, scorer: Scorer) -> dict[str, Any]:
    """The run summary's scoring entry: how many leads, the grade mix, the scorer."""
    return summarise_grades(scores["grade"].value_counts().to_dict() if len(scores) else {},
                            scorer)


def summarise_grades(grades: Mapping[str, int], scorer: Scorer) -> dict[str, Any]:
    """`summarise` from the leads per grade (added up over the chunks of a run), the most
    common grade first (a tie in grade order, whatever the chunks).

    >>> summarise_grades({"C": 2, "B": 2, "A": 3}, Scorer(RULES, "rules", 0, 0))["grades"]
    {'A': 3, 'B': 2, 'C': 2}
    """
    ordered = sorted(((g, int(n)) for g, n in grades.items()), key=lambda gn: (-gn[1], gn[0]))
    return {"scored": sum(n for _, n in ordered), "grades": dict(ordered),
            "model_version": scorer.model_version, "scored_by": scorer.label}


def measure_drift(counts: pd.DataFrame, leads: int, scorer: Scorer,
                  reference: Mapping[str, Any] | None, threshold: float) -> dict[str, Any]:
    """PSI of each feature and of the score, the model's training data vs today's `leads`.

    Args:
        counts: today's leads per bin or label of each profiled name (scoring.drift.psi_of_counts).
        leads: how many leads were scored today.
        scorer: who scored them; the rules have no training data to compare with.
        reference: the model card's `drift_reference` (None when it has none).
        threshold: the PSI above which a name is reported as drifted.
    """
    if scorer.kind == RULES:
        return {"computed": False, "why": "scored by the rules: no training data to compare"}
    if not leads or not reference:
        return {"computed": False, "why": "no open leads" if not leads else
                "the model card holds no training profile"}
    indices = psi_of_counts(dict(reference), counts)
    return {"computed": True, "psi": indices, "drifted": drifted(indices, threshold),
            "threshold": threshold}


def summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """The run summary's lines about the scorer and drift (markdown list items)."""
    lines = [f"- scored by: {summary.get('scoring', {}).get('scored_by')}"]
    found = summary.get("drift", {})
    if not found.get("computed"):
        lines.append(f"- drift: not computed ({found.get('why', 'no model')})")
    elif found["drifted"]:
        named = ", ".join(f"{n} (PSI {found['psi'][n]:.2f})" for n in found["drifted"])
        lines.append(f"- **drift warning**: above {found['threshold']} for {named}; today's "
                     "leads differ from the training data, so check the scores and retrain")
    else:
        lines.append(f"- drift: every feature and the score below PSI {found['threshold']}")
    return lines


def _by_model(model: Model, features: pd.DataFrame, phrases: Mapping, languages: pd.Series,
              predicted: Predicted
              ) -> tuple[pd.DataFrame, pd.DataFrame, tuple[pa.Array, pa.Array]]:
    """Probabilities and reasons; the kept (rounded) contributions as columns, for the
    movement; and as the two lists a lead the scores table keeps."""
    raw = pd.DataFrame(predicted.contributions, columns=list(model.columns))
    aligned = raw.reindex(columns=list(FEATURE_NAMES), fill_value=0.0).to_numpy()
    contributions = np.column_stack([aligned, np.zeros(len(features))])
    reasons = explain(contributions, features[list(FEATURE_NAMES)], phrases, languages)
    kept = rounded(raw)
    return pd.DataFrame({
        "win_probability": predicted.probability,
        "reasons_positive": reasons["reasons_positive"],
        "reasons_negative": reasons["reasons_negative"],
    }, index=features.index), kept, as_lists(raw, kept)


def _movement(today: pd.DataFrame, previous_scores: pd.DataFrame, features: pd.DataFrame,
              kept: pd.DataFrame | None, phrases: Mapping, languages: pd.Series) -> pd.Series:
    """scoring.movement.describe of today's scores (indexed by lead_id) against the previous
    ones (a lead open today only is "new"; one not open today is not read), their
    contributions as columns when given as two lists."""
    ids = pd.Index(previous_scores["lead_id"], name="lead_id")
    return describe(today, _previous(previous_scores), _labels(phrases), languages,
                    features[list(FEATURE_NAMES)].set_axis(today.index),
                    None if kept is None else kept.set_axis(today.index),
                    previous_scores[[n for n in FEATURE_NAMES if n in previous_scores]
                                    ].set_axis(ids),
                    contribution_columns(previous_scores["contribution_names"],
                                         previous_scores["contribution_values"]).set_axis(ids)
                    if "contribution_names" in previous_scores else None)


def _previous(stored: pd.DataFrame) -> pd.DataFrame:
    """The stored previous scores indexed by lead_id, as `describe` reads them (contributions
    stay JSON text: it parses those of the leads whose score moved; the values go to it as
    columns, not as a dict per lead)."""
    return pd.DataFrame({
        "win_probability": stored["win_probability"].to_numpy(),
        "scored_by": stored["scored_by"].fillna("").to_numpy(),
        "contributions": (stored["contributions"].to_numpy(dtype=object)  # parsed if moved
                          if "contributions" in stored else None),  # else given as columns
    }, index=pd.Index(stored["lead_id"], name="lead_id"))


def _labels(phrases: Mapping) -> dict[str, dict[str, str]]:
    english = {f.name: f.label for f in FEATURES}
    french = {name: ((phrases.get(name) or {}).get("fr") or {}).get("label") or english[name]
              for name in english}
    return {"en": english, "fr": french}
