"""`leadpilot import FILE --preset hubspot` on a HubSpot contacts export (tests/fixtures/hubspot,
synthetic, HubSpot's documented layout) as CSV and XLSX, and on a file with HubSpot's internal
property names and values."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from flows import store
from flows.editable_files import load_yaml
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
from scoring.assignment import Territories, assign

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "hubspot" / "contacts-export.csv"
NOW = datetime(2026, 11, 29, 6, 0)
REPS = """\
default_rep: Julien Moreau
reps:
  - name: Camille Martin
    email: camille.martin@example.com
    countries: [FR]
  - name: Hannah Weber
    email: hannah.weber@example.com
    countries: [DE]
    crm_ids: ["12345678"]
  - name: Oliver Smith
    email: oliver.smith@example.com
    countries: [US]
  - name: Julien Moreau
    email: julien.moreau@example.com
    countries: [FR]
"""
STATUSES = {  # Record ID -> (status, closed_at): lifecycle stage first, then lead status
    "51234567801": ("won", datetime(2026, 2, 18, 10, 5)),  # Customer
    "51234567802": ("open", None),  # Sales Qualified Lead, In Progress
    "51234567803": ("lost", datetime(2026, 1, 15, 10, 2)),  # Lead, Unqualified: last modified
    "51234567804": ("open", None),  # Opportunity, Open Deal
    "51234567805": ("open", None),  # Marketing Qualified Lead, Attempted to Contact
    "51234567806": ("won", datetime(2025, 6, 30, 12, 0)),  # Evangelist
    "51234567807": ("open", None),  # Subscriber
    "51234567808": ("lost", datetime(2026, 1, 8, 10, 31)),  # Lead, Bad Timing
    "51234567809": ("open", None),  # Other, New
    "51234567810": ("open", None),  # Lead, Open
}


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _as_xlsx(path: Path, target: Path) -> Path:
    """The export as HubSpot's XLSX option would type it: dates and numbers as cells."""
    book = Workbook()
    sheet = book.active
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    sheet.append(rows[0])
    for row in rows[1:]:
        cells = []
        for header, value in zip(rows[0], row, strict=True):
            if value and header.endswith("Date"):
                cells.append(datetime.strptime(value, "%Y-%m-%d %H:%M"))
            elif value and header in ("Record ID", "Number of Employees", "Annual Revenue"):
                cells.append(int(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    book.save(target)
    return target


def _import(con, path: Path, tmp_path: Path):
    summary = import_file(con, path, load_mapping("hubspot", None), tmp_path / "rejects", NOW)
    assert summary.balanced, summary
    return summary


def _owners(con, tmp_path: Path) -> dict[str, tuple[str, str]]:
    reps = tmp_path / "reps.yaml"
    reps.write_text(REPS, encoding="utf-8")
    leads = con.execute("SELECT l.lead_id, l.owner, c.country, c.industry FROM leads l "
                        "LEFT JOIN companies c USING (company_id) ORDER BY l.lead_id").df()
    owners = assign(leads, Territories.from_file(load_yaml(reps, "data/reps.yaml")))
    return {row.lead_id: (row.owner, row.rule) for row in owners.itertuples()}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_hubspot_contacts_export_imports_whole_with_the_preset(con, tmp_path, kind):
    path = EXPORT if kind == "csv" else _as_xlsx(EXPORT, tmp_path / "contacts-export.xlsx")
    summary = _import(con, path, tmp_path)
    assert (summary.read, summary.inserted, summary.rejected) == (10, 10, 0)
    for line in ("lead_id <- Record ID", "status <- Lifecycle Stage | Lead Status",
                 "owner <- Contact owner", "created_at <- Create Date",
                 "closed_at <- Became a Customer Date", "source <- Original Traffic Source"):
        assert line in summary.mapping

    zoe = con.execute("SELECT first_name, last_name, title, email, phone, created_at, source, "
                      "extra FROM leads WHERE lead_id = '51234567801'").fetchone()
    assert zoe[:7] == ("Zoé", "Lefèvre", "Directrice des opérations",
                       "zoe.lefevre@acme-logistique.fr", "+33 1 42 68 53 00",
                       datetime(2025, 11, 3, 9, 12), "web_form")
    extra = json.loads(zoe[7])  # what no field takes is kept, with the status texts and the
    # second choice of a field (modified_at read Last Modified Date)
    assert extra.pop("Last Activity Date").replace("T", " ").startswith("2026-02-20 16:40")
    assert extra == {"Lifecycle Stage": "Customer", "Lead Status": "Connected",
                     "Original Traffic Source": "Organic Search", "City": "Lyon",
                     "Marketing contact status": "Marketing contact"}

    stored = {row[0]: (row[1], row[2]) for row in con.execute(
        "SELECT lead_id, status, closed_at FROM leads").fetchall()}
    assert stored == STATUSES
    sources = dict(con.execute("SELECT lead_id, source FROM leads").fetchall())
    assert (sources["51234567802"], sources["51234567808"]) == ("partner", "outbound")

    companies = dict(con.execute(
        "SELECT c.name, count(*) FROM leads l JOIN companies c USING (company_id) "
        "GROUP BY 1").fetchall())
    assert companies["Acme Logistique"] == 2 and companies["Nordwerk GmbH"] == 2
    assert con.execute("SELECT country, industry, employees, annual_revenue FROM companies "
                       "WHERE name = 'Orbit Retail'").fetchone() == (
        "US", "Retail", 2300, 180000000)  # "United States" in the export: stored as its code

    owners = _owners(con, tmp_path)
    assert {k: v[0] for k, v in owners.items() if k in ("51234567801", "51234567803",
                                                       "51234567804", "51234567805")} == {
        "51234567801": "Camille Martin", "51234567803": "Hannah Weber",
        "51234567804": "Oliver Smith", "51234567805": "Julien Moreau"}  # Jordan Lee: no rep
    assert owners["51234567807"] == ("Julien Moreau", "default")  # no owner, Ireland
    assert owners["51234567805"][1] != "crm"  # the territories decide
    assert sum(rule == "crm" for _, rule in owners.values()) == 8


def test_reimporting_the_hubspot_export_changes_nothing(con, tmp_path):
    _import(con, EXPORT, tmp_path)
    again = _import(con, EXPORT, tmp_path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10)


def test_internal_property_names_and_values_map_too(con, tmp_path):
    path = tmp_path / "api-export.csv"
    path.write_text(
        "hs_object_id,firstname,lastname,email,lifecyclestage,hs_lead_status,createdate,"
        "lastmodifieddate,hubspot_owner_id,hs_analytics_source,numemployees\n"
        "901,Ada,Moreau,ada@alpha.fr,customer,,2026-02-24T14:18:00.000Z,"
        "2026-02-25T08:00:00.000Z,12345678,ORGANIC_SEARCH,40\n"
        "902,Bo,Lind,bo@beta.se,lead,BAD_TIMING,2026-01-05T09:00:00Z,"
        "2026-01-20T10:30:00Z,,PAID_SOCIAL,\n"
        "903,Cy,Ng,cy@gamma.sg,marketingqualifiedlead,IN_PROGRESS,2026-02-01T12:00:00Z,"
        "2026-02-02T12:00:00Z,99999,OFFLINE,\n", encoding="utf-8")
    summary = _import(con, path, tmp_path)
    assert (summary.inserted, summary.rejected) == (3, 0)
    rows = con.execute("SELECT lead_id, first_name, status, created_at, closed_at, source "
                       "FROM leads ORDER BY lead_id").fetchall()
    assert rows == [
        ("901", "Ada", "won", datetime(2026, 2, 24, 14, 18), datetime(2026, 2, 25, 8, 0),
         "web_form"),
        ("902", "Bo", "lost", datetime(2026, 1, 5, 9, 0), datetime(2026, 1, 20, 10, 30),
         "web_form"),
        ("903", "Cy", "open", datetime(2026, 2, 1, 12, 0), None, "outbound"),
    ]
    owners = _owners(con, tmp_path)
    assert owners["901"] == ("Hannah Weber", "crm")  # her crm_ids
    assert owners["903"] == ("Julien Moreau", "default")  # 99999 is no rep; Singapore
