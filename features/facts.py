"""The enriched facts leadpilot knows how to hold, defined once: every provider's parser (and
every JSON-path mapping in providers.toml) produces some of these fields, as text."""

from __future__ import annotations

# field name -> label a rep reads on the sheet ("Enriched facts" column)
FACT_FIELDS: dict[str, str] = {
    # company registry (Recherche d'entreprises) or any provider that knows them
    "siren": "SIREN",
    "legal_name": "Legal name",
    "headcount_band": "Headcount band",
    "headcount_year": "Headcount year",
    "employee_count": "Employees",
    "naf_code": "NAF code",
    "naf_section": "NAF section",
    "naf_label": "Activity",
    "company_category": "Company category",
    "creation_date": "Created on",
    "founded_year": "Founded in",
    "state": "Registry state",
    "hq_city": "Head office city",
    "hq_postal_code": "Head office postal code",
    "hq_latitude": "Head office latitude",
    "hq_longitude": "Head office longitude",
    "establishments": "Establishments",
    "open_establishments": "Open establishments",
    "revenue": "Revenue",
    "revenue_year": "Revenue year",
    "net_income": "Net income",
    # company website
    "site_title": "Website title",
    "site_description": "Website description",
    "site_language": "Website language",
    "tech_hints": "Website technologies",
    "web_stack": "Website stack",
    # generic JSON APIs (Clearbit, Apollo, People Data Labs…)
    "industry_label": "Industry (provider)",
    "description": "Description",
    "country_code": "Country (provider)",
}

FACT_NAMES: tuple[str, ...] = tuple(FACT_FIELDS)

# Context columns that features/sql/point_in_time.sql adds for the playbook: for each field,
# its value plus `<field>_by` (the provider) and `<field>_on` (fetch date, YYYY-MM-DD).
PLAYBOOK_FACTS: tuple[str, ...] = (
    "headcount_band", "company_category", "naf_code", "naf_label", "creation_date",
    "hq_city", "establishments", "web_stack", "tech_hints", "site_description",
    "industry_label",
)
FACT_COLUMNS: tuple[str, ...] = tuple(
    f"{field}{suffix}" for field in PLAYBOOK_FACTS for suffix in ("", "_by", "_on")
) + ("enriched_facts",)
