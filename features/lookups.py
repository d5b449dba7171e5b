"""Which lookup each lead needs from each provider. Pure: leads in, requests out; leads that
share a company share one lookup (one cache entry, one request)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import pandas as pd

from features.registry import registry_lookup
from features.website import website_url

KINDS: tuple[str, ...] = ("registry", "website", "json")
JSON_KEYS: dict[str, str] = {"domain": "company_domain", "siren": "siren", "company": "company"}
LEAD_COLUMNS: tuple[str, ...] = ("lead_id", "company", "website", "siren", "postal_code",
                                 "country", "email_domain", "email_kind", "company_domain")
PLAN_COLUMNS: tuple[str, ...] = ("lead_id", "provider", "key")


@dataclass(frozen=True)
class Lookup:
    """One request: `key` names it in the cache; `siren`/`name` say which result is meant."""

    provider: str
    key: str
    url: str
    params: dict[str, str] | None = field(default=None, hash=False)
    siren: str | None = None
    name: str | None = None


def plan_lookups(leads: pd.DataFrame, provider: str, kind: str, url: str,
                 key: str = "domain") -> tuple[pd.DataFrame, dict[str, Lookup]]:
    """The lookups `provider` needs for `leads`.

    Args:
        leads: one row per lead with LEAD_COLUMNS (nulls allowed).
        provider: the provider's name in providers.toml.
        kind: "registry" (url is the `/search` endpoint), "website" (url is a template with
            `{url}` or `{domain}`) or "json" (url is a template with `{domain}`, `{siren}` or
            `{company}`, named by `key`).
        key: for "json", which lead value identifies the lookup (domain, siren or company).

    Returns:
        (one row per lead that needs a lookup: lead_id, provider, key;
         the distinct lookups by key).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown provider kind {kind!r}: use one of {KINDS}")
    lookups: dict[str, Lookup] = {}
    keys: dict[tuple, str | None] = {}
    columns = _inputs(kind, key)
    rows = leads.loc[:, list(columns)].astype(object).where(leads[list(columns)].notna(), None)
    for values in set(rows.itertuples(index=False, name=None)):
        lookup = _lookup(dict(zip(columns, values, strict=True)), provider, kind, url, key)
        keys[values] = lookup.key if lookup else None
        if lookup is not None:
            lookups.setdefault(lookup.key, lookup)
    plan = pd.DataFrame({
        "lead_id": leads["lead_id"].to_numpy(),
        "provider": provider,
        "key": [keys[values] for values in rows.itertuples(index=False, name=None)],
    })
    return plan.dropna(subset=["key"]).reset_index(drop=True), lookups


def _inputs(kind: str, key: str) -> tuple[str, ...]:
    if kind == "registry":
        return ("company", "postal_code", "siren", "country")
    if kind == "website":
        return ("website", "email_domain", "email_kind")
    if key not in JSON_KEYS:
        raise ValueError(f"unknown lookup key {key!r}: use one of {tuple(JSON_KEYS)}")
    return (JSON_KEYS[key],)


def _lookup(row: dict, provider: str, kind: str, url: str, key: str) -> Lookup | None:
    if kind == "registry":
        found = registry_lookup(row["company"], row["postal_code"], row["siren"], row["country"])
        if found is None:
            return None
        return Lookup(provider, found.key, url, found.params, found.siren, found.name)
    if kind == "website":
        corporate = row["email_domain"] if row["email_kind"] == "corporate" else None
        target = website_url(row["website"], corporate, url)
        return Lookup(provider, target, target) if target else None
    value = row[JSON_KEYS[key]]
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return Lookup(provider, value, url.replace("{" + key + "}", quote(value, safe="")))
