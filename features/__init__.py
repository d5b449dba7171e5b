"""Pure: DataFrames and DuckDB connections in, values out; no network, no env, no clock."""

from features.columns import CATEGORICAL, FEATURE_NAMES, FEATURES, NUMERIC
from features.domains import normalise_domain, normalise_domains
from features.email import email_domain, email_kind, email_kinds, is_valid_email
from features.enrichment import enrich_offline
from features.point_in_time import build_features, history_moments, model_matrix, open_moments
from features.titles import classify_title, classify_titles

__all__ = [
    "CATEGORICAL", "FEATURES", "FEATURE_NAMES", "NUMERIC", "build_features", "classify_title",
    "classify_titles", "email_domain", "email_kind", "email_kinds", "enrich_offline",
    "history_moments", "is_valid_email", "model_matrix", "normalise_domain", "normalise_domains",
    "open_moments",
]
