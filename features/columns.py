"""The model's feature list, defined once: every other module imports it from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    name: str
    kind: str  # "categorical" or "numeric"
    label: str  # what a rep reads when the feature is named on its own


FEATURES: tuple[Feature, ...] = (
    # firmographic fit
    Feature("size_band", "categorical", "Company size"),
    Feature("industry", "categorical", "Industry"),
    Feature("country", "categorical", "Country"),
    Feature("company_age_years", "numeric", "Company age"),
    # who the contact is and how they came in
    Feature("source", "categorical", "Lead source"),
    Feature("seniority", "categorical", "Seniority"),
    Feature("department", "categorical", "Department"),
    Feature("email_kind", "categorical", "Email type"),
    # engagement before the scoring moment
    Feature("events_7d", "numeric", "Activities in 7 days"),
    Feature("events_30d", "numeric", "Activities in 30 days"),
    Feature("events_90d", "numeric", "Activities in 90 days"),
    Feature("pricing_views_7d", "numeric", "Pricing page views in 7 days"),
    Feature("pricing_views_30d", "numeric", "Pricing page views in 30 days"),
    Feature("demo_requests_90d", "numeric", "Demo requests in 90 days"),
    Feature("webinars_90d", "numeric", "Webinars attended in 90 days"),
    Feature("docs_views_30d", "numeric", "Docs pages read in 30 days"),
    Feature("email_clicks_30d", "numeric", "Email clicks in 30 days"),
    Feature("days_since_last_event", "numeric", "Days since last activity"),
    # data quality
    Feature("completeness", "numeric", "Profile completeness"),
    # enrichment over HTTP (flows/enrichment/lookups.py); "unknown" when no provider said
    Feature("headcount_band", "categorical", "Registered headcount"),
    Feature("company_category", "categorical", "Company category"),
    Feature("naf_section", "categorical", "Activity section (NAF)"),
    Feature("web_stack", "categorical", "Website stack"),
)

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
CATEGORICAL: tuple[str, ...] = tuple(f.name for f in FEATURES if f.kind == "categorical")
NUMERIC: tuple[str, ...] = tuple(f.name for f in FEATURES if f.kind == "numeric")

SIZE_BANDS: tuple[str, ...] = (
    "1-10", "11-50", "51-200", "201-500", "501-1000", "1000+", "unknown",
)
SENIORITIES: tuple[str, ...] = (
    "c_level", "vp_head", "director", "manager", "individual", "unknown",
)
DEPARTMENTS: tuple[str, ...] = ("sales", "marketing", "it", "finance", "operations", "other")
EMAIL_KINDS: tuple[str, ...] = ("corporate", "free", "disposable", "missing")
SOURCES: tuple[str, ...] = ("web_form", "demo_request", "webinar", "partner", "outbound", "event")
EVENT_TYPES: tuple[str, ...] = (
    "page_view", "pricing_page", "docs", "demo_request", "webinar_attended", "email_open",
    "email_click",
)
