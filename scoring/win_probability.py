"""Win probabilities as pricing keeps them (to 0.01 %, exactly) and the expected values of many
leads worked out from them: probability x the reference ACV, half-up to the cent, in integer
basis points and cents where a probability is plain (scoring.pricing.quote_leads)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from scoring.arrow_money import cents_decimals, exact_column

CENT = Decimal("0.01")
PROBABILITY_PLACES = 4  # win probabilities are kept to 0.01 % (0.4217 = 42.17 %)


def kept_probability(p: Any) -> Decimal:
    if pd.isna(p):
        raise ValueError("win_probability is missing")
    return Decimal(str(round(float(p), PROBABILITY_PLACES)))


def basis_points(p: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each probability in 1/10000 (what ``kept_probability`` keeps, exactly), and where that
    is plain: finite, 0 to 1, not -0 and not within a hair of a tie (elsewhere:
    ``kept_probability``)."""
    try:
        x = p.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return np.zeros(len(p), dtype=np.int64), np.zeros(len(p), dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 10 ** PROBABILITY_PLACES
        basis = np.rint(scaled)
        plain = (np.isfinite(scaled) & (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6)
                 & (basis >= 0) & (basis <= 10 ** PROBABILITY_PLACES) & ~np.signbit(basis))
    return np.where(plain, basis, 0).astype(np.int64), plain


def expected_values(cents: np.ndarray, basis: np.ndarray, plain: np.ndarray,
                    probability: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """round(probability x reference ACV) half-up to the cent, for each lead (its reference ACV
    in whole `cents`; `basis` and `plain` from `basis_points`; `probability` a Decimal where not
    plain), as exact Arrow decimals of two places: in integers (basis points x cents) where
    both are plain and the ACV is not negative, else in Decimal."""
    plain = plain & (cents >= 0)
    half = 10 ** PROBABILITY_PLACES // 2
    values = np.where(plain, (basis * cents + half) // (2 * half), 0)
    for i in np.flatnonzero(~plain):
        share = probability[i] if probability[i] is not None else Decimal(int(basis[i])).scaleb(
            -PROBABILITY_PLACES)
        amount = share * Decimal(int(cents[i])).scaleb(-2)
        values[i] = int(amount.quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))
    return exact_column(cents_decimals(values))
