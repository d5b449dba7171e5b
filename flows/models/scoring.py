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
from features.columns import CATEGORICAL, FEATURE_NAMES, NUMERIC
from flows import store
from flows.models import chunks, registry
from flows.models.training import outcome_counts, thresholds, train_from_warehouse
from flows.settings import Settings
from scoring.drift import SCORE
from scoring.scorer import RULES, Scorer, summary_lines

__all__ = ["choose_scorer", "drift", "drift_counts", "recorded_summary", "score",
           "summary_lines"]


def choose_scorer(settings: Settings, now: datetime) -> Scorer:
    """The rules (too few outcomes) or the warehouse champion, training one if there is none."""
    with store.opened(settings.path(settings.warehouse)) as con:
        closed, wins = outcome_counts(con)
        champion = registry.champion(con, "warehouse")
    scorer = pure.choose_scorer(closed, wins, champion, thresholds(settings))
    if scorer.kind == RULES:
        chunks.rule_book(settings)  # a bad file fails here, before any lead is scored
    elif scorer.needs_training:
        _, card = train_from_warehouse(settings, now)
        scorer = scorer.trained(card["version"])
    return scorer


def score(settings: Settings, run_date: date, scorer: Scorer) -> dict[str, Any]:
    """Score the open leads of `run_date` (pure.score_leads) and store them; returns the summary.

    The leads are read, scored and stored `settings.chunk_leads` at a time
    (flows/models/chunks.py); with `settings.dask_address`, the chunks are scored on that Dask
    cluster (flows/models/cluster.py, which alone imports Dask).
    """
    if settings.dask_address:
        from flows.models.cluster import score_on_cluster

        return score_on_cluster(settings, run_date, scorer)
    return chunks.score_in_chunks(settings, run_date, scorer)


def drift(settings: Settings, run_date: date, scorer: Scorer) -> dict[str, Any]:
    """PSI of each feature and of the score, training data vs today's leads: the warehouse
    counts today's stored features and scores per bin of the model card's profile
    (sql/drift_counts.sql), scoring.drift turns the counts into indices. Run it after `score`:
    the score's index is of the scores stored for `run_date`."""
    counts, leads, reference = pd.DataFrame(), 0, None
    if scorer.kind != RULES:
        with store.opened(settings.path(settings.warehouse)) as con:
            reference = registry.card(con, scorer.version).get("drift_reference")
            leads = con.execute("SELECT count(*) FROM lead_features WHERE run_date = ?",
                                [run_date]).fetchone()[0]
            if leads and reference:
                counts = drift_counts(con, run_date, reference)
    return pure.measure_drift(counts, leads, scorer, reference, settings.drift_threshold)


def drift_counts(con, run_date: date, reference: dict[str, Any]) -> pd.DataFrame:
    """Today's leads per bin or label of each profiled feature and of the score (name, label,
    bin, leads), counted in the warehouse over the stored features and scores of `run_date`."""
    return con.execute(store.sql("drift_counts", __package__),
                       {"run_date": run_date, **_bins(reference)}).df()


def _bins(reference: dict[str, Any]) -> dict[str, list]:
    """drift_counts.sql's names and edges: the profiled features (and the score) by kind. Its
    COLUMNS(...) must match a column: a kind with no profiled feature counts one the profile
    lacks, which psi_of_counts never reads."""
    kinds = {name: entry["kind"] for name, entry in reference.items()
             if name in FEATURE_NAMES or name == SCORE}
    categorical = [n for n, k in kinds.items() if k == "categorical"] or [CATEGORICAL[0]]
    numeric = [n for n, k in kinds.items() if k == "numeric" and n != SCORE] or [NUMERIC[0]]
    if kinds.get(SCORE) == "numeric":
        numeric.append(SCORE)
    edges = [list(reference[n]["edges"]) if n in reference else [] for n in numeric]
    return {"categorical": categorical, "numeric": numeric, "edges": edges}


def recorded_summary(settings: Settings, run_date: date) -> dict[str, Any]:
    """The summary of a finished run, read back from the warehouse's runs table ({} if none)."""
    with store.opened(settings.path(settings.warehouse)) as con:
        row = con.execute("SELECT CAST(summary AS VARCHAR) FROM runs WHERE run_date = ?",
                          [run_date]).fetchone()
    return json.loads(row[0]) if row else {}
