"""Helpers for the enrichment tests: a tiny CRM export in a tmp warehouse, and a providers file
pointing every provider at the local replay server (fast timeouts and backoff)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from support import REPO

from flows.pipeline import steps
from flows.settings import Settings

NOW = datetime(2026, 11, 27, 6, 0)
LEAD_HEADER = ("lead_id", "created_at", "first_name", "last_name", "title", "email", "phone",
               "company_id", "source", "status", "closed_at")
COMPANY_HEADER = ("company_id", "name", "domain", "country", "industry", "employees",
                  "annual_revenue", "founded_year", "siren", "postal_code")


def _write(path: Path, header: tuple[str, ...], rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def crm_settings(root: Path, companies: list[dict], providers: Path | None = None) -> Settings:
    """A warehouse under `root` with one lead per company (lead L<i> at company C<i>), open
    unless the row says `status` (won, lost), imported and enriched offline. `companies` rows
    use COMPANY_HEADER names, plus `email` and `status` for their lead."""
    rows = [{"company_id": f"C{i}", **company} for i, company in enumerate(companies, start=1)]
    leads = [{"lead_id": f"L{i}", "created_at": "2026-11-25 09:00:00", "first_name": "Zoé",
              "last_name": "Lefèvre", "title": "Directrice commerciale",
              "email": company.get("email", f"zoe@lead{i}.example"), "company_id": f"C{i}",
              "source": "web_form", "status": company.get("status", "open"),
              "closed_at": "2026-11-26 10:00:00" if company.get("status") else None}
             for i, company in enumerate(rows, start=1)]
    for row in rows:
        row.pop("email", None)
        row.pop("status", None)
    settings = Settings(
        home=REPO,
        leads_csv=_write(root / "crm" / "leads.csv", LEAD_HEADER, leads),
        companies_csv=_write(root / "crm" / "companies.csv", COMPANY_HEADER, rows),
        activities_csv=_write(root / "crm" / "activities.csv",
                              ("event_id", "lead_id", "occurred_at", "event_type"), []),
        warehouse=root / "warehouse" / "leadpilot.duckdb",
        models_dir=root / "models", out_dir=root / "out", rejects_dir=root / "rejects",
        providers=providers or (root / "providers.toml"),
    )
    steps.intake(settings, date(2026, 11, 27), NOW)
    steps.enrich(settings, NOW)
    return settings


def local_providers(path: Path, server, enabled: tuple[str, ...] = ("registry", "website",
                                                                     "clearbit"),
                    **policy: object) -> Path:
    """Registry, website and a Clearbit-style JSON API, all served by `server`."""
    settings = {"timeout_seconds": 0.5, "backoff_seconds": 0.02, "retries": 3,
                "concurrency": 8, **policy}
    lines = ["[network]", f'allow = ["{server.host}"]', ""]
    sections = {
        "registry": ['kind = "registry"', f'url = "{server.url("/registry/search")}"'],
        "website": ['kind = "website"', f'url = "{server.url("/sites/{domain}/")}"'],
        "clearbit": ['kind = "json"',
                     f'url = "{server.url("/clearbit/v2/companies/find?domain={domain}")}"',
                     'auth_header = "Authorization"', 'auth_scheme = "Bearer"',
                     'auth_env = "LEADPILOT_TEST_CLEARBIT_KEY"'],
    }
    for name, body in sections.items():
        lines += [f"[providers.{name}]", *body, f"enabled = {str(name in enabled).lower()}"]
        lines += [f"{key} = {value!r}".replace("'", '"') for key, value in settings.items()]
        if name == "clearbit":
            lines += ["", "[providers.clearbit.fields]", '"metrics.employeesRange" = '
                      '"headcount_band"', '"category.industry" = "industry_label"',
                      '"tech" = "tech_hints"', '"geo.city" = "hq_city"']
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
