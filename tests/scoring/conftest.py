"""Tiny open leads for the scoring tests: a Belgian lead (French texts, accents), a lead whose
activity count is unknown (a null), and two leads with the same features (a duplicate)."""

from __future__ import annotations

import pandas as pd
import pytest

from features.columns import FEATURES


def lead_features(rows: dict[str, dict]) -> pd.DataFrame:
    """One feature row per lead id; every feature not given is "unknown" or 0."""
    defaults = {f.name: "unknown" if f.kind == "categorical" else 0.0 for f in FEATURES}
    return pd.DataFrame([{"lead_id": lead, **defaults, **values}
                         for lead, values in rows.items()])


@pytest.fixture
def open_leads() -> pd.DataFrame:
    return lead_features({
        "L1": {"country": "Belgique", "events_7d": 2.0},
        "L2": {"country": "DE", "events_7d": float("nan")},
        "L3": {"country": "US", "events_7d": 5.0, "email_kind": "disposable"},
        "L4": {"country": "US", "events_7d": 5.0, "email_kind": "disposable"},
    })
