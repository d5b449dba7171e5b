"""The one training core: validation on unseen (newer) leads, a budgeted search, a blend of
trees, regression and frequencies, calibration, and contributions that add up."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.learner import CANDIDATES, Recipe, blend_weights, fit, time_folds, train_and_judge


def _leads(n: int = 800, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    visits = rng.poisson(2, n).astype(float)
    size = rng.choice(["1-10", "11-50", "51-200", "201-500"], n)
    logit = -1.5 + 1.2 * np.log1p(visits) + np.where(size == "51-200", 0.9, 0.0)
    won = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    x = pd.DataFrame({"visits": np.where(rng.random(n) < 0.05, np.nan, visits),
                      "size_band": pd.Categorical(size),
                      "noise": rng.normal(size=n)})
    dates = np.datetime64("2025-01-01") + np.sort(rng.integers(0, 365, n)).astype("m8[D]")
    return x, won, dates


def test_time_folds_train_on_older_leads_and_validate_on_newer_ones():
    dates = np.arange(100)[::-1]  # rows given newest first
    for train, valid in time_folds(dates, 4, 0.2):
        assert dates[train].max() < dates[valid].min()
    valid_rows = np.concatenate([v for _, v in time_folds(dates, 4, 0.2)])
    assert sorted(dates[valid_rows]) == list(range(20, 100))


def test_the_same_data_and_seed_give_the_same_model():
    x, won, dates = _leads()
    first = fit(x, won, dates, Recipe(search_candidates=1)).model.predict(x)
    second = fit(x, won, dates, Recipe(search_candidates=1)).model.predict(x)
    assert np.array_equal(first, second)


def test_the_search_tries_exactly_the_number_of_candidates_it_is_given():
    x, won, _ = _leads()
    for count in (1, 3, len(CANDIDATES)):
        assert len(fit(x, won, None, Recipe(search_candidates=count)).report["search"]) == count


def test_the_search_chooses_the_same_model_on_a_busy_machine(monkeypatch):
    import itertools
    import time

    x, won, dates = _leads()
    quiet = fit(x, won, dates, Recipe(search_candidates=3))
    ticks = itertools.count(step=60.0)  # every look at the clock: a minute later
    monkeypatch.setattr(time, "perf_counter", lambda: next(ticks))
    monkeypatch.setattr(time, "monotonic", lambda: next(ticks))
    busy = fit(x, won, dates, Recipe(search_candidates=3))
    assert len(busy.report["search"]) == len(quiet.report["search"]) == 3
    assert np.array_equal(busy.model.predict(x), quiet.model.predict(x))


def test_contributions_add_up_to_the_blended_score_before_calibration():
    x, won, dates = _leads()
    model = fit(x, won, dates, Recipe(search_candidates=1)).model
    assert sum(w > 0 for w in model.weights) >= 1
    assert np.allclose(model.contributions(x).sum(axis=1), model.raw_score(x), atol=1e-6)
    shares = model.importance(x)
    assert abs(sum(shares.values()) - 1) < 1e-9
    assert shares["noise"] < shares["visits"]


def test_probabilities_average_the_win_rate_and_rank_leads_on_a_holdout():
    x, won, dates = _leads(1500, seed=1)
    shipped, judgement = train_and_judge(x, won, dates, 0.2, Recipe(search_candidates=1))
    holdout = shipped.report["holdout"]
    assert holdout["roc_auc"] > 0.6
    assert abs(judgement["probability"].mean() - judgement["won"].mean()) < 0.06
    assert shipped.report["rows"] == {"train": 1200, "holdout": 300}
    assert dates[judgement["rows"]].min() >= dates[np.setdiff1d(np.arange(1500),
                                                                judgement["rows"])].max()
    assert set(shipped.report["calibration_brier"]) == {"platt", "isotonic"}
    deciles = shipped.report["holdout_reliability"]
    assert len(deciles) == 10 and sum(d["leads"] for d in deciles) == 300


def test_a_part_that_ranks_validation_leads_backwards_gets_no_weight_in_the_blend():
    rng = np.random.default_rng(3)
    won = (rng.random(2000) < 0.1).astype(float)
    backwards = -2.0 * won + rng.normal(size=2000)  # lower for the wins: learned the wrong way
    weak = 0.3 * won + rng.normal(size=2000)  # ranks them the right way, a little
    parts = np.column_stack([weak, backwards, rng.normal(size=2000)])
    weights = blend_weights(parts, won)
    assert weights[1] == 0.0
    assert min(weights) >= 0.0 and weights[0] > 0.0
    alone = blend_weights(parts[:, [1]], won)  # never turned upside down, even on its own
    assert alone == (0.0,)
