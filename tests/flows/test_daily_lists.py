"""The owner step on a warehouse: who held a lead on earlier runs and whether an outcome was
recorded since (recycling), the CRM's opt-out columns and the suppression list (do-not-contact)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from support import REPO

from flows import store
from flows.pipeline.owners import assign_owners, remake_owner_streaks
from flows.privacy import suppression
from flows.settings import Settings

DAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 6, 0)
REPS = """\
default_rep: Dora Default
leads_per_day: 10
max_leads_per_company: 2
recycle_after_days: 7
reps:
  - name: Sam Soft
    email: sam@example.com
    countries: [FR]
    industries: [software]
  - name: Dora Default
    email: dora@example.com
    countries: [FR]
"""
# lead id -> (extra columns of its CRM export, owner per earlier run date as days before DAY)
LEADS = {
    "STALE": ({}, {8: "Sam Soft", 7: "Sam Soft", 1: "Sam Soft"}),
    "WORKED": ({}, {9: "Sam Soft", 1: "Sam Soft"}),  # an outcome recorded 3 days ago
    "MARKED": ({}, {9: "Sam Soft", 1: "Sam Soft"}),  # a talking point marked useful 2 days ago
    "BACK": ({}, {20: "Sam Soft", 3: "Dora Default", 2: "Sam Soft", 1: "Sam Soft"}),
    "NOCALL": ({"DoNotCall": "True"}, {}),
    "EMAILOK": ({"HasOptedOutOfEmail": "false", "Rating": "Hot"}, {}),
    "ERASED": ({}, {}),
}


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "reps.yaml").write_text(REPS, encoding="utf-8")
    local = Settings(home=REPO, warehouse=tmp_path / "w.duckdb", reps=tmp_path / "reps.yaml")
    with store.opened(local.warehouse) as con, store.transaction(con):
        for i, (lead_id, (extra, history)) in enumerate(LEADS.items()):
            con.execute(
                "INSERT INTO leads (lead_id, created_at, email, company_id, source, status, "
                "updated_at, extra) VALUES (?, ?, ?, ?, 'web_form', 'open', ?, ?)",
                [lead_id, NOW, f"{lead_id.lower()}@acme.fr", f"C{i}", NOW, json.dumps(extra)])
            con.execute("INSERT INTO companies (company_id, name, country, industry, updated_at) "
                        "VALUES (?, ?, 'FR', 'software', ?)",
                        [f"C{i}", f"Company {i}", NOW])
            con.execute("INSERT INTO scores (run_date, lead_id, model_version, win_probability, "
                        "grade) VALUES (?, ?, 'm', ?, 'A')", [DAY, lead_id, 0.9 - i / 100])
            for days, owner in history.items():
                con.execute("INSERT INTO owner_assignments (run_date, lead_id, owner, rule) "
                            "VALUES (?, ?, ?, 'territory')", [DAY - timedelta(days), lead_id,
                                                              owner])
        con.execute("INSERT INTO outcomes (lead_id, outcome, recorded_at, source_file) "
                    "VALUES ('WORKED', 'no_answer', ?, 'sheet.csv')", [NOW - timedelta(3)])
        con.execute("INSERT INTO lead_feedback (lead_id, kind, point_id, rep, marked_on, "
                    "recorded_at, source_file) VALUES ('MARKED', 'point_useful', 'demo_request', "
                    "'Sam Soft', ?, ?, 'sheet.csv')", [DAY - timedelta(2), NOW - timedelta(2)])
        suppression.record(con, "erased@acme.fr", NOW)
        remake_owner_streaks(con)  # the history above, as the owner step keeps it
    return local


def _owners(settings) -> dict[str, tuple[str, str]]:
    with store.opened(settings.warehouse) as con:
        rows = con.execute("SELECT lead_id, owner, reason FROM owner_assignments "
                           "WHERE run_date = ?", [DAY]).fetchall()
    return {lead_id: (owner, reason) for lead_id, owner, reason in rows}


def test_a_lead_held_seven_days_without_an_outcome_moves_and_a_worked_one_stays(settings):
    assign_owners(settings, DAY)
    owners = _owners(settings)
    assert owners["STALE"] == ("Dora Default", "recycled: not worked by Sam Soft in 7 days")
    assert owners["WORKED"] == ("Sam Soft", "territory FR software")
    assert owners["MARKED"] == ("Sam Soft", "territory FR software")  # the rep's mark: worked
    assert owners["BACK"] == ("Sam Soft", "territory FR software")  # held again since 2 days


def test_a_crm_opt_out_or_an_erased_person_is_on_nobody_s_list(settings):
    summary = assign_owners(settings, DAY)
    owners = _owners(settings)
    assert owners["NOCALL"] == ("Do not contact", "do not contact: DoNotCall")
    assert owners["ERASED"] == ("Do not contact", "do not contact: on the suppression list")
    assert owners["EMAILOK"] == ("Sam Soft", "territory FR software")
    assert summary["rules"]["do_not_contact"] == 2
