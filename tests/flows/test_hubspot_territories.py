"""A HubSpot contacts export writes countries as names ("France", "United Kingdom"): once
imported, each contact without a CRM owner goes to the rep of that country in the committed
data/reps.yaml, not to the default rep."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from support import REPO

from flows import store
from flows.editable_files import load_yaml
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
from scoring.assignment import Territories, assign

EXPORT = REPO / "tests" / "fixtures" / "hubspot" / "contacts-export.csv"
NOW = datetime(2026, 11, 29, 6, 0)


def _without_owners(target: Path) -> Path:
    """The same export with every "Contact owner" cell empty, so territories decide."""
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "Contact owner": ""} for row in rows)
    return target


def test_hubspot_contacts_without_owner_go_to_the_rep_of_their_country_name(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    try:
        path = _without_owners(tmp_path / "contacts-export.csv")
        summary = import_file(con, path, load_mapping("hubspot", None), tmp_path / "rejects", NOW)
        assert (summary.inserted, summary.rejected) == (10, 0), summary
        leads = con.execute("SELECT l.lead_id, l.owner, c.country, c.industry FROM leads l "
                            "LEFT JOIN companies c USING (company_id) ORDER BY l.lead_id").df()
    finally:
        con.close()
    assert set(leads["country"]) == {"FR", "DE", "US", "GB", "IE", "ES"}  # names -> ISO codes
    territories = Territories.from_file(load_yaml(REPO / "data" / "reps.yaml"))
    owners = assign(leads, territories).set_index("lead_id")
    by_country = (owners.join(leads.set_index("lead_id")["country"])
                  .groupby("country")[["owner", "rule"]]
                  .agg(lambda column: sorted(set(column))))
    assert by_country.to_dict("index") == {
        "FR": {"owner": ["Julien Moreau"], "rule": ["territory"]},  # not software: Julien
        "DE": {"owner": ["Hannah Weber"], "rule": ["territory"]},
        "ES": {"owner": ["Hannah Weber"], "rule": ["territory"]},
        "GB": {"owner": ["Oliver Smith"], "rule": ["territory"]},  # reps.yaml: UK
        "US": {"owner": ["Oliver Smith"], "rule": ["territory"]},
        "IE": {"owner": ["Julien Moreau"], "rule": ["default"]},  # no rep covers IE
    }
