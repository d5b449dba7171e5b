"""The one training core: LightGBM, validated on unseen leads, searched briefly, calibrated.

Every model leadpilot ships is trained here, whatever its columns: the warehouse's FEATURES, the
columns of a CRM export (`--history`), the folds of `leadpilot evaluate` and of the benchmark.

- Validation: time-based when the rows have a date (train on older leads, validate on newer:
  four expanding folds over the newest 80 %), stratified k-fold otherwise.
- Early stopping on the validation folds sets the number of trees.
- A small hyperparameter search: the first `search_candidates` of the candidates below, in order
  (the first one always runs). Each is judged on the pooled validation log loss.
- Regularisation for a few thousand rows: shallow trees, large leaves, L2, bagging, smoothed
  categories.
- A penalised logistic regression (its penalty searched too) and per-value won/lost
  frequencies (naive Bayes) are fitted on the same folds, and the three parts are blended with
  weights fitted on the validation scores: trees win on large data with interactions, the
  regression on additive data, the frequencies on a few hundred rows.
- Calibration: Platt or isotonic on the blended validation scores, whichever has the lower CV
  Brier. A Platt curve is then shifted so that the shipped model's probabilities average the
  training win rate (validation rows are the newest ones; the base rate is all of them).
- The shipped model is refitted on all rows with the chosen settings, tree count and penalty.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from scipy.optimize import brentq
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, train_test_split
from threadpoolctl import threadpool_limits

from scoring import calibration
from scoring.frequency import fit_frequency
from scoring.linear import PENALTIES, fit_linear, fit_path
from scoring.model import Model, metrics, reliability

BASE_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "cat_smooth": 20,
    "cat_l2": 10.0,
    "min_data_per_group": 50,
    "max_cat_threshold": 32,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbosity": -1,
}
# Tried in this order, as many as Recipe.search_candidates; the first is the safe default.
CANDIDATES: tuple[dict[str, Any], ...] = (
    {"num_leaves": 15, "max_depth": 5, "min_data_in_leaf": 40, "lambda_l2": 5.0,
     "feature_fraction": 0.8},
    {"num_leaves": 4, "max_depth": 2, "min_data_in_leaf": 60, "lambda_l2": 10.0,
     "feature_fraction": 0.9},
    {"num_leaves": 7, "max_depth": 3, "min_data_in_leaf": 80, "lambda_l2": 10.0,
     "feature_fraction": 0.7},
    {"num_leaves": 31, "max_depth": -1, "min_data_in_leaf": 30, "lambda_l2": 1.0,
     "feature_fraction": 0.8},
    {"num_leaves": 15, "max_depth": 4, "min_data_in_leaf": 120, "lambda_l2": 20.0,
     "feature_fraction": 0.6},
    {"num_leaves": 63, "max_depth": -1, "min_data_in_leaf": 50, "lambda_l2": 10.0,
     "feature_fraction": 0.5},
)
PARTS: tuple[str, ...] = ("trees", "linear", "frequency")  # the blended parts, in order
BLEND_MARGIN = 0.002  # relative log-loss gain a blend needs over the best single part
SMALL = 20000  # below this many rows one thread is faster than two
MAX_ROUNDS = 2000
EARLY_STOPPING_ROUNDS = 50


@dataclass(frozen=True)
class Recipe:
    """How to train: the seed, how many CANDIDATES the search tries (a count, not seconds, so
    the same data gives the same model on a busy or a quiet machine), and (to skip the search)
    fixed settings."""

    seed: int = 42
    search_candidates: int = 3
    folds: int = 3  # stratified validation folds when the rows have no date
    params: dict[str, Any] | None = None
    penalty: float | None = None


@dataclass
class Fitted:
    """A trained model and what training learned about it."""

    model: Model
    report: dict[str, Any]


def time_folds(order: np.ndarray, n_folds: int,
               first_train_share: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds: train on the older rows, validate on the next block.

    Args:
        order: a sortable value per row (a date); ties keep their row order.
        n_folds: how many (train, validate) pairs.
        first_train_share: share of the oldest rows the first fold trains on; the rest is cut
            into `n_folds` equal validation blocks.
    """
    rows = np.argsort(np.asarray(order), kind="stable")
    cuts = np.linspace(first_train_share, 1.0, n_folds + 1)
    bounds = (cuts * len(rows)).round().astype(int)
    return [(rows[:bounds[k]], rows[bounds[k]:bounds[k + 1]]) for k in range(n_folds)]


def stratified_folds(won: np.ndarray, n_folds: int,
                     seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold: each fold keeps the overall win rate."""
    splitter = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(won)), won))


def validation_folds(won: np.ndarray, order: np.ndarray | None,
                     recipe: Recipe) -> list[tuple[np.ndarray, np.ndarray]]:
    """Time-based folds over the newest 80 % when there is a date, else stratified k-fold."""
    if order is not None:
        return time_folds(order, 4, 0.2)
    return stratified_folds(won, recipe.folds, recipe.seed)


def _check(won: np.ndarray) -> None:
    wins = int(won.sum())
    if wins < 2 or len(won) - wins < 2:
        raise ValueError("both wins and losses are needed to train")


def _cross_fit(x: pd.DataFrame, won: np.ndarray, folds: list, params: dict[str, Any]):
    """Raw validation scores of every validated row, and each fold's best tree count."""
    raw = np.full(len(won), np.nan)
    rounds = []
    for fit_rows, valid_rows in folds:
        train_set = lgb.Dataset(x.iloc[fit_rows], won[fit_rows], free_raw_data=False)
        valid_set = lgb.Dataset(x.iloc[valid_rows], won[valid_rows], reference=train_set)
        booster = lgb.train(params, train_set, num_boost_round=MAX_ROUNDS, valid_sets=[valid_set],
                            callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)])
        best = int(booster.best_iteration or booster.current_iteration())
        raw[valid_rows] = booster.predict(x.iloc[valid_rows], raw_score=True,
                                          num_iteration=best)
        rounds.append(best)
    return raw, rounds


def _loss(won: np.ndarray, raw: np.ndarray) -> float:
    return float(log_loss(won, 1 / (1 + np.exp(-raw)), labels=[0, 1]))


def _search_trees(x, y, folds, validated, recipe: Recipe) -> list[dict[str, Any]]:
    candidates = ((recipe.params,) if recipe.params is not None
                  else CANDIDATES[:max(1, recipe.search_candidates)])
    tried = []
    for candidate in candidates:
        params = {**BASE_PARAMS, **candidate, "seed": recipe.seed,
                  "num_threads": 1 if len(y) < SMALL else BASE_PARAMS["num_threads"]}
        raw, rounds = _cross_fit(x, y, folds, params)
        tried.append({"params": params, "raw": raw, "rounds": rounds,
                      "log_loss": _loss(y[validated], raw[validated])})
    return tried


def _search_linear(x, y, folds, validated, recipe: Recipe) -> list[dict[str, Any]]:
    penalties = (recipe.penalty,) if recipe.penalty is not None else PENALTIES
    raw = np.full((len(penalties), len(y)), np.nan)
    for fit_rows, valid_rows in folds:
        for k, model in enumerate(fit_path(x.iloc[fit_rows], y[fit_rows], penalties)):
            raw[k, valid_rows] = model.raw_score(x.iloc[valid_rows])
    return [{"penalty": penalty, "raw": raw[k], "log_loss": _loss(y[validated], raw[k][validated])}
            for k, penalty in enumerate(penalties)]


def _stack(parts: np.ndarray, won: np.ndarray, kept: list[int]) -> tuple[float, ...]:
    """Positive weights of the `kept` parts, fitted by logistic regression; a part whose weight
    comes out zero or negative is dropped and the rest fitted again, a lone part included: a
    part that ranks the validation rows backwards is no evidence, and a calibration curve fitted
    on it would turn it upside down. All weights are 0 when no part is left (the base rate)."""
    kept = list(kept)
    while kept:
        coefficients = LogisticRegression(C=1e6, solver="newton-cholesky").fit(parts[:, kept],
                                                                     won).coef_[0]
        if coefficients.min() > 0:
            weights = dict(zip(kept, coefficients, strict=True))
            return tuple(float(weights.get(k, 0.0)) for k in range(parts.shape[1]))
        kept.pop(int(np.argmin(coefficients)))
    return (0.0,) * parts.shape[1]


def blend_weights(parts: np.ndarray, won: np.ndarray, seed: int = 42) -> tuple[float, ...]:
    """Weights of each part's log-odds (columns of `parts`), chosen on validation scores.

    Candidates: every non-empty set of parts, stacked with positive weights. Each is judged by
    5-fold cross-validated log loss over the validation rows (weights and a Platt intercept
    fitted on four fifths, judged on the fifth). The simplest candidate within BLEND_MARGIN of
    the best wins: a gain within the noise of a few hundred validation rows is not worth the
    extra variance. Returns the winner's weights fitted on all the rows.
    """
    n_parts = parts.shape[1]
    candidates = [list(c) for size in range(1, n_parts + 1)
                  for c in combinations(range(n_parts), size)]
    splits = int(min(5, won.sum(), len(won) - won.sum()))
    folds = list(StratifiedKFold(splits, shuffle=True, random_state=seed).split(parts, won))
    losses = []
    for kept in candidates:
        predicted = np.empty(len(won))
        for fit_rows, test_rows in folds:
            weights = np.asarray(_stack(parts[fit_rows], won[fit_rows], kept))
            blended = parts @ weights
            platt = LogisticRegression(C=1e6, solver="newton-cholesky").fit(
                blended[fit_rows].reshape(-1, 1), won[fit_rows])
            predicted[test_rows] = platt.predict_proba(blended[test_rows].reshape(-1, 1))[:, 1]
        losses.append(log_loss(won, predicted, labels=[0, 1]))
    good_enough = min(losses) * (1 + BLEND_MARGIN)
    chosen = next(c for c, loss in zip(candidates, losses, strict=True) if loss <= good_enough)
    return _stack(parts, won, chosen)


def _anchor(calibrator: calibration.Calibrator, raw: np.ndarray,
            win_rate: float) -> calibration.Calibrator:
    """Shift a Platt curve so that the mean probability over `raw` equals `win_rate`."""
    if calibrator.method != "platt":
        return calibrator

    def gap(b: float) -> float:
        return float(np.mean(1 / (1 + np.exp(-(calibrator.a * raw + b))))) - win_rate

    return replace(calibrator, b=float(brentq(gap, -30.0, 30.0)))


def fit(x: pd.DataFrame, won: pd.Series | np.ndarray, order: np.ndarray | None = None,
        recipe: Recipe = Recipe()) -> Fitted:
    """Train leadpilot's default model on closed leads.

    Args:
        x: one column per feature: float64 numerics (NaN for unknown) and `category` columns.
        won: 1 for won, 0 for lost.
        order: the date of each row when there is one (time-based validation), else None.
        recipe: seed, search budget, or fixed settings that skip the search.

    Returns:
        The calibrated model, refitted on all rows, and a report: validation scheme, settings
        tried with their validation log loss, the chosen settings, tree count, penalty and blend
        weights, the calibration method with each method's CV Brier, and validation figures.
    """
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: threads only wait
        return _fit(x, np.asarray(won, dtype=float), order, recipe)


def _fit(x: pd.DataFrame, y: np.ndarray, order: np.ndarray | None, recipe: Recipe) -> Fitted:
    _check(y)
    folds = validation_folds(y, order, recipe)
    validated = np.unique(np.concatenate([valid for _, valid in folds]))
    tried = _search_trees(x, y, folds, validated, recipe)
    trees = min(tried, key=lambda t: t["log_loss"])
    linear = min(_search_linear(x, y, folds, validated, recipe), key=lambda t: t["log_loss"])
    frequency_raw = np.full(len(y), np.nan)
    for fit_rows, valid_rows in folds:
        frequency_raw[valid_rows] = fit_frequency(x.iloc[fit_rows], y[fit_rows]).raw_score(
            x.iloc[valid_rows])
    parts = np.column_stack([trees["raw"], linear["raw"], frequency_raw])[validated]
    weights = blend_weights(parts, y[validated], recipe.seed)
    blended = parts @ np.asarray(weights)
    calibrator, briers = calibration.choose(blended, y[validated], recipe.seed)
    n_rounds = max(1, round(float(np.mean(trees["rounds"]))))
    booster = lgb.train(trees["params"], lgb.Dataset(x, y), num_boost_round=n_rounds)
    model = Model(booster, calibrator, columns=tuple(x.columns),
                  linear=fit_linear(x, y, linear["penalty"]), weights=weights,
                  frequency=fit_frequency(x, y))
    model.calibration = _anchor(calibrator, model.raw_score(x), float(y.mean()))
    report = {
        "validation": "time-based" if order is not None else f"stratified {len(folds)}-fold",
        "search": [{"settings": {k: t["params"][k] for k in CANDIDATES[0]},
                    "validation_log_loss": round(t["log_loss"], 5)} for t in tried],
        "params": trees["params"],
        "trees": n_rounds,
        "linear_penalty": linear["penalty"],
        "blend": dict(zip(PARTS, (round(w, 4) for w in weights), strict=True)),
        "validation_log_loss": {"trees": round(trees["log_loss"], 5),
                                "linear": round(linear["log_loss"], 5),
                                "frequency": round(_loss(y[validated],
                                                         frequency_raw[validated]), 5),
                                "blend": round(_loss(y[validated], blended), 5)},
        "calibration_brier": briers,
        "validation_metrics": metrics(y[validated], calibrator.apply(blended)),
    }
    return Fitted(model, report)


def holdout_rows(won: np.ndarray, order: np.ndarray | None, fraction: float,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, holdout rows): the newest `fraction` when dated, else a stratified draw."""
    y = np.asarray(won, dtype=float)
    if order is not None:
        rows = np.argsort(np.asarray(order), kind="stable")
        n_holdout = max(1, int(np.floor(len(rows) * fraction)))
        return rows[:-n_holdout], rows[-n_holdout:]
    train, holdout = train_test_split(np.arange(len(y)), test_size=fraction, stratify=y,
                                      random_state=seed)
    return np.sort(train), np.sort(holdout)


def train_and_judge(x: pd.DataFrame, won: pd.Series | np.ndarray, order: np.ndarray | None,
                    holdout_fraction: float, recipe: Recipe = Recipe()) -> tuple[Fitted, dict]:
    """Judge the recipe on a holdout it never saw, then train the shipped model on every row.

    Returns:
        The shipped model (its report gains `holdout`: figures of the same recipe trained
        without the holdout) and the judgement: holdout and training row positions, the
        holdout's outcomes and the probabilities the judged model gave them (for
        champion/challenger comparisons, scoring.champion.judge).
    """
    y = np.asarray(won, dtype=float)
    train, holdout = holdout_rows(y, order, holdout_fraction, recipe.seed)
    sub_order = None if order is None else np.asarray(order)[train]
    judged = fit(x.iloc[train], y[train], sub_order, recipe)
    probability = judged.model.predict(x.iloc[holdout])
    shipped = fit(x, y, order, replace(recipe, params=judged.report["params"],
                                       penalty=judged.report["linear_penalty"]))
    shipped.report["search"] = judged.report["search"]
    shipped.report["holdout"] = metrics(y[holdout], probability)
    shipped.report["holdout_reliability"] = reliability(y[holdout], probability).to_dict(
        orient="records")
    shipped.report["rows"] = {"train": len(train), "holdout": len(holdout)}
    return shipped, {"rows": holdout, "train_rows": train, "won": y[holdout],
                     "probability": probability}
