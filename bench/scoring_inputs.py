"""Realistic inputs for the per-lead scoring steps (talking points, pricing, reasons), built from
the demo generator (flows/demo/data.py): its people, companies, sources and activities, with
the counts computed as of the run date's midnight, and enriched facts and model contributions
drawn at random. Shared by bench/scoring_steps.py and tests/scoring (a seed gives the same frame).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from features.columns import FEATURE_NAMES, FEATURES
from features.facts import PLAYBOOK_FACTS
from flows.demo.data import generate
from scoring.talking_points import LEAD_COLUMNS

ANCHOR = date(2026, 11, 27)
_COUNTS = {  # column: (event type or None for all, days)
    "events_7d": (None, 7), "events_30d": (None, 30), "events_90d": (None, 90),
    "pricing_views_7d": ("pricing_page", 7), "pricing_views_30d": ("pricing_page", 30),
    "demo_requests_90d": ("demo_request", 90), "webinars_90d": ("webinar_attended", 90),
    "docs_views_30d": ("docs", 30), "email_clicks_30d": ("email_click", 30),
}
_CHOICES = {
    "seniority": ("c_level", "vp_head", "director", "manager", "individual", "unknown"),
    "department": ("sales", "marketing", "it", "finance", "operations", "other"),
    "email_kind": ("corporate", "free", "disposable", "missing"),
    "plan": ("Starter", "Team", "Business", None),
}
_FACT_VALUES = {
    "headcount_band": ("unknown", "10-19", "50-99", "250-499"),
    "company_category": ("unknown", "PME", "ETI", "GE"), "naf_section": ("unknown", "J", "M"),
    "web_stack": ("unknown", "crm", "marketing_automation", "ecommerce"),
    "establishments": (None, "2", "7", "31"), "naf_code": (None, "62.01Z", "70.22Z"),
    "naf_label": (None, "Programmation informatique", "Conseil pour les affaires"),
    "hq_city": (None, "Lyon", "Nantes"), "creation_date": (None, "2004-03-01", "2019-09-12"),
    "tech_hints": (None, "HubSpot, WordPress", "Shopify"),
    "site_description": (None, "Logiciels de paie pour PME.", "Conseil & intégration"),
    "industry_label": (None, "Computer Software", "Logistics"),
}
_PROVIDERS = ("registry", "website", "clearbit")
_CHUNK = 5000


def open_leads(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` open leads with every playbook column (LEAD_COLUMNS), as load_features gives them."""
    rng = np.random.default_rng(seed)
    chunks = [_demo_chunk(min(_CHUNK, n - start), seed + start) for start in range(0, n, _CHUNK)]
    frame = pd.concat(chunks, ignore_index=True)
    frame["lead_id"] = [f"L{i:07d}" for i in range(1, len(frame) + 1)]
    m = len(frame)
    frame["employees"] = pd.to_numeric(frame["employees"], errors="coerce")
    frame["size_band"] = pd.cut(frame["employees"], [0, 10, 50, 200, 500, 1000, np.inf],
                                labels=["1-10", "11-50", "51-200", "201-500", "501-1000",
                                        "1000+"]).astype(object).fillna("unknown")
    for column, values in _CHOICES.items():
        frame[column] = np.asarray(values, dtype=object)[rng.integers(len(values), size=m)]
    frame["seats"] = np.where(frame["plan"].isna(), np.nan, rng.integers(1, 60, m).astype(float))
    for fact in PLAYBOOK_FACTS:
        values = np.asarray(_FACT_VALUES.get(fact, (None, "x")), dtype=object)
        frame[fact] = values[rng.integers(len(values), size=m)]
        known = ~pd.isna(frame[fact]) & (frame[fact] != "unknown")
        frame[f"{fact}_by"] = np.where(known, np.asarray(_PROVIDERS, dtype=object)[
            rng.integers(3, size=m)], None)
        frame[f"{fact}_on"] = np.where(known, "2026-11-2" + pd.Series(
            rng.integers(0, 7, m)).astype(str), None)
    frame["enriched_facts"] = None
    frame.loc[rng.random(m) < 0.05, "title"] = None  # some leads have no title, no company
    frame.loc[rng.random(m) < 0.05, "company"] = " "
    return frame.reindex(columns=list(LEAD_COLUMNS))


def _demo_chunk(n: int, seed: int) -> pd.DataFrame:
    """Open demo leads with their company and activity counts (the generator makes at most a few
    thousand distinct companies per call)."""
    data = generate(ANCHOR, seed=seed, n_history=20, n_open=n)
    leads = data.leads[data.leads["status"] == "open"].head(n).reset_index(drop=True)
    frame = leads.merge(data.companies.rename(columns={"name": "company"}), on="company_id",
                        how="left")
    frame["created_at"] = pd.to_datetime(frame["created_at"], errors="coerce")
    return frame.join(_activity_counts(data.activities, frame["lead_id"]), on="lead_id")


def _activity_counts(activities: pd.DataFrame, lead_ids: pd.Series) -> pd.DataFrame:
    events = activities.assign(occurred_at=pd.to_datetime(activities["occurred_at"]))
    midnight = pd.Timestamp(ANCHOR)
    events = events[events["occurred_at"] < midnight]
    age = (midnight - events["occurred_at"]).dt.total_seconds() / 86400
    counts = {}
    for column, (kind, days) in _COUNTS.items():
        chosen = events[(age < days) & ((events["event_type"] == kind) if kind else True)]
        counts[column] = chosen.groupby("lead_id").size()
    last = events[age < 90].sort_values("occurred_at").groupby("lead_id").tail(1)
    frame = pd.DataFrame(counts).reindex(lead_ids.to_numpy()).fillna(0.0)
    frame["last_event_at"] = last.set_index("lead_id")["occurred_at"]
    frame["last_event_type"] = last.set_index("lead_id")["event_type"]
    return frame


def priced_leads(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` leads as the price step reads them: lead_id, employees, grade, probability, country."""
    rng = np.random.default_rng(seed)
    leads = open_leads(n, seed)
    p = rng.beta(2, 5, len(leads))
    grades = np.select([p >= 0.5, p >= 0.3, p >= 0.15], ["A", "B", "C"], "D")
    return pd.DataFrame({"lead_id": leads["lead_id"],
                         "employees": leads["employees"].astype("Int64"),
                         "grade": grades, "win_probability": p, "country": leads["country"]})


def scored_features(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """`n` leads' FEATURES values and contributions shaped like LightGBM's pred_contrib."""
    rng = np.random.default_rng(seed)
    leads = open_leads(n, seed)
    m = len(leads)
    features = pd.DataFrame(index=leads.index)
    for feature in FEATURES:
        if feature.name in leads:
            features[feature.name] = leads[feature.name]
        elif feature.kind == "categorical":
            features[feature.name] = np.asarray(["unknown", "a", "b"], dtype=object)[
                rng.integers(3, size=m)]
        else:
            values = np.round(rng.gamma(2.0, 3.0, m), int(rng.integers(0, 3)))
            features[feature.name] = np.where(rng.random(m) < 0.1, np.nan, values)
    if "completeness" in features:
        features["completeness"] = np.round(rng.random(m), 2)
    contributions = rng.normal(0.0, 0.3, (m, len(FEATURE_NAMES) + 1))
    contributions[rng.random(contributions.shape) < 0.2] = 0.0
    return features.reset_index(drop=True), contributions
