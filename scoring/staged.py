"""Pure: how many of a booster's trees to keep, judged on rows it did not learn from.

For boosters trained without early stopping (lightgbm.dask has none): the log loss of the
first k trees on later rows, every `step` trees, and the booster cut to the best k.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import log_loss

__all__ = ["best_tree_count", "staged_log_loss", "truncated"]


def staged_log_loss(booster: lgb.Booster, x: pd.DataFrame, won: np.ndarray,
                    step: int = 10) -> dict[int, float]:
    """Log loss on (`x`, `won`) of the booster's first k trees, for k = step, 2 step, ... and
    the last tree count; each block of trees is predicted once and its raw scores added up.

    >>> import numpy as np, pandas as pd, lightgbm as lgb
    >>> x = pd.DataFrame({"a": np.arange(200.0)}); won = (x["a"] > 100).to_numpy(float)
    >>> booster = lgb.train({"objective": "binary", "verbosity": -1, "min_data_in_leaf": 5},
    ...                     lgb.Dataset(x, won), num_boost_round=25)
    >>> sorted(staged_log_loss(booster, x, won, step=10))
    [10, 20, 25]
    """
    total = booster.num_trees()
    raw = np.zeros(len(x))
    losses: dict[int, float] = {}
    for start in range(0, total, step):
        count = min(step, total - start)
        raw = raw + booster.predict(x, raw_score=True, start_iteration=start,
                                    num_iteration=count)
        losses[start + count] = float(log_loss(won, 1 / (1 + np.exp(-raw)), labels=[0, 1]))
    return losses


def best_tree_count(losses: dict[int, float]) -> int:
    """The smallest tree count with the lowest log loss."""
    return min(losses, key=lambda trees: (losses[trees], trees))


def truncated(booster: lgb.Booster, trees: int) -> lgb.Booster:
    """A booster of the first `trees` trees only (its pandas categories kept)."""
    return lgb.Booster(model_str=booster.model_to_string(num_iteration=trees))
