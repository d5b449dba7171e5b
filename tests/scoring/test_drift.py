"""Population stability index between the training data and today's leads."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.drift import drifted, profile, psi


def _leads(n: int, shift: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"visits": rng.poisson(3 + shift, n).astype(float),
                         "country": pd.Categorical(rng.choice(["FR", "BE"], n,
                                                              p=[0.8, 0.2]))})


def test_the_same_population_is_stable_and_a_shifted_one_is_named():
    train = _leads(3000, 0, 1)
    reference = profile(train, np.linspace(0, 1, 3000))
    same = psi(reference, _leads(500, 0, 2), np.linspace(0, 1, 500))
    assert max(same.values()) < 0.1
    moved = psi(reference, _leads(500, 4, 3), np.linspace(0.5, 1, 500))
    assert moved["visits"] > 0.2 and moved["score"] > 0.2 and moved["country"] < 0.1
    assert drifted(moved) == sorted(["visits", "score"], key=lambda n: -moved[n])


def test_a_category_never_seen_in_training_counts_as_drift():
    reference = profile(pd.DataFrame({"source": ["web"] * 100}), np.zeros(100))
    today = pd.DataFrame({"source": ["partner"] * 50})
    assert psi(reference, today, np.zeros(50))["source"] > 1
