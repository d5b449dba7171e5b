"""Deterministic demo data: a French sales-ops SaaS seller's CRM export, with a hidden answer key.

`generate(anchor, seed)` builds companies (`flows.demo.companies`), leads whose contacts come
from `flows.demo.contacts` (history closed won/lost, plus today's open leads and 3 malformed
rows) and activity events; `write_demo` writes them as the CSVs the intake step reads. Same
arguments, byte-identical CSVs.

The hidden propensity (constants in `flows.demo.propensity`, never read by the pipeline):

    p = sigmoid(base + fit + engagement + intent + source + noise),  outcome ~ Bernoulli(p)

Fit, source and noise add up; engagement and intent do not (real lead data has thresholds,
saturation and interactions, which is what the gradient-boosted trees of the model are for):

- base: -3.3 (a win rate near 23 %).
- fit: size band (1-10 -1.2, 11-50 -0.2, 51-200 and 201-500 +0.6, 501-1000 +0.1, 1000+ and
  unknown -0.3), industry (software +0.6, consulting +0.3, finance +0.2 ... education -0.7),
  country (FR +0.3, BE/CH +0.2, DE/ES -0.3, UK -0.4, US -0.6), seniority (VP/head +0.6,
  C-level/director +0.5, manager +0.1, individual -0.4, unknown -0.3; interns a further -0.8),
  department (sales +0.5, operations +0.4, IT/finance 0, marketing -0.1, other -0.6; general
  management counts as operations), email kind (free -0.6, disposable -2.0), -0.12 per missing
  profile field (employees, revenue, founded year, title, phone, CRM domain), -0.3 for a company
  under 3 years old. The fit gate g = sigmoid(2 x (fit - 0.5)) goes from 0 (poor fit) to 1.
- engagement: only the lead's events strictly before its scoring moment (created_at + 3 days,
  at most closed_at, for history; the anchor's midnight for open leads). For each event type and
  window w of 7/30/90 days (events with scoring - w days <= occurred_at < scoring):
  E = sum of weight(type) x (0.5, 0.3, 0.2)[w] x log1p(count), with weights demo_request 1.0,
  pricing_page 0.7, docs and webinar_attended 0.4, email_click 0.25, page_view 0.08,
  email_open 0.06. It saturates, fades once the lead goes quiet and counts more for a good fit:
  2 x tanh(E / 2) x exp(-max(0, d - 1) / 2) x (0.5 + g), d = days since the last event
  (120 if none): activity counts in full up to a day old, a third after 3 days
  (recency x activity), half for the poorest fit and 1.5 times for the best (fit x activity).
- intent: a buying signal (2 or more pricing page views in 30 days, or a demo request in 90
  days: a threshold) is worth 1.5 x g, nothing for a poor fit (fit x intent).
- source: demo_request +0.8, partner +0.6, webinar +0.2, web_form 0, event -0.3, outbound -0.5.
- noise: Normal(0, 0.5) per lead, unobservable, included in the stored true probability.

Events come first: a latent lognormal intensity per lead (weakly correlated with fit) drives a
Poisson count of events before the scoring moment; the engagement term counts those events; the
outcome is drawn; then follow-up events fill the time up to closed_at, more of them for won deals
(a pipeline that peeks past the scoring moment would look suspiciously good).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from features.columns import EVENT_TYPES, SOURCES
from flows.demo import propensity as hp
from flows.demo.companies import generate_companies
from flows.demo.contacts import generate_contacts

DAY = hp.DAY
MALFORMED_REASONS: tuple[str, ...] = ("invalid email", "invalid created_at", "empty source")
SOURCE_P = (0.30, 0.12, 0.13, 0.08, 0.25, 0.12)  # in the order of SOURCES
LEAD_COLUMNS = ("lead_id", "created_at", "first_name", "last_name", "title", "email", "phone",
                "company_id", "source", "status", "closed_at")


@dataclass(frozen=True, eq=False)
class DemoData:
    """The demo tables, as written to CSV by `write_demo`.

    Attributes:
        companies: One row per company (companies.csv).
        leads: Closed history, open leads, then the malformed rows (leads.csv).
        activities: Events sorted by time (activities.csv).
        truth: lead_id and true_win_probability of every valid lead; the answer key for tests
            and oracle metrics, never read by the pipeline (truth.csv).
        malformed_lead_ids: Ids of the last rows of `leads`, in the order of MALFORMED_REASONS.
    """

    companies: pd.DataFrame
    leads: pd.DataFrame
    activities: pd.DataFrame
    truth: pd.DataFrame
    malformed_lead_ids: tuple[str, ...] = ()


def generate(anchor: date, seed: int = 42, n_history: int = 3000, n_open: int = 300) -> DemoData:
    """Generate the demo CRM export as of `anchor` (a pure function of its arguments).

    Args:
        anchor: The run date; open leads arrive in the 5 days before its midnight (UTC).
        seed: Seed of `numpy.random.default_rng`.
        n_history: Number of closed (won or lost) leads over the 18 months before the anchor.
        n_open: Number of open leads.

    Returns:
        The tables. `leads` ends with 3 malformed rows listed in `malformed_lead_ids`.

    Example:
        >>> data = generate(date(2026, 11, 29), n_history=200, n_open=20)
        >>> int((data.leads["status"] == "open").sum()), data.malformed_lead_ids[0]
        (23, 'L000221')
    """
    rng = np.random.default_rng(seed)
    t0 = int(np.datetime64(date(anchor.year, anchor.month, anchor.day), "s").astype(np.int64))
    n = n_history + n_open
    companies, clean_domains = generate_companies(rng, max(20, round(0.6 * n)), anchor.year)
    created = _creation_times(rng, t0, n_history, n_open)
    scoring = np.where(np.arange(n) < n_history, created + 3 * DAY, t0)
    source = np.asarray(SOURCES)[rng.choice(len(SOURCES), n, p=SOURCE_P)]
    people = generate_contacts(rng, companies, clean_domains, n)
    fit = _fit(companies, people, created)
    fit_z = (fit - fit.mean()) / (fit.std() + 1e-9)
    log_intensity = (2.0 + 0.35 * fit_z + hp.lookup(hp.SOURCE_INTENSITY, source)
                     + rng.normal(0.0, 1.1, n))
    lead, kind, when = hp.events_before(rng, created, scoring, log_intensity, source)
    p = hp.sigmoid(_logit(rng, fit, source, lead, kind, scoring[lead] - when))
    won = rng.random(n_history) < p[:n_history]
    closed = _closing_times(rng, won, created[:n_history], t0)
    f_lead, f_kind, f_when = hp.follow_ups(rng, scoring[:n_history], closed, log_intensity, won)

    width = max(6, len(str(n + 3)))
    lead_ids = np.char.add("L", np.char.zfill(np.arange(1, n + 1).astype(str), width))
    leads = _lead_table(lead_ids, created, people, source, won, closed)
    leads, bad_ids = _append_malformed(leads, companies, clean_domains, t0, width)
    activities = _activities(
        lead_ids, np.concatenate([lead, f_lead]), np.concatenate([kind, f_kind]),
        np.concatenate([when, f_when]),
    )
    truth = pd.DataFrame({"lead_id": lead_ids, "true_win_probability": np.round(p, 6)})
    return DemoData(companies, leads, activities, truth, bad_ids)


def write_demo(data: DemoData, folder: Path) -> dict[str, Path]:
    """Write the four tables as UTF-8, comma-separated CSVs with a header.

    Args:
        data: Tables from `generate`.
        folder: Destination folder, created if needed.

    Returns:
        Paths keyed by table name: companies, leads, activities, truth.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in ("companies", "leads", "activities", "truth"):
        paths[name] = folder / f"{name}.csv"
        getattr(data, name).to_csv(paths[name], index=False, encoding="utf-8", lineterminator="\n")
    return paths


def _creation_times(rng: np.random.Generator, t0: int, n_history: int, n_open: int) -> np.ndarray:
    """created_at (epoch seconds): closed leads over the 18 months before the anchor, then open
    leads in its last 5 days, each part sorted."""
    return np.concatenate([
        np.sort(t0 - rng.integers(31, 549, n_history) * DAY + _office_seconds(rng, n_history)),
        np.sort(t0 - rng.integers(1, 5 * DAY + 1, n_open)),
    ])


def _fit(companies: pd.DataFrame, people: pd.DataFrame, created: np.ndarray) -> np.ndarray:
    """The hidden firmographic and contact fit term of each lead's logit."""
    comp = companies.set_index("company_id").loc[people["company_id"]]
    emp = comp["employees"].to_numpy(dtype=float, na_value=np.nan)
    founded = comp["founded_year"].to_numpy(dtype=float, na_value=np.nan)
    year = created.astype("datetime64[s]").astype("datetime64[Y]").astype(int) + 1970
    n_missing = (comp[["employees", "annual_revenue", "founded_year", "domain"]].isna().sum(axis=1)
                 .to_numpy() + people[["title", "phone"]].isna().sum(axis=1).to_numpy())
    return hp.fit_logit(
        hp.size_band(emp), comp["industry"].to_numpy(), comp["country"].to_numpy(),
        people["seniority"].to_numpy(), people["department"].to_numpy(),
        people["email_kind"].to_numpy(), people["intern"].to_numpy(),
        n_missing, (year - founded) < 3,
    )


def _logit(rng: np.random.Generator, fit: np.ndarray, source: np.ndarray, lead: np.ndarray,
           kind: np.ndarray, before: np.ndarray) -> np.ndarray:
    """The hidden win logit: base, fit, engagement before the scoring moment and its buying
    signals (both gated by fit), source, noise."""
    n = len(fit)
    counts = hp.window_counts(lead, kind, before, n)
    last = np.full(n, np.inf)
    np.minimum.at(last, lead, before / DAY)
    last[np.isinf(last)] = np.nan
    return (hp.BASE + fit + hp.engagement_logit(counts, last, fit) + hp.intent_logit(counts, fit)
            + hp.lookup(hp.SOURCE_EFFECT, source) + rng.normal(0.0, hp.NOISE_SD, n))


def _closing_times(rng: np.random.Generator, won: np.ndarray, created: np.ndarray,
                   t0: int) -> np.ndarray:
    """closed_at of each closed lead: 7-75 days after creation when lost, 14-90 when won, and
    always before the anchor."""
    low, high = np.where(won, 14, 7) * DAY, np.where(won, 90, 75) * DAY
    high = np.minimum(high, t0 - 1 - created)
    return created + low + (rng.random(len(won)) * (high - low)).astype(np.int64)


def _lead_table(lead_ids: np.ndarray, created: np.ndarray, people: pd.DataFrame,
                source: np.ndarray, won: np.ndarray, closed: np.ndarray) -> pd.DataFrame:
    """leads.csv before its malformed rows: the closed history, then the open leads."""
    n_open = len(lead_ids) - len(won)
    return pd.DataFrame({
        "lead_id": lead_ids,
        "created_at": _fmt(created),
        **{c: people[c].to_numpy() for c in ("first_name", "last_name", "title", "email", "phone",
                                              "company_id")},
        "source": source,
        "status": np.concatenate([np.where(won, "won", "lost"), np.full(n_open, "open")]),
        "closed_at": np.concatenate([_fmt(closed), np.full(n_open, None, dtype=object)]),
    }).astype({c: "str" for c in LEAD_COLUMNS})


def _office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds into the day, mostly during European office hours (UTC)."""
    hour = np.clip(rng.normal(12.0, 3.0, n), 0, 23.99)
    return (hour * 3600).astype(np.int64)


def _fmt(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds to "YYYY-MM-DD HH:MM:SS" strings."""
    text = np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s")
    return np.char.replace(text, "T", " ").astype(object)


def _activities(
    lead_ids: np.ndarray, lead: np.ndarray, kind: np.ndarray, when: np.ndarray
) -> pd.DataFrame:
    """Sort events by time (then lead, type) and number them."""
    order = np.lexsort((kind, lead, when))
    width = max(7, len(str(len(order))))
    return pd.DataFrame({
        "event_id": np.char.add("E", np.char.zfill(np.arange(1, len(order) + 1).astype(str),
                                                    width)),
        "lead_id": lead_ids[lead[order]],
        "occurred_at": _fmt(when[order]),
        "event_type": np.asarray(EVENT_TYPES)[kind[order]],
    }).astype("str")


def _append_malformed(
    leads: pd.DataFrame, companies: pd.DataFrame, clean_domains: np.ndarray, t0: int, width: int
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Append the 3 rows the intake step must reject (see MALFORMED_REASONS)."""
    first = len(leads) + 1
    ids = tuple(f"L{i:0{width}d}" for i in range(first, first + 3))
    yesterday = _fmt(np.array([t0 - DAY + 9 * 3600, t0 - 2 * DAY + 14 * 3600]))
    rows = pd.DataFrame({
        "lead_id": ids,
        "created_at": [yesterday[0], "2026-13-45 10:00:00", yesterday[1]],
        "first_name": ["Jean", "Claire", "Éric"],
        "last_name": ["Dupont", "Martin", "Lefèvre"],
        "title": ["Directeur commercial", "Responsable marketing", "Gérant"],
        "email": ["jean.dupont@", f"claire.martin@{clean_domains[1]}",
                  f"eric.lefevre@{clean_domains[2]}"],
        "phone": ["+33 6 12 34 56 78", "+33 1 42 68 53 00", None],
        "company_id": companies["company_id"].iloc[:3].tolist(),
        "source": ["web_form", "webinar", None],
        "status": ["open"] * 3,
        "closed_at": [None] * 3,
    }).astype("str")
    return pd.concat([leads, rows], ignore_index=True), ids

