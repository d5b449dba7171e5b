"""`leadpilot import` keeps the CRM's owner (Salesforce OwnerId or owner name, the leadpilot
CSV's owner column) and the owner step turns an OwnerId a rep lists in crm_ids into that rep."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from flows import store
from flows.editable_files import load_yaml
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
from scoring.assignment import Territories, assign

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "salesforce"
NOW = datetime(2026, 11, 29, 6, 0)
REPS = """\
default_rep: Julien Moreau
reps:
  - name: Oliver Smith
    email: oliver.smith@example.com
    countries: [US]
    crm_ids: [005bm00000NCJmQ]
  - name: Julien Moreau
    email: julien.moreau@example.com
    countries: [FR]
"""


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _import(con, path: Path, tmp_path: Path, preset: str):
    summary = import_file(con, path, load_mapping(preset, None), tmp_path / "rejects", NOW)
    assert summary.balanced and summary.rejected == 0, summary
    return summary


def _owners(con, tmp_path: Path):
    reps = tmp_path / "reps.yaml"
    reps.write_text(REPS, encoding="utf-8")
    leads = con.execute("SELECT l.lead_id, l.owner, c.country, c.industry FROM leads l "
                        "LEFT JOIN companies c USING (company_id) ORDER BY l.lead_id").df()
    return assign(leads, Territories.from_file(load_yaml(reps, "data/reps.yaml")))


def test_a_real_salesforce_export_gives_each_lead_to_the_rep_whose_crm_id_is_its_owner(
        con, tmp_path):
    summary = _import(con, FIXTURES / "developer-edition-demo" / "Lead.csv", tmp_path,
                      "salesforce")
    assert "owner <- OwnerId" in summary.mapping
    stored = dict(con.execute("SELECT owner, count(*) FROM leads GROUP BY 1").fetchall())
    assert stored == {"005bm00000NCJmQAAX": 22}  # the export's 18-character OwnerId
    extra = json.loads(con.execute("SELECT extra FROM leads LIMIT 1").fetchone()[0] or "{}")
    assert "OwnerId" not in extra  # mapped, not kept twice
    owners = _owners(con, tmp_path)
    assert set(owners["owner"]) == {"Oliver Smith"}
    assert set(owners["owner_email"]) == {"oliver.smith@example.com"}
    assert set(owners["rule"]) == {"crm"}


def test_an_owner_id_no_rep_lists_goes_to_the_territories_not_to_a_list_of_its_own(
        con, tmp_path):
    _import(con, FIXTURES / "data-cloud-workshop" / "Lead.csv", tmp_path, "salesforce")
    assert dict(con.execute("SELECT owner, count(*) FROM leads GROUP BY 1").fetchall()) == {
        "005Ec000004oBPNIA2": 60}  # an OwnerId data/reps.yaml does not list
    owners = _owners(con, tmp_path)
    assert set(owners["owner"]) <= {"Oliver Smith", "Julien Moreau"}
    assert owners["owner_email"].notna().all()
    assert set(owners["rule"]) <= {"territory", "default"}


def test_a_salesforce_owner_name_column_wins_over_the_owner_id(con, tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("Id,Email,OwnerId,Owner.Name,Country\n"
                    "00Q1,a@acme.com,005bm00000NCJmQAAX,Julien Moreau,US\n"
                    "00Q2,b@acme.com,005bm00000NCJmQAAX,,US\n", encoding="utf-8")
    _import(con, path, tmp_path, "salesforce")
    owners = _owners(con, tmp_path)
    assert owners["owner"].tolist() == ["Julien Moreau", "Oliver Smith"]
    extra = json.loads(con.execute("SELECT extra FROM leads WHERE lead_id = '00Q1'").fetchone()[0])
    assert extra["OwnerId"] == "005bm00000NCJmQAAX"  # the second choice is kept, not lost


def test_the_leadpilot_csv_owner_column_is_imported(con, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,email,owner\nL1,a@acme.fr,oliver.smith@example.com\nL2,b@acme.fr,\n",
                    encoding="utf-8")
    _import(con, path, tmp_path, "leadpilot")
    assert _owners(con, tmp_path)["owner"].tolist() == ["Oliver Smith", "Julien Moreau"]
