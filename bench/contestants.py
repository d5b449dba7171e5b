"""The contestants of the model-quality benchmark, each `fit(x, won, order) -> predict(x)`.

Every contestant receives the same matrix (float64 numerics with NaN, `category` columns) and the
same folds. Only leadpilot's default training is leadpilot code; the others are what a data
scientist would set up in an afternoon.
"""

from __future__ import annotations

from collections.abc import Callable

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegressionCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from scoring.learner import Recipe, fit

Predictor = Callable[[pd.DataFrame], np.ndarray]


def _categorical(x: pd.DataFrame) -> list[str]:
    return [c for c in x.columns if isinstance(x[c].dtype, pd.CategoricalDtype)]


def leadpilot(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None,
              seed: int = 42) -> Predictor:
    """leadpilot's default training (scoring.learner.fit), unchanged."""
    return fit(x, won, order, Recipe(seed=seed)).model.predict


def logistic_regression(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None,
                        seed: int = 42) -> Predictor:
    """One-hot categories, median-imputed and scaled numerics, C tuned by 3-fold log loss."""
    categorical = _categorical(x)
    numeric = [c for c in x.columns if c not in categorical]
    prepare = ColumnTransformer([
        ("categories", OneHotEncoder(handle_unknown="ignore", min_frequency=5), categorical),
        ("numbers", make_pipeline(SimpleImputer(strategy="median", add_indicator=True,
                                                keep_empty_features=True),
                                  StandardScaler()), numeric),
    ])
    model = make_pipeline(prepare, LogisticRegressionCV(
        Cs=np.logspace(-3, 2, 11).tolist(), cv=3, scoring="neg_log_loss", max_iter=2000,
        l1_ratios=(0.0,), use_legacy_attributes=False, random_state=seed))

    def _text(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.astype({c: object for c in categorical})

    model.fit(_text(x), won)
    return lambda frame: model.predict_proba(_text(frame))[:, 1]


def naive_bayes(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None,
                seed: int = 42) -> Predictor:
    """Odoo-style predictive lead scoring: per-value won/lost frequencies, naive Bayes.

    As in Odoo's CRM, each field value is a category of its own (numbers included, as the
    text of their value; "empty" counts too), P(value | won) and P(value | lost) are its
    frequencies with +1 smoothing, and the fields are combined as independent. A value never
    seen in training is skipped, as Odoo's `_pls_get_naive_bayes_probabilities` skips a value
    missing from its frequency table (scoring it with the +1 smoothing instead would add
    log(losses / wins) per such field, about +2 at a 1-in-10 win rate).
    """
    y = np.asarray(won, dtype=float)

    def _values(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.astype(object).where(frame.notna(), "empty").astype(str)

    train = _values(x)
    wins, losses = y.sum(), len(y) - y.sum()
    tables = {}
    for c in train.columns:
        counts = pd.crosstab(train[c], y).reindex(columns=[0.0, 1.0], fill_value=0)
        k = len(counts) + 1
        tables[c] = (np.log((counts[1.0] + 1) / (wins + k))
                     - np.log((counts[0.0] + 1) / (losses + k)))

    def predict(frame: pd.DataFrame) -> np.ndarray:
        values = _values(frame)
        log_odds = np.full(len(frame), np.log(wins / losses))
        for c, log_ratio in tables.items():
            log_odds += values[c].map(log_ratio).fillna(0.0).to_numpy(dtype=float)
        return 1 / (1 + np.exp(-log_odds))

    return predict


def lightgbm_defaults(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None,
                      seed: int = 42) -> Predictor:
    """LightGBM with its default parameters (100 trees, 31 leaves, learning rate 0.1); one
    thread on small data, as leadpilot's own training (threads only wait there)."""
    model = lgb.LGBMClassifier(random_state=seed, deterministic=True, force_row_wise=True,
                               n_jobs=1 if len(x) < 20000 else 2, verbosity=-1)
    model.fit(x, won)
    return lambda frame: model.predict_proba(frame)[:, 1]


def hist_gradient_boosting(x: pd.DataFrame, won: np.ndarray, order: np.ndarray | None,
                           seed: int = 42) -> Predictor:
    """scikit-learn's HistGradientBoostingClassifier with its defaults (categories from the
    dtype, early stopping on a 10 % split above 10,000 rows)."""
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    model.fit(x, won)
    return lambda frame: model.predict_proba(frame)[:, 1]


CONTESTANTS: dict[str, Callable[..., Predictor]] = {
    "leadpilot default": leadpilot,
    "logistic regression": logistic_regression,
    "naive Bayes (Odoo-style)": naive_bayes,
    "LightGBM defaults": lightgbm_defaults,
    "HistGradientBoosting": hist_gradient_boosting,
}
