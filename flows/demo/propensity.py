"""The hidden engagement and win propensity of the demo data (pure numpy; see `flows.demo.data`).

Nothing in the pipeline may import this module: it is the answer key the model has to rediscover.
Like real lead data it is not purely additive: engagement saturates and fades once a lead goes
quiet, a buying signal is a threshold, and both are worth more the better the fit (fit x intent,
recency x activity), so the model's trees have something to find that a regression cannot.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from features.columns import EVENT_TYPES

DAY = 86_400  # seconds
WINDOWS_DAYS: tuple[int, ...] = (7, 30, 90)

# (title, seniority, department, language, gender "m"/"f"/"" for either, weight).
# General management (CEO, Gérant, Founder...) counts as operations here, while the pipeline's
# features/titles.py reads it as "other": the model has to learn that c_level x other is good.
TITLES: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("PDG", "c_level", "operations", "fr", "", 2),
    ("Directeur général", "c_level", "operations", "fr", "m", 2),
    ("Directrice générale", "c_level", "operations", "fr", "f", 1),
    ("Gérant", "c_level", "operations", "fr", "m", 3),
    ("Gérante", "c_level", "operations", "fr", "f", 1.5),
    ("DSI", "c_level", "it", "fr", "", 2),
    ("Directeur commercial", "director", "sales", "fr", "m", 5),
    ("Directrice commerciale", "director", "sales", "fr", "f", 3),
    ("Directeur des ventes", "director", "sales", "fr", "m", 2),
    ("Directrice financière", "director", "finance", "fr", "f", 2),
    ("Directeur financier", "director", "finance", "fr", "m", 2),
    ("Directeur des opérations", "director", "operations", "fr", "m", 2),
    ("Directrice marketing", "director", "marketing", "fr", "f", 2),
    ("Responsable commercial", "manager", "sales", "fr", "", 5),
    ("Responsable ADV", "manager", "sales", "fr", "", 3),
    ("Responsable marketing", "manager", "marketing", "fr", "", 5),
    ("Responsable RH", "manager", "other", "fr", "", 3),
    ("Responsable des achats", "manager", "operations", "fr", "", 2),
    ("Chef de projet IT", "manager", "it", "fr", "", 4),
    ("Chef des ventes", "manager", "sales", "fr", "", 3),
    ("Commercial", "individual", "sales", "fr", "m", 5),
    ("Commerciale", "individual", "sales", "fr", "f", 4),
    ("Chargée de clientèle", "individual", "sales", "fr", "f", 3),
    ("Comptable", "individual", "finance", "fr", "", 3),
    ("Contrôleur de gestion", "individual", "finance", "fr", "m", 2),
    ("Ingénieur systèmes", "individual", "it", "fr", "m", 2),
    ("Assistante de direction", "individual", "other", "fr", "f", 3),
    ("Office manager", "individual", "operations", "fr", "", 3),
    ("Stagiaire", "individual", "other", "fr", "", 3),
    ("Alternant commercial", "individual", "sales", "fr", "m", 2),
    ("CEO", "c_level", "operations", "en", "", 4),
    ("Founder", "c_level", "operations", "en", "", 2),
    ("COO", "c_level", "operations", "en", "", 1.5),
    ("CFO", "c_level", "finance", "en", "", 1.5),
    ("CTO", "c_level", "it", "en", "", 1.5),
    ("VP Sales", "vp_head", "sales", "en", "", 4),
    ("VP Marketing", "vp_head", "marketing", "en", "", 2),
    ("Head of Sales Ops", "vp_head", "sales", "en", "", 3),
    ("Head of IT", "vp_head", "it", "en", "", 2),
    ("Sales Director", "director", "sales", "en", "", 4),
    ("IT Director", "director", "it", "en", "", 2),
    ("Sales Manager", "manager", "sales", "en", "", 5),
    ("Marketing Manager", "manager", "marketing", "en", "", 5),
    ("Operations Manager", "manager", "operations", "en", "", 3),
    ("HR Manager", "manager", "other", "en", "", 3),
    ("Customer Success Manager", "individual", "sales", "en", "", 3),
    ("Sales Development Representative", "individual", "sales", "en", "", 5),
    ("Account Executive", "individual", "sales", "en", "", 4),
    ("Software Engineer", "individual", "it", "en", "", 3),
    ("Data Analyst", "individual", "it", "en", "", 2),
    ("Marketing Intern", "individual", "marketing", "en", "", 2),
    ("Intern", "individual", "other", "en", "", 2),
)
INTERN_TITLES = frozenset({"Stagiaire", "Alternant commercial", "Marketing Intern", "Intern"})

# Additive logit effects (see the table in `flows.demo.data`).
BASE = -3.3
NOISE_SD = 0.5
SIZE_EFFECT = {"1-10": -1.2, "11-50": -0.2, "51-200": 0.6, "201-500": 0.6, "501-1000": 0.1,
               "1000+": -0.3, "unknown": -0.3}
INDUSTRY_EFFECT = {"software": 0.6, "consulting": 0.3, "finance": 0.2, "logistics": 0.1,
                   "manufacturing": 0.0, "retail": -0.2, "healthcare": -0.3, "education": -0.7}
COUNTRY_EFFECT = {"FR": 0.3, "BE": 0.2, "CH": 0.2, "DE": -0.3, "ES": -0.3, "UK": -0.4, "US": -0.6}
SENIORITY_EFFECT = {"c_level": 0.5, "vp_head": 0.6, "director": 0.5, "manager": 0.1,
                    "individual": -0.4, "unknown": -0.3}
DEPARTMENT_EFFECT = {"sales": 0.5, "operations": 0.4, "it": 0.0, "finance": 0.0,
                     "marketing": -0.1, "other": -0.6}
EMAIL_EFFECT = {"corporate": 0.0, "free": -0.6, "disposable": -2.0, "missing": -0.5}
SOURCE_EFFECT = {"demo_request": 0.8, "partner": 0.6, "webinar": 0.2, "web_form": 0.0,
                 "event": -0.3, "outbound": -0.5}
INTERN_EFFECT = -0.8  # on top of "individual": unobservable from the seniority feature alone
MISSING_EFFECT = -0.12  # per missing profile field
YOUNG_COMPANY_EFFECT = -0.3  # founded less than 3 years before the lead came in
EVENT_WEIGHT = {"page_view": 0.08, "pricing_page": 0.7, "docs": 0.4, "demo_request": 1.0,
                "webinar_attended": 0.4, "email_open": 0.06, "email_click": 0.25}
WINDOW_WEIGHT = (0.5, 0.3, 0.2)  # for the 7, 30 and 90 days before the scoring moment
NO_EVENT_DAYS = 120.0  # days since last event when there was none
# Not additive (see `flows.demo.data`): saturation, a recency threshold, fit x intent.
ENGAGEMENT_CAP = 2.0  # engagement saturates: E counts as CAP x tanh(E / CAP)
FRESH_DAYS = 1.0  # engagement counts in full while the last event is at most this old...
FADE_DAYS = 2.0  # ...then fades by a factor e every FADE_DAYS days (recency x activity)
FIT_PIVOT = 0.5  # fit gate: sigmoid(2 x (fit - FIT_PIVOT)), from 0 (poor fit) to 1 (good fit)
ENGAGEMENT_FIT = 0.5  # engagement is worth 1 -/+ this for the poorest/best fit (fit x activity)
INTENT_EFFECT = 1.5  # buying signal: >= 2 pricing page views in 30 days or a demo request in
# 90 days, worth INTENT_EFFECT x the fit gate (fit x intent)

# Latent engagement: source shift of the log intensity, and event-type mixes (order of
# EVENT_TYPES): before scoring (low/high intent), then follow-up events.
SOURCE_INTENSITY = {"web_form": 0.0, "demo_request": 0.3, "webinar": 0.2, "partner": 0.0,
                    "outbound": -0.6, "event": -0.2}
MIX_LOW = (0.45, 0.03, 0.07, 0.005, 0.02, 0.35, 0.075)
MIX_HIGH = (0.25, 0.20, 0.18, 0.05, 0.07, 0.12, 0.13)
MIX_WON = (0.20, 0.15, 0.20, 0.03, 0.04, 0.20, 0.18)
MIX_LOST = (0.35, 0.05, 0.08, 0.01, 0.03, 0.38, 0.10)


def lookup(table: Mapping[str, float], values: np.ndarray) -> np.ndarray:
    """Map an array of category labels to their effects (KeyError on an unknown label)."""
    keys = np.array(list(table))
    effects = np.array(list(table.values()), dtype=float)
    order = np.argsort(keys)
    pos = np.searchsorted(keys[order], values)
    pos = np.clip(pos, 0, len(keys) - 1)
    if not np.all(keys[order][pos] == values):
        raise KeyError(f"unknown labels: {sorted(set(values) - set(table))}")
    return effects[order][pos]


def size_band(employees: np.ndarray) -> np.ndarray:
    """Size band label of each head count (NaN gives "unknown")."""
    edges = np.array([10, 50, 200, 500, 1000])
    labels = np.array(["1-10", "11-50", "51-200", "201-500", "501-1000", "1000+"])
    band = labels[np.searchsorted(edges, np.nan_to_num(employees, nan=1), side="left")]
    return np.where(np.isnan(employees), "unknown", band)


def window_counts(
    lead: np.ndarray, kind: np.ndarray, seconds_before: np.ndarray, n_leads: int
) -> np.ndarray:
    """Count events per lead, event type and look-back window.

    Args:
        lead: Lead index of each event.
        kind: Index of each event's type in `EVENT_TYPES`.
        seconds_before: Scoring moment minus occurrence time, in seconds (> 0).
        n_leads: Number of leads.

    Returns:
        Array of shape (n_leads, len(EVENT_TYPES), len(WINDOWS_DAYS)).
    """
    n_types = len(EVENT_TYPES)
    cell = lead * n_types + kind
    counts = [
        np.bincount(cell, weights=seconds_before <= w * DAY, minlength=n_leads * n_types)
        for w in WINDOWS_DAYS
    ]
    return np.stack(counts, axis=-1).reshape(n_leads, n_types, len(WINDOWS_DAYS))


def fit_gate(fit: np.ndarray) -> np.ndarray:
    """How well a lead fits, from 0 to 1: what engagement and buying signals are worth."""
    return sigmoid(2.0 * (fit - FIT_PIVOT))


def engagement_logit(counts: np.ndarray, days_since_last: np.ndarray,
                     fit: np.ndarray) -> np.ndarray:
    """Engagement term: type- and window-weighted log1p counts, saturated, faded by the days
    since the last event (full up to FRESH_DAYS) and scaled by the fit gate."""
    type_w = np.array([EVENT_WEIGHT[t] for t in EVENT_TYPES])
    weights = type_w[:, None] * np.array(WINDOW_WEIGHT)[None, :]
    engagement = (np.log1p(counts) * weights).sum(axis=(1, 2))
    days = np.nan_to_num(days_since_last, nan=NO_EVENT_DAYS)
    fade = np.exp(-np.clip(days - FRESH_DAYS, 0.0, None) / FADE_DAYS)
    scale = 1.0 + ENGAGEMENT_FIT * (2.0 * fit_gate(fit) - 1.0)
    return ENGAGEMENT_CAP * np.tanh(engagement / ENGAGEMENT_CAP) * fade * scale


def intent_logit(counts: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """Buying-signal term: a step on pricing views and demo requests, worth more the better the
    fit (a poor-fit lead reading the pricing page is rarely a buyer)."""
    pricing_30d = counts[:, EVENT_TYPES.index("pricing_page"), WINDOWS_DAYS.index(30)]
    demo_90d = counts[:, EVENT_TYPES.index("demo_request"), WINDOWS_DAYS.index(90)]
    signal = (pricing_30d >= 2) | (demo_90d >= 1)
    return INTENT_EFFECT * signal * fit_gate(fit)


def fit_logit(
    band: np.ndarray,
    industry: np.ndarray,
    country: np.ndarray,
    seniority: np.ndarray,
    department: np.ndarray,
    email_kind: np.ndarray,
    intern: np.ndarray,
    n_missing: np.ndarray,
    young: np.ndarray,
) -> np.ndarray:
    """Firmographic and contact fit term of the logit (see `flows.demo.data`)."""
    return (
        lookup(SIZE_EFFECT, band)
        + lookup(INDUSTRY_EFFECT, industry)
        + lookup(COUNTRY_EFFECT, country)
        + lookup(SENIORITY_EFFECT, seniority)
        + lookup(DEPARTMENT_EFFECT, department)
        + lookup(EMAIL_EFFECT, email_kind)
        + INTERN_EFFECT * intern
        + MISSING_EFFECT * n_missing
        + YOUNG_COMPANY_EFFECT * young
    )


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def pick(rng: np.random.Generator, mixes: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Draw one event type per event from the mix in `mixes[row]` (vectorised inverse CDF)."""
    cdf = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(row))[:, None]
    return np.minimum((u > cdf[row]).sum(axis=1), mixes.shape[1] - 1)


def events_before(
    rng: np.random.Generator, created: np.ndarray, scoring: np.ndarray,
    log_intensity: np.ndarray, source: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw each lead's events from 90 days before its creation to just before its scoring moment.

    Args:
        rng: Random generator.
        created: Creation time of each lead (epoch seconds).
        scoring: Scoring moment of each lead (epoch seconds).
        log_intensity: Latent log of the expected event count of each lead.
        source: Source of each lead; a form source also logs its own event at created_at.

    Returns:
        Lead index, event type index (in `EVENT_TYPES`) and time (epoch seconds) of each event.
    """
    n = len(created)
    lead = np.repeat(np.arange(n), rng.poisson(np.exp(log_intensity)))
    window = (scoring - created + 90 * DAY)[lead]
    scale = np.exp(rng.normal(np.log(10.0), 0.8, n))[lead] * DAY
    u = rng.random(len(lead))
    seconds = -scale * np.log1p(-u * (1.0 - np.exp(-window / scale)))  # truncated exponential
    before = np.clip(np.ceil(seconds).astype(np.int64), 1, window)
    intent = sigmoid(rng.normal(-1.2, 0.9, n) + 0.4 * (log_intensity - log_intensity.mean()))
    kind = pick(rng, np.array([MIX_LOW, MIX_HIGH]), (rng.random(len(lead)) < intent[lead]) * 1)
    form = {"demo_request": "demo_request", "webinar": "webinar_attended", "web_form": "page_view"}
    form_lead = np.flatnonzero(np.isin(source, list(form)))
    form_kind = np.select([source[form_lead] == s for s in form],
                          [EVENT_TYPES.index(t) for t in form.values()])
    return (np.concatenate([lead, form_lead]), np.concatenate([kind, form_kind]),
            np.concatenate([scoring[lead] - before, created[form_lead]]))


def follow_ups(
    rng: np.random.Generator, scoring: np.ndarray, closed: np.ndarray,
    log_intensity: np.ndarray, won: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw closed leads' events from the scoring moment to closed_at; won deals get more.

    Args:
        rng: Random generator.
        scoring: Scoring moment of each closed lead (epoch seconds).
        closed: Closing time of each closed lead (epoch seconds).
        log_intensity: Latent log intensity (only the first `len(won)` values are used).
        won: Outcome of each closed lead.

    Returns:
        Lead index, event type index and time of each event, in [scoring, closed).
    """
    rate = np.exp(log_intensity[: len(won)]) / 45.0 * np.where(won, 1.8, 1.0)
    lead = np.repeat(np.arange(len(won)), rng.poisson(rate * (closed - scoring) / DAY))
    offset = (rng.random(len(lead)) * (closed - scoring)[lead]).astype(np.int64)
    kind = pick(rng, np.array([MIX_LOST, MIX_WON]), won[lead] * 1)
    return lead, kind, scoring[lead] + offset
