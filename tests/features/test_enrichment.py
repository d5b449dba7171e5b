import numpy as np
import pandas as pd
import pytest

from features.columns import DEPARTMENTS, EMAIL_KINDS, SENIORITIES
from features.enrichment import ENRICHMENT_COLUMNS, enrich_offline


@pytest.fixture
def leads():
    # A null in every input column, a duplicated email and company, accents on purpose.
    return pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6", "L7"],
            "email": [
                "Jean.Dupont@ACME.fr ",  # company 1 has a website
                "zoe@müller.de",  # company 2 has no domain: falls back to the corporate email
                "marie@gmail.com",  # company 2 has no domain, free mail: no company domain
                None,  # no email, company 3 has a website
                "x@yopmail.com",  # no company, disposable: no company domain
                "paul@beta.io",  # no company at all: falls back to the corporate email
                "Jean.Dupont@ACME.fr ",  # duplicate of L1
            ],
            "title": [
                "Directrice financière", "CEO", None, "Head of Sales Ops", "Stagiaire RH",
                "DSI", "Directrice financière",
            ],
            "company_id": [1, 2, 2, 3, np.nan, np.nan, 1],
            "source": ["web_form"] * 7,
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )


@pytest.fixture
def companies():
    return pd.DataFrame(
        {
            "company_id": [1, 2, 3, 4],
            "domain": ["https://www.Acme.FR/contact", None, "Société.fr", "n/a"],
        }
    )


def test_enrich_offline_returns_exactly_the_enrichment_columns(leads, companies):
    result = enrich_offline(leads, companies)
    assert tuple(result.columns) == ENRICHMENT_COLUMNS
    assert ENRICHMENT_COLUMNS == (
        "lead_id", "email_domain", "email_kind", "company_domain", "seniority", "department",
    )


def test_enrich_offline_keeps_one_row_per_lead_in_order(leads, companies):
    result = enrich_offline(leads, companies)
    assert result.index.tolist() == leads.index.tolist()
    assert result["lead_id"].tolist() == leads["lead_id"].tolist()


def test_enrich_offline_reads_email_domain_and_kind(leads, companies):
    result = enrich_offline(leads, companies).set_index("lead_id")
    assert result["email_kind"].to_dict() == {
        "L1": "corporate", "L2": "corporate", "L3": "free", "L4": "missing",
        "L5": "disposable", "L6": "corporate", "L7": "corporate",
    }
    assert result.loc["L1", "email_domain"] == "acme.fr"
    assert result.loc["L2", "email_domain"] == "xn--mller-kva.de"
    assert pd.isna(result.loc["L4", "email_domain"])


def test_company_domain_prefers_the_normalised_company_website(leads, companies):
    result = enrich_offline(leads, companies).set_index("lead_id")
    assert result.loc["L1", "company_domain"] == "acme.fr"
    assert result.loc["L4", "company_domain"] == "xn--socit-esab.fr"


def test_company_domain_falls_back_to_a_corporate_email_domain(leads, companies):
    result = enrich_offline(leads, companies).set_index("lead_id")
    assert result.loc["L2", "company_domain"] == "xn--mller-kva.de"
    assert result.loc["L6", "company_domain"] == "beta.io"


def test_company_domain_stays_missing_for_free_or_disposable_email(leads, companies):
    result = enrich_offline(leads, companies).set_index("lead_id")
    assert pd.isna(result.loc["L3", "company_domain"])
    assert pd.isna(result.loc["L5", "company_domain"])


def test_enrich_offline_classifies_titles(leads, companies):
    result = enrich_offline(leads, companies).set_index("lead_id")
    assert result["seniority"].to_dict() == {
        "L1": "director", "L2": "c_level", "L3": "unknown", "L4": "vp_head",
        "L5": "individual", "L6": "c_level", "L7": "director",
    }
    assert result["department"].to_dict() == {
        "L1": "finance", "L2": "other", "L3": "other", "L4": "sales",
        "L5": "other", "L6": "it", "L7": "finance",
    }


def test_enrich_offline_categories_are_allowed_values_and_never_null(leads, companies):
    result = enrich_offline(leads, companies)
    assert set(result["email_kind"]) <= set(EMAIL_KINDS)
    assert set(result["seniority"]) <= set(SENIORITIES)
    assert set(result["department"]) <= set(DEPARTMENTS)
    assert result[["email_kind", "seniority", "department"]].notna().all().all()


@pytest.mark.parametrize(
    "companies",
    [
        pd.DataFrame(columns=["company_id", "domain"]),
        pd.DataFrame(),
    ],
    ids=["empty-with-columns", "empty-without-columns"],
)
def test_without_companies_every_corporate_email_domain_is_the_company_domain(leads, companies):
    result = enrich_offline(leads, companies).set_index("lead_id")
    assert result["company_domain"].dtype == "str"
    assert result["company_domain"].isna().to_dict() == {
        "L1": False, "L2": False, "L3": True, "L4": True, "L5": True, "L6": False, "L7": False,
    }
    assert result.loc["L1", "company_domain"] == "acme.fr"


def test_a_company_listed_twice_uses_its_first_usable_domain(leads):
    companies = pd.DataFrame(
        {"company_id": [1, 1, 1, 1], "domain": [None, "garbage", "www.acme-group.com", "acme.com"]}
    )
    result = enrich_offline(leads, companies).set_index("lead_id")
    assert result.loc["L1", "company_domain"] == "acme-group.com"
