"""The daily flow's model steps at the edge: load what scoring needs from the warehouse and the
edited files, call the pure scoring.scorer, and store the scores.

Choosing rules or model, grading, reasons, score movement and drift are all decided in
scoring/scorer.py; here are only the reads, the training a missing champion needs, and the
writes.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd

import scoring.scorer as pure
from flows import store
from flows.editable_files import load_yaml
from flows.models import registry
from flows.models.training import outcome_counts, thresholds, train_from_warehouse
from flows.pipeline.steps import load_features
from flows.settings import Settings
from scoring.grades import GradeBands
from scoring.rules import RuleBook
from scoring.scorer import RULES, Scorer, summary_lines

__all__ = ["choose_scorer", "drift", "recorded_summary_lines", "score", "summary_lines"]


def choose_scorer(settings: Settings, now: datetime) -> Scorer:
    """The rules (too few outcomes) or the warehouse champion, training one if there is none."""
    with store.opened(settings.path(settings.warehouse)) as con:
        closed, wins = outcome_counts(con)
        champion = registry.champion(con, "warehouse")
    scorer = pure.choose_scorer(closed, wins, champion, thresholds(settings))
    if scorer.kind == RULES:
        _rule_book(settings)  # a bad file fails here, before any lead is scored
    elif scorer.needs_training:
        _, card = train_from_warehouse(settings, now)
        scorer = scorer.trained(card["version"])
    return scorer


def score(settings: Settings, run_date: date, scorer: Scorer) -> dict[str, Any]:
    """Score the open leads of `run_date` (pure.score_leads) and store them; returns the summary."""
    bands = GradeBands.from_file(load_yaml(settings.path(settings.grades)))
    phrases = load_yaml(settings.path(settings.reasons)).data
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = load_features(con, run_date)
        rules, model = None, None  # loaded only when there are leads to score
        if len(frame) and scorer.kind == RULES:
            rules = _rule_book(settings)
        elif len(frame):
            model = registry.load(con, scorer.version)
        previous = con.execute(store.sql("previous_scores", __package__), [run_date]).df()
        rows = pure.score_leads(frame, scorer, previous, bands, phrases, rules=rules,
                                model=model, language=settings.language)
        with store.transaction(con):
            store.replace_run(con, "scores", run_date, rows)
    return pure.summarise(rows, scorer)


def drift(settings: Settings, run_date: date, scorer: Scorer) -> dict[str, Any]:
    """PSI of each feature and of the score, training data vs today's leads (pure)."""
    frame, model = pd.DataFrame(), None
    if scorer.kind != RULES:
        with store.opened(settings.path(settings.warehouse)) as con:
            frame = load_features(con, run_date)
            model = registry.load(con, scorer.version)
    return pure.measure_drift(frame, scorer, model, settings.drift_threshold)


def recorded_summary_lines(settings: Settings, run_date: date) -> list[str]:
    """`summary_lines` of a finished run, read back from the warehouse's runs table."""
    with store.opened(settings.path(settings.warehouse)) as con:
        row = con.execute("SELECT CAST(summary AS VARCHAR) FROM runs WHERE run_date = ?",
                          [run_date]).fetchone()
    return summary_lines(json.loads(row[0])) if row else []


def _rule_book(settings: Settings) -> RuleBook:
    return RuleBook.from_file(load_yaml(settings.path(settings.rules)))
