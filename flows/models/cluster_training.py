"""Training on a Dask cluster (lightgbm.dask), for histories too large for one machine.

train_from_warehouse comes here when the settings name a scheduler (`dask_address`) and the
warehouse holds at least `dask_train_rows` closed leads. What runs where:

- This process reads the closed leads oldest first, `chunk_leads` at a time (their
  point-in-time features, as the one-process path computes them), and scatters each chunk to
  the workers, which never open the warehouse (DuckDB lets one process hold the file). It
  keeps two bounded blocks of at most `dask_sample_rows` leads: the newest closed leads (the
  holdout, `holdout_fraction` of the history) and the 15 % just before them (the calibration
  block). Every category a chunk showed is then given to every partition, so that the codes
  LightGBM's workers learn from are the same everywhere.
- The workers train the trees (DaskLGBMClassifier, data-parallel): for each tree setting the
  search tries (the learner's CANDIDATES, `search_candidates` of them), ROUNDS trees on the
  leads older than the calibration block. lightgbm.dask has no early stopping: this process
  scores the calibration block with the first 10, 20, ... trees and keeps the count and the
  setting with the lowest log loss.
- This process fits the calibration (Platt or isotonic, whichever has the lower CV Brier) on
  the calibration block's scores, and judges the result on the holdout.
- The shipped trees are trained again on the cluster on every closed lead, with that setting
  and count, and keep that calibration; they go through the same files, registry, card and
  champion/challenger decision as any model.

Not reproducible bit for bit, unlike the one-process path: LightGBM's workers agree on the
feature bins and split the work in an order that changes from run to run (the same 20,000
leads trained twice on the same cluster gave 230 and 280 trees, holdout ROC AUC 0.864 and
0.867).

What the one-process recipe does and this path does not: the penalised logistic regression and
the value frequencies are not fitted (blend: trees 1, linear 0, frequency 0; they matter on a
few thousand leads, not past a million); the tree count comes from one validation block, not
four expanding folds; the Platt curve is not shifted onto the whole history's win rate; the
drift reference profiles the two blocks kept here, not every lead. The champion's recipe is
not retrained on the challenger's rows (that needs the history in one process): the champion
as stored is judged on the holdout leads scored after the newest lead it learned from, and
kept when they are too few (the cold-start thresholds); the decision says which.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd
from distributed import Client
from lightgbm import Booster
from lightgbm.dask import DaskLGBMClassifier

from features.columns import CATEGORICAL
from features.point_in_time import build_features, history_moments, model_matrix
from flows import store
from flows.errors import LeadpilotError
from flows.models.training import base_card, contest, recipe, refuse_cold_start, ship
from flows.settings import Settings
from scoring import calibration
from scoring.champion import Decision, decide
from scoring.drift import profile
from scoring.learner import BASE_PARAMS, CANDIDATES, Recipe
from scoring.model import Model, metrics, reliability
from scoring.staged import best_tree_count, staged_log_loss, truncated

__all__ = ["ROUNDS", "Block", "block_sizes", "judge_as_stored", "read_history", "search",
           "train_on_cluster", "train_trees"]

ROUNDS = 1000  # trees each search fit grows; the count kept is chosen on the calibration block
STEP = 10  # the tree counts judged: every STEP trees
CALIBRATION_SHARE = 0.15  # of the leads before the holdout, the newest: the calibration block
CONNECT_SECONDS = 30
BLOCKS = ("fit", "calibration", "holdout")
# lightgbm.dask sets the threads from each worker's own; the rest is the learner's base
TREE_PARAMS = {k: v for k, v in BASE_PARAMS.items() if k != "num_threads"}


@dataclass
class Block:
    """Closed leads in order of scoring moment: their partitions on the cluster (features and
    outcomes), and, for the blocks kept here, the rows themselves."""

    features: list = field(default_factory=list)
    won: list = field(default_factory=list)
    workers: list[list[str]] = field(default_factory=list)
    local: list[tuple[pd.DataFrame, pd.Series]] = field(default_factory=list)

    def matrix(self) -> pd.DataFrame:
        return pd.concat([x for x, _ in self.local], ignore_index=True)

    def outcomes(self) -> np.ndarray:
        return np.concatenate([y.to_numpy(dtype=float) for _, y in self.local])


def block_sizes(closed: int, holdout_fraction: float, cap: int) -> dict[str, int]:
    """Leads in each block, oldest first: fit, calibration, holdout (the last two capped).

    >>> block_sizes(3000, 0.2, 200_000)
    {'fit': 2040, 'calibration': 360, 'holdout': 600}
    """
    holdout = min(max(1, math.floor(closed * holdout_fraction)), cap)
    calibrate = min(max(1, math.floor((closed - holdout) * CALIBRATION_SHARE)), cap)
    return {"fit": closed - holdout - calibrate, "calibration": calibrate, "holdout": holdout}


def _chunk(con, moments: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The model matrix and outcomes of some closed leads, in their order of scoring moment."""
    frame = build_features(con, moments).merge(moments[["lead_id", "won"]], on="lead_id")
    frame = frame.sort_values(["as_of", "lead_id"], kind="stable", ignore_index=True)
    return model_matrix(frame), frame["won"].astype("int64")


def read_history(con, client: Client, settings: Settings,
                 moments: pd.DataFrame) -> dict[str, Block]:
    """Each block's chunks read from the warehouse and sent to the cluster's workers in turn
    (chunk k to the k-th worker in address order, modulo their number: every worker gets its
    share of every block); the calibration and holdout blocks also kept here. Every partition
    then gets the categories seen in any chunk, in one order (LightGBM codes them by
    position)."""
    sizes = block_sizes(len(moments), settings.holdout_fraction, settings.dask_sample_rows)
    workers = sorted(client.scheduler_info()["workers"])
    blocks: dict[str, Block] = {}
    seen: dict[str, set] = {name: set() for name in CATEGORICAL}
    start, chunks = 0, 0
    for name in BLOCKS:
        block = blocks[name] = Block()
        end = start + sizes[name]
        for first in range(start, end, settings.chunk_leads):
            x, won = _chunk(con, moments.iloc[first:min(end, first + settings.chunk_leads)])
            for column in CATEGORICAL:
                seen[column].update(x[column].cat.categories)
            where = [workers[chunks % len(workers)]]
            block.features.append(client.scatter(x, workers=where))
            block.won.append(client.scatter(won, workers=where))
            block.workers.append(where)
            chunks += 1
            if name != "fit":
                block.local.append((x, won))
        start = end
    categories = {column: sorted(values) for column, values in seen.items()}
    for block in blocks.values():
        block.features = [client.submit(_recoded, x, categories, workers=where)
                          for x, where in zip(block.features, block.workers, strict=True)]
        block.local = [(_recoded(x, categories), won) for x, won in block.local]
    return blocks


def _recoded(x: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    """`x` with each categorical column's categories set to `categories` (a copy)."""
    return x.assign(**{column: pd.Categorical(x[column], categories=values)
                       for column, values in categories.items()})


def _fit(client: Client, blocks: list[Block], params: dict[str, Any], trees: int,
         meta: pd.DataFrame) -> Booster:
    """Trees trained by the cluster's workers on the partitions of `blocks`, as a local
    booster."""
    x = dd.from_delayed([f for b in blocks for f in b.features], meta=meta, verify_meta=False)
    y = dd.from_delayed([f for b in blocks for f in b.won],
                        meta=pd.Series([], dtype="int64", name="won"), verify_meta=False)
    with warnings.catch_warnings():  # it says so when it sets the threads itself
        warnings.filterwarnings("ignore", message="Parameter .* will be ignored")
        model = DaskLGBMClassifier(client=client, n_estimators=trees, **params).fit(x, y)
    return model.to_local().booster_


def search(client: Client, blocks: dict[str, Block], how: Recipe) -> list[dict[str, Any]]:
    """Each candidate tree setting trained on the fit block (ROUNDS trees), cut to the tree
    count with the lowest log loss on the calibration block."""
    x, won = blocks["calibration"].matrix(), blocks["calibration"].outcomes()
    tried = []
    for candidate in CANDIDATES[:max(1, how.search_candidates)]:
        params = {**TREE_PARAMS, **candidate, "seed": how.seed}
        booster = _fit(client, [blocks["fit"]], params, ROUNDS, x.iloc[:0])
        losses = staged_log_loss(booster, x, won, STEP)
        trees = best_tree_count(losses)
        tried.append({"params": params, "trees": trees, "log_loss": losses[trees],
                      "booster": truncated(booster, trees)})
    return tried


def _report(tried: list[dict[str, Any]], best: dict[str, Any], calibrated: tuple,
            blocks: dict[str, Block], probability: np.ndarray) -> dict[str, Any]:
    calibrator, briers, raw = calibrated
    won, held = blocks["calibration"].outcomes(), blocks["holdout"].outcomes()
    return {
        "validation": "Dask, time-based",
        "search": [{"settings": {k: t["params"][k] for k in CANDIDATES[0]},
                    "trees": t["trees"], "validation_log_loss": round(t["log_loss"], 5)}
                   for t in tried],
        "params": best["params"],
        "trees": best["trees"],
        "linear_penalty": None,
        "validation_log_loss": {"trees": round(best["log_loss"], 5)},
        "calibration_brier": briers,
        "validation_metrics": metrics(won, calibrator.apply(raw)),
        "holdout": metrics(held, probability),
        "holdout_reliability": reliability(held, probability).to_dict(orient="records"),
    }


def train_trees(client: Client, blocks: dict[str, Block], how: Recipe) -> tuple[Model, dict]:
    """Search, calibrate and judge on the cluster's fit block, then train the shipped trees
    on every block; returns the shipped model and its report."""
    tried = search(client, blocks, how)
    best = min(tried, key=lambda t: t["log_loss"])
    x, won = blocks["calibration"].matrix(), blocks["calibration"].outcomes()
    raw = best["booster"].predict(x, raw_score=True)
    calibrator, briers = calibration.choose(raw, won, how.seed)
    judged = Model(best["booster"], calibrator, weights=(1.0, 0.0, 0.0))
    probability = judged.predict(blocks["holdout"].matrix())
    report = _report(tried, best, (calibrator, briers, raw), blocks, probability)
    booster = _fit(client, list(blocks.values()), best["params"], best["trees"], x.iloc[:0])
    return Model(booster, calibrator, weights=(1.0, 0.0, 0.0)), {**report,
                                                                 "probability": probability}


def judge_as_stored(champion: Model, current: str, holdout: Block, as_of: pd.Series,
               probability: np.ndarray, settings: Settings) -> Decision:
    """The challenger's figures against those of the champion as stored, on the holdout leads
    scored after the newest lead the champion learned from (its card's holdout window): a
    model judged on leads it learned from looks better than it is. Too few such leads (fewer
    than the cold-start thresholds, in wins or in losses): the champion is kept."""
    newest = champion.card.get("holdout_window", {}).get("to")
    unseen = (as_of > pd.Timestamp(newest)).to_numpy() if newest else np.ones(len(as_of), bool)
    won = holdout.outcomes()[unseen]
    wins, rows = int(won.sum()), len(won)
    after = f"scored after {newest}, the newest lead it learned from" if newest else "all"
    if rows < settings.min_closed_leads or min(wins, rows - wins) < settings.min_wins:
        return Decision(False, f"kept champion {current}: of the {len(unseen)} holdout leads, "
                        f"{rows} ({wins} won) are {after}: too few to judge it as stored (on "
                        "the Dask path its recipe is not retrained)")
    theirs = champion.predict(holdout.matrix().loc[unseen])
    decision = decide(metrics(won, probability[unseen]), metrics(won, theirs), rows,
                      settings.promotion_margin, current)
    return Decision(decision.promote, f"{decision.reason} (the champion as stored, on the "
                    f"holdout leads {after}: on the Dask path its recipe is not retrained)")


def _client(address: str) -> Client:
    """A Dask client of the scheduler at `address`, or the error that names it."""
    try:
        return Client(address, timeout=CONNECT_SECONDS)
    except OSError as exc:
        raise LeadpilotError(f"Cannot reach the Dask scheduler {address} (LEADPILOT_DASK_"
                             f"ADDRESS) within {CONNECT_SECONDS} s: {exc}") from exc


def train_on_cluster(settings: Settings, now: datetime) -> tuple[Path, dict[str, Any]]:
    """train_from_warehouse on the Dask scheduler `settings.dask_address` (module docstring).

    Raises:
        LeadpilotError: below the cold-start thresholds, too few leads before the holdout, a
            block the calibration cannot learn from, or a scheduler out of reach.
    """
    with _client(settings.dask_address) as client:
        with store.opened(settings.path(settings.warehouse)) as con:
            moments = history_moments(con, settings.history_lag_days)[
                ["lead_id", "as_of", "won"]].sort_values(["as_of", "lead_id"], kind="stable",
                                                         ignore_index=True)
            refuse_cold_start(len(moments), int(moments["won"].sum()), settings)
            if block_sizes(len(moments), settings.holdout_fraction,
                           settings.dask_sample_rows)["fit"] < 20:
                raise LeadpilotError(f"Cannot train: only {len(moments)} closed leads.")
            blocks = read_history(con, client, settings, moments)
        try:
            model, report = train_trees(client, blocks, recipe(settings))
        except ValueError as exc:  # e.g. a block of wins only
            raise LeadpilotError(f"Cannot train: {exc}.") from exc
        workers = len(client.scheduler_info()["workers"])
    probability = report.pop("probability")
    held = len(blocks["holdout"].outcomes())
    local = pd.concat([blocks["calibration"].matrix(), blocks["holdout"].matrix()],
                      ignore_index=True)
    card = {
        **base_card(settings, moments, np.arange(len(moments) - held),
                    np.arange(len(moments) - held, len(moments))),
        **report,
        "rows": {"train": len(moments) - held, "holdout": held},
        "cluster": {"workers": workers, "partitions": {n: len(b.features)
                                                      for n, b in blocks.items()},
                    "chunk_rows": settings.chunk_leads, "tree_cap": ROUNDS,
                    "calibration_rows": len(blocks["calibration"].outcomes()),
                    "parts": "trees and calibration only"},
        "drift_reference": profile(local, model.predict(local)),
    }
    with store.opened(settings.path(settings.warehouse)) as con:
        decision = contest(con, "warehouse", settings, lambda champion, current: judge_as_stored(
            champion, current, blocks["holdout"], moments["as_of"].iloc[-held:], probability,
            settings))
        return ship(con, settings, model, card, decision, now)
