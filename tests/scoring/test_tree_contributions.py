"""Contributions of small trees worked out in numpy, against LightGBM's own pred_contrib."""

from __future__ import annotations

import dataclasses
import logging

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from lightgbm.basic import _data_from_pandas

from scoring.calibration import Calibrator
from scoring.linear import fit_linear
from scoring.model import Model
from scoring.tree_contributions import MAX_NODES, TreeContributions, lightgbm_matrix

COUNTRIES = ["FR", "DE", "US", "ES", "IT", "NL", "BE", "CH"]


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "events": rng.poisson(3, n).astype(np.float64),
        "views": rng.normal(0, 2, n).round(1),  # zeros among them: zero_as_missing splits
        "age": rng.uniform(0, 40, n),
        "country": pd.Categorical(rng.choice(COUNTRIES, n), categories=COUNTRIES),
        "size": pd.Categorical(rng.choice(["s", "m", "l"], n), categories=["s", "m", "l"]),
    })
    frame.loc[rng.random(n) < 0.15, "events"] = np.nan
    frame.loc[rng.random(n) < 0.1, "age"] = np.nan
    frame.loc[rng.random(n) < 0.1, "country"] = np.nan
    return frame


def _booster(frame: pd.DataFrame, seed: int, **params) -> lgb.Booster:
    rng = np.random.default_rng(seed)
    logit = (0.4 * frame["events"].fillna(-2) - 0.3 * frame["views"]
             + frame["country"].isin(["FR", "BE"]) - 0.02 * frame["age"].fillna(20))
    won = (rng.random(len(frame)) < 1 / (1 + np.exp(-logit + 1))).astype(int)
    return lgb.train({"objective": "binary", "verbose": -1, "seed": seed, "num_threads": 1,
                      "min_data_in_leaf": 20, "min_data_per_group": 5, "cat_smooth": 1,
                      **params}, lgb.Dataset(frame, won), num_boost_round=60)


@pytest.mark.parametrize("params", [
    {"num_leaves": 4, "max_depth": 2},
    {"num_leaves": 7, "max_depth": 3},
    {"num_leaves": 5, "zero_as_missing": True},  # missing type Zero: 0 and NaN go one way
    {"num_leaves": 4, "use_missing": False},  # missing type None: NaN read as 0
    {"num_leaves": 3, "min_data_in_leaf": 400},
])
def test_the_contributions_are_lightgbms_to_rounding(params):
    train, scored = _frame(3000, 1), _frame(5000, 2)
    scored.loc[:40, "country"] = np.nan  # and a category the trees never saw
    scored["country"] = scored["country"].cat.add_categories(["JP"])
    scored.loc[41:80, "country"] = "JP"
    booster = _booster(train, 3, **params)
    dump = booster.dump_model()
    trees = TreeContributions.of(dump)
    assert trees is not None
    kinds = {node["decision_type"] for tree in dump["tree_info"]
             for node in _nodes(tree["tree_structure"]) if "decision_type" in node}
    assert kinds == {"<=", "=="}  # numbers and categories both split
    expected = booster.predict(scored, pred_contrib=True)
    got = trees(lightgbm_matrix(scored, booster.pandas_categorical))
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-12
    assert got[:, -1].tolist() == expected[:, -1].tolist()  # the bias to the bit
    assert np.abs(got.sum(axis=1) - booster.predict(scored, raw_score=True)).max() < 1e-12
    raw, same = trees.explained(lightgbm_matrix(scored, booster.pandas_categorical))
    assert np.array_equal(same, got)
    # the leaves' values added in LightGBM's order: its raw score to the bit, on every lead
    assert raw.tolist() == booster.predict(scored, raw_score=True).tolist()


def test_a_tree_of_one_leaf_gives_the_bias_alone():
    booster = _booster(_frame(3000, 1), 3, num_leaves=3, min_data_in_leaf=1600)  # no split
    scored = _frame(300, 2)
    got = TreeContributions.of(booster.dump_model())(
        lightgbm_matrix(scored, booster.pandas_categorical))
    expected = booster.predict(scored, pred_contrib=True)
    assert np.array_equal(got, expected) and (got[:, -1] != 0).all()
    raw, _ = TreeContributions.of(booster.dump_model()).explained(
        lightgbm_matrix(scored, booster.pandas_categorical))
    assert raw.tolist() == booster.predict(scored, raw_score=True).tolist()


def test_linear_trees_are_left_to_lightgbm():
    frame = _frame(3000, 1)[["events", "views", "age"]]
    booster = lgb.train({"objective": "binary", "verbose": -1, "num_leaves": 4,
                         "linear_tree": True, "num_threads": 1},
                        lgb.Dataset(frame, (frame["views"] > 0).astype(int)), 5)
    assert TreeContributions.of(booster.dump_model()) is None


def test_larger_trees_are_left_to_lightgbm():
    booster = _booster(_frame(3000, 1), 3, num_leaves=MAX_NODES + 2)
    assert TreeContributions.of(booster.dump_model()) is None


def test_the_matrix_is_the_one_lightgbm_predicts_from():
    booster = _booster(_frame(2000, 1), 3, num_leaves=4)
    scored = _frame(500, 4)
    scored["country"] = scored["country"].cat.set_categories(["XX", *COUNTRIES[::-1]])
    expected = _data_from_pandas(scored, "auto", "auto", booster.pandas_categorical)[0]
    assert np.array_equal(lightgbm_matrix(scored, booster.pandas_categorical), expected,
                          equal_nan=True)
    narrow = scored.astype({"events": np.float32, "views": np.float32, "age": np.float32})
    expected = _data_from_pandas(narrow, "auto", "auto", booster.pandas_categorical)[0]
    got = lightgbm_matrix(narrow, booster.pandas_categorical)
    assert got.dtype == np.float64 and np.array_equal(got, expected, equal_nan=True)


def _nodes(node: dict):
    yield node
    for child in ("left_child", "right_child"):
        if child in node:
            yield from _nodes(node[child])


def _model(booster: lgb.Booster) -> Model:
    return Model(booster, Calibrator("platt", a=1.0, b=0.0), columns=tuple(FRAME_COLUMNS),
                 weights=(0.8, 0.0, 0.0))


FRAME_COLUMNS = ("events", "views", "age", "country", "size")


def test_a_model_explains_with_numpy_and_scores_as_before():
    booster = _booster(_frame(3000, 1), 3, num_leaves=4)
    model, scored = _model(booster), _frame(2000, 2)
    raw, contributions = model.explained(scored)
    assert raw.tolist() == model.raw_score(scored).tolist()  # the bits of every probability
    expected = 0.8 * booster.predict(scored, pred_contrib=True)
    assert np.abs(contributions - expected).max() < 1e-12
    assert model._trees  # the numpy way was taken
    probability, same = model.predicted(scored)
    assert probability.tolist() == model.predict(scored).tolist()
    assert np.array_equal(same, contributions)


def test_contributions_that_do_not_add_up_to_lightgbms_score_are_lightgbms_own(caplog):
    # another booster's trees turn differently: the rows would not add up to this one's score
    booster = _booster(_frame(3000, 1), 3, num_leaves=4)
    model, scored = _model(booster), _frame(500, 2)
    model._trees = TreeContributions.of(_booster(_frame(3000, 5), 6, num_leaves=4).dump_model())
    with caplog.at_level(logging.WARNING, logger="scoring.model"):
        raw, contributions = model.explained(scored)
    assert np.array_equal(contributions, 0.8 * booster.predict(scored, pred_contrib=True))
    assert raw.tolist() == model.raw_score(scored).tolist()
    # said, for whoever reads the run's log: a slower score step would be its only other trace
    [record] = caplog.records
    assert "another score than LightGBM" in record.getMessage()
    assert "of 32 checked leads" in record.getMessage()  # one in CHECK_EVERY (16) of 500


def test_a_lead_scored_otherwise_than_by_lightgbm_is_caught_where_checked(caplog):
    booster = _booster(_frame(3000, 1), 3, num_leaves=4)
    model, scored = _model(booster), _frame(500, 2)
    model._trees = TreeContributions.of(booster.dump_model())
    first = model._trees._trees[0]  # its leaves' values a hair off: every raw score differs,
    # while the contributions still add up to it (to 1e-9): only LightGBM's score tells
    model._trees._trees[0] = dataclasses.replace(first, outputs=first.outputs + 1e-12)
    with caplog.at_level(logging.WARNING, logger="scoring.model"):
        raw, contributions = model.explained(scored)
    assert raw.tolist() == (0.8 * booster.predict(scored, raw_score=True)).tolist()
    assert np.array_equal(contributions, 0.8 * booster.predict(scored, pred_contrib=True))
    assert len(caplog.records) == 1


def test_contributions_that_add_up_are_kept_without_a_word(caplog):
    booster = _booster(_frame(3000, 1), 3, num_leaves=4)
    with caplog.at_level(logging.WARNING, logger="scoring.model"):
        _model(booster).explained(_frame(500, 2))
    assert not caplog.records


def test_a_model_of_larger_trees_is_explained_by_lightgbm():
    booster = _booster(_frame(3000, 1), 3, num_leaves=15)
    model, scored = _model(booster), _frame(500, 2)
    _, contributions = model.explained(scored)
    assert model._trees is False
    assert np.array_equal(contributions, 0.8 * booster.predict(scored, pred_contrib=True))


def test_a_linear_part_gives_its_score_and_contributions_from_one_design():
    frame = _frame(1500, 1)
    won = (frame["events"].fillna(0) > 3).to_numpy().astype(float)
    linear = fit_linear(frame, won, 1.0)
    scored = _frame(400, 2)
    raw, contributions = linear.explained(scored)
    assert raw.tolist() == linear.raw_score(scored).tolist()
    assert contributions.tolist() == linear.contributions(scored).tolist()
