"""scoring/linear.py: the regression's design matrix, read off category codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring import linear


def test_a_level_term_marks_the_rows_whose_value_equals_it_as_python_compares_them():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({
        "country": pd.Categorical(rng.choice(["FR", "DE", None, "US"], 500),
                                  categories=["FR", "DE", "US", "JP"]),  # JP: no row
        "size": pd.Categorical(rng.choice([1, 2, 3], 500)),  # not text: "2" is not 2
        "plain": pd.Series(rng.choice(["a", "b"], 500), dtype=object)})
    for column, level in [("country", "FR"), ("country", "JP"), ("country", "nan"),
                          ("size", "2"), ("plain", "a")]:
        expected = x[column].astype(object).to_numpy() == level
        assert linear._is_level(x[column], level).tolist() == expected.tolist(), level
    assert linear._is_level(x["country"], "DE").sum() == (x["country"] == "DE").sum() > 0


def test_a_fitted_regression_explains_each_lead_by_its_terms_adding_up_to_its_score():
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"country": pd.Categorical(rng.choice(["FR", "DE", "US", None], 2000)),
                      "events": rng.poisson(3, 2000).astype(float)})
    won = ((x["country"] == "FR").to_numpy() | (x["events"] > 4).to_numpy()).astype(float)
    model = linear.fit_linear(x, won, 1.0)
    raw, contributions = model.explained(x)
    assert np.abs(contributions.sum(axis=1) - raw).max() < 1e-9
    fr = (x["country"] == "FR").to_numpy()
    assert contributions[fr, 0].mean() > contributions[~fr, 0].mean()  # FR wins more
