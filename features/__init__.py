"""Pure: DataFrames and DuckDB connections in, values out; no network, no env, no clock."""

from features.columns import CATEGORICAL, FEATURE_NAMES, FEATURES, NUMERIC
from features.countries import country_code, normalise_countries
from features.domains import normalise_domain, normalise_domains
from features.email import email_domain, email_kind, email_kinds, is_valid_email
from features.enrichment import enrich_offline
from features.facts import FACT_FIELDS
from features.json_fields import extract_fields
from features.lookups import Lookup, plan_lookups
from features.point_in_time import build_features, history_moments, model_matrix, open_moments
from features.registry import parse_registry, registry_lookup
from features.titles import classify_title, classify_titles
from features.website import parse_homepage, website_url

__all__ = [
    "CATEGORICAL", "FEATURES", "FEATURE_NAMES", "NUMERIC", "build_features", "classify_title",
    "classify_titles", "email_domain", "email_kind", "email_kinds", "enrich_offline",
    "history_moments", "is_valid_email", "model_matrix", "normalise_domain", "normalise_domains",
    "open_moments",
    # country names and aliases as ISO codes (territories)
    "country_code", "normalise_countries",
    # enrichment over HTTP: which request a lead needs, and its payload turned into facts
    "FACT_FIELDS", "Lookup", "extract_fields", "parse_homepage", "parse_registry", "plan_lookups",
    "registry_lookup", "website_url",
]
