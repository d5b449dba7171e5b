"""The daily flow's model steps: choose the scorer (champion or rules), score and explain each
open lead, say how its score moved since the last run, and measure drift.

Cold start: below the outcome thresholds every lead is scored by data/rules.yaml and the sheet
says so. Once there are enough outcomes and no champion yet, a model is trained on the spot and
becomes champion: the switch is automatic.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from features.columns import FEATURE_NAMES, FEATURES
from features.point_in_time import model_matrix
from flows import store
from flows.editable_files import load_yaml
from flows.models import registry
from flows.models.training import outcome_counts, too_few_outcomes, train_from_warehouse
from flows.pipeline.steps import load_features
from flows.settings import Settings
from scoring.drift import drifted, psi
from scoring.grades import GradeBands, grade
from scoring.movement import describe
from scoring.reasons import explain, language_for
from scoring.rules import RuleBook, score_by_rules

RULES = "rules"  # model_version of a lead scored by the rules


def choose_scorer(settings: Settings, now: datetime) -> dict[str, Any]:
    """The rules (too few outcomes) or the warehouse champion, training one if there is none."""
    with store.opened(settings.path(settings.warehouse)) as con:
        closed, wins = outcome_counts(con)
        label = too_few_outcomes(closed, wins, settings)
        current = registry.champion(con, "warehouse")
    if label is not None:
        RuleBook.from_file(load_yaml(settings.path(settings.rules)))  # a bad file fails here
        return {"scorer": RULES, "label": label, "closed": closed, "wins": wins}
    trained = None
    if current is None:
        _, card = train_from_warehouse(settings, now)
        current, trained = card["version"], card["version"]
    return {"scorer": "model", "version": current, "label": f"model {current}",
            "closed": closed, "wins": wins, "trained_now": trained}


def _labels(phrases: dict) -> dict[str, dict[str, str]]:
    english = {f.name: f.label for f in FEATURES}
    french = {name: ((phrases.get(name) or {}).get("fr") or {}).get("label") or english[name]
              for name in english}
    return {"en": english, "fr": french}


def _by_model(con, frame: pd.DataFrame, version: str, phrases: dict,
              languages: pd.Series) -> pd.DataFrame:
    model = registry.load(con, version)
    matrix = model_matrix(frame)
    probability = model.predict(matrix)
    raw = pd.DataFrame(model.contributions(matrix)[:, :-1], columns=list(model.columns))
    aligned = raw.reindex(columns=list(FEATURE_NAMES), fill_value=0.0).to_numpy()
    contributions = np.column_stack([aligned, np.zeros(len(frame))])
    reasons = explain(contributions, frame[list(FEATURE_NAMES)], phrases, languages)
    return pd.DataFrame({
        "win_probability": probability,
        "reasons_positive": reasons["reasons_positive"],
        "reasons_negative": reasons["reasons_negative"],
        "contributions": [{k: round(float(v), 4) for k, v in row.items() if v}
                          for row in raw.to_dict(orient="records")],
    }, index=frame.index)


def _previous(con, run_date: date) -> pd.DataFrame:
    """The last earlier run's scores with the feature values the leads had then."""
    stored = con.execute(store.sql("previous_scores", __package__), [run_date]).df()
    return pd.DataFrame({
        "win_probability": stored["win_probability"].to_numpy(),
        "scored_by": stored["scored_by"].fillna("").to_numpy(),
        "contributions": [json.loads(c) if isinstance(c, str) else {}
                          for c in stored["contributions"]],
        "values": [json.loads(v) for v in stored["features"]],
    }, index=pd.Index(stored["lead_id"], name="lead_id"))


def score(settings: Settings, run_date: date, scorer: dict[str, Any]) -> dict[str, Any]:
    """Probability, grade, reasons, contributions and score movement of each open lead."""
    bands = GradeBands.from_file(load_yaml(settings.path(settings.grades)))
    phrases = load_yaml(settings.path(settings.reasons)).data
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = load_features(con, run_date)
        if frame.empty:
            rows = pd.DataFrame(columns=["lead_id"])
        else:
            languages = frame["country"].map(lambda c: language_for(c, settings.language))
            if scorer["scorer"] == RULES:
                book = RuleBook.from_file(load_yaml(settings.path(settings.rules)))
                scored = score_by_rules(frame, book)
            else:
                scored = _by_model(con, frame, scorer["version"], phrases, languages)
            scored["scored_by"] = scorer["label"]
            today = scored.assign(values=frame[list(FEATURE_NAMES)].to_dict(orient="records"))
            today.index = pd.Index(frame["lead_id"], name="lead_id")
            languages.index = today.index
            movement = describe(today, _previous(con, run_date), _labels(phrases), languages)
            rows = pd.DataFrame({
                "lead_id": frame["lead_id"].to_numpy(),
                "model_version": scorer.get("version", RULES),
                "win_probability": scored["win_probability"].to_numpy(),
                "grade": grade(scored["win_probability"].to_numpy(), bands).to_numpy(),
                "reasons_positive": scored["reasons_positive"].to_numpy(),
                "reasons_negative": scored["reasons_negative"].to_numpy(),
                "scored_by": scorer["label"],
                "contributions": [json.dumps(c) for c in scored["contributions"]],
                "movement": movement.to_numpy(),
            })
        with store.transaction(con):
            store.replace_run(con, "scores", run_date, rows)
    return {"scored": len(rows), "grades": rows["grade"].value_counts().to_dict()
            if len(rows) else {}, "model_version": scorer.get("version", RULES),
            "scored_by": scorer["label"]}


def drift(settings: Settings, run_date: date, scorer: dict[str, Any]) -> dict[str, Any]:
    """PSI of each feature and of the score, training data vs today's leads."""
    if scorer["scorer"] == RULES:
        return {"computed": False, "why": "scored by the rules: no training data to compare"}
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = load_features(con, run_date)
        model = registry.load(con, scorer["version"])
    reference = model.card.get("drift_reference")
    if frame.empty or not reference:
        return {"computed": False, "why": "no open leads" if frame.empty else
                "the model card holds no training profile"}
    matrix = model_matrix(frame)
    indices = psi(reference, matrix, model.predict(matrix))
    return {"computed": True, "psi": indices,
            "drifted": drifted(indices, settings.drift_threshold),
            "threshold": settings.drift_threshold}


def summary_lines(summary: dict[str, Any]) -> list[str]:
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


def recorded_summary_lines(settings: Settings, run_date: date) -> list[str]:
    """`summary_lines` of a finished run, read back from the warehouse's runs table."""
    with store.opened(settings.path(settings.warehouse)) as con:
        row = con.execute("SELECT CAST(summary AS VARCHAR) FROM runs WHERE run_date = ?",
                          [run_date]).fetchone()
    return summary_lines(json.loads(row[0])) if row else []
