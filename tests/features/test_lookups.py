"""Which lookups the leads need from each kind of provider."""

from __future__ import annotations

import pandas as pd
import pytest

from features.lookups import LEAD_COLUMNS, plan_lookups

LEADS = pd.DataFrame([
    # two leads of one French company (a duplicate on purpose), one with a SIREN
    ("L1", "Société Générale des Eaux", "https://www.sge.fr/", None, "75009", "FR",
     "zoe@sge.fr", "sge.fr", "corporate", "sge.fr"),
    ("L2", "Société Générale des Eaux", "https://www.sge.fr/", None, "75009", "FR",
     "ann@sge.fr", "sge.fr", "corporate", "sge.fr"),
    ("L3", "Danone", None, "552032534", None, "FR", "li@gmail.com", "gmail.com", "free", None),
    # a German company, and a lead with nothing to look up
    ("L4", "Müller GmbH", None, None, None, "DE", "jo@mueller.de", "mueller.de", "corporate",
     "mueller.de"),
    ("L5", None, None, None, None, None, None, None, "missing", None),
], columns=["lead_id", "company", "website", "siren", "postal_code", "country", "email",
            "email_domain", "email_kind", "company_domain"])


def test_leads_of_one_company_share_one_registry_lookup_and_foreign_ones_need_none():
    plan, lookups = plan_lookups(LEADS[list(LEAD_COLUMNS)], "registry", "registry",
                                 "https://registry.test/search")
    assert plan["lead_id"].tolist() == ["L1", "L2", "L3"]
    assert plan["key"].tolist() == ["name:SOCIETE GENERALE EAUX|75009"] * 2 + [
        "siren:552032534"]
    assert set(lookups) == set(plan["key"])
    assert lookups["siren:552032534"].params["q"] == "552032534"
    assert lookups["siren:552032534"].url == "https://registry.test/search"


def test_the_website_comes_from_the_company_else_a_corporate_email_never_a_free_one():
    plan, lookups = plan_lookups(LEADS, "website", "website", "{url}")
    assert dict(zip(plan["lead_id"], plan["key"], strict=True)) == {
        "L1": "https://www.sge.fr/", "L2": "https://www.sge.fr/", "L4": "https://mueller.de/"}
    assert lookups["https://mueller.de/"].url == "https://mueller.de/"


def test_a_json_provider_is_keyed_by_the_company_domain_and_encodes_it_into_its_url():
    plan, lookups = plan_lookups(LEADS, "clearbit", "json", "https://x.test/find?domain={domain}")
    assert plan["key"].tolist() == ["sge.fr", "sge.fr", "mueller.de"]
    assert lookups["sge.fr"].url == "https://x.test/find?domain=sge.fr"
    plan, lookups = plan_lookups(LEADS, "pdl", "json", "https://x.test/e?name={company}",
                                 key="company")
    assert lookups["Müller GmbH"].url == "https://x.test/e?name=M%C3%BCller%20GmbH"


def test_an_unknown_kind_or_key_is_refused():
    with pytest.raises(ValueError, match="unknown provider kind"):
        plan_lookups(LEADS, "x", "soap", "http://x")
    with pytest.raises(ValueError, match="unknown lookup key"):
        plan_lookups(LEADS, "x", "json", "http://x/{email}", key="email")
