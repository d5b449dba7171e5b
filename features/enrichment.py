from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version
from importlib.resources import files

import numpy as np
import pandas as pd

from features.domains import normalise_domains
from features.email import domain_kinds, email_domains
from features.titles import classify_titles

ENRICHMENT_COLUMNS: tuple[str, ...] = (
    "lead_id", "email_domain", "email_kind", "company_domain", "seniority", "department",
)
# What `enrich_offline` is made of: its modules and word lists, and the packages it reads
# lists from. A change to any of them changes `rules_fingerprint`.
RULE_FILES: tuple[str, ...] = ("enrichment.py", "email.py", "domains.py", "titles.py",
                               "free_email_domains.txt")
RULE_PACKAGES: tuple[str, ...] = ("disposable-email-domains", "idna")


@cache
def rules_fingerprint() -> str:
    """A hash of everything `enrich_offline` derives its columns by (RULE_FILES' bytes and
    RULE_PACKAGES' versions): an enrichment row made under other rules is made again."""
    digest = hashlib.sha256()
    for name in RULE_FILES:
        digest.update(name.encode() + b"\0" + files("features").joinpath(name).read_bytes())
    for package in RULE_PACKAGES:
        digest.update(f"{package}=={version(package)}\0".encode())
    return digest.hexdigest()


def _company_domains(company_ids: pd.Series, companies: pd.DataFrame) -> pd.Series:
    if companies.empty or not {"company_id", "domain"} <= set(companies.columns):
        return pd.Series(np.nan, index=company_ids.index, dtype="str")
    domains = normalise_domains(companies["domain"])
    # Duplicated company rows: keep the first usable domain of each company.
    by_company = domains.groupby(companies["company_id"].to_numpy()).first()
    return company_ids.map(by_company).astype("str")


def enrich_offline(leads: pd.DataFrame, companies: pd.DataFrame) -> pd.DataFrame:
    """Derive the enrichment columns that need no network: email, company domain and title.

    ``company_domain`` is the company's normalised website domain; when the company has none
    (or the lead has no company), the email domain stands in if the email is corporate, never
    when it is free, disposable or missing.

    Args:
        leads: One row per lead with at least ``lead_id``, ``email``, ``title`` and
            ``company_id``; nulls allowed.
        companies: ``company_id`` and ``domain`` (a website, URL or host); nulls allowed, may
            be empty. A company listed twice uses its first usable domain.

    Returns:
        One row per row of ``leads``, same index and order, with exactly the columns
        ``ENRICHMENT_COLUMNS``: ``lead_id`` as given, the other columns ``str`` with NaN for
        a missing domain (``email_kind``, ``seniority`` and ``department`` are never null).
    """
    email_domain = email_domains(leads["email"])
    email_kind = domain_kinds(email_domain)
    corporate_domain = email_domain.where(email_kind.eq("corporate"))
    company_domain = _company_domains(leads["company_id"], companies)
    company_domain = company_domain.where(company_domain.notna(), corporate_domain)
    titles = classify_titles(leads["title"])
    enriched = pd.DataFrame(
        {
            "lead_id": leads["lead_id"],
            "email_domain": email_domain,
            "email_kind": email_kind,
            "company_domain": company_domain,
            "seniority": titles["seniority"],
            "department": titles["department"],
        },
        index=leads.index,
    )
    return enriched.loc[:, list(ENRICHMENT_COLUMNS)]
