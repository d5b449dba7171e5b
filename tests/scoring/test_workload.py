"""The day's lists: capacity in priority order, one rep per company with a cap on its contacts,
overflow to the next rep, the backlog, recycling and do-not-contact, each with its reason."""

from __future__ import annotations

import doctest
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from flows.editable_files import ConfigError, load_yaml
from scoring.accounts import rank_accounts
from scoring.assignment import Territories
from scoring.workload import BACKLOG, DO_NOT_CONTACT, fill_lists

DAY = date(2026, 11, 27)
REPS = """\
default_rep: Dora Default
leads_per_day: 2
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
    leads_per_day: 3
  - name: Otto Crm
    email: otto@example.com
    countries: [DE]
    leads_per_day: 1
    crm_ids: [005xx0000000001]
"""


def _territories(tmp_path: Path, text: str = REPS) -> Territories:
    path = tmp_path / "reps.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return Territories.from_file(load_yaml(path, "data/reps.yaml"))


def _leads(*rows: tuple) -> pd.DataFrame:
    """(lead_id, company_id, win probability, expected value, owner, country, industry)."""
    frame = pd.DataFrame(rows, columns=["lead_id", "company_id", "win_probability",
                                        "expected_value", "owner", "country", "industry"])
    frame["grade"] = pd.cut(frame["win_probability"], [0, 0.1, 0.25, 0.45, 1],
                            labels=["D", "C", "B", "A"]).astype(str)
    frame["expected_value"] = frame["expected_value"].map(Decimal)
    return frame


def _fill(leads: pd.DataFrame, territories: Territories, day: date = DAY) -> pd.DataFrame:
    return fill_lists(rank_accounts(leads), territories, day).set_index("lead_id")


def test_a_full_rep_passes_the_next_account_on_and_nobody_gets_more_than_capacity(tmp_path):
    territories = _territories(tmp_path)
    leads = _leads(*((f"S{i}", f"C{i}", 0.9 - i / 100, "1000", None, "FR", "software")
                     for i in range(7)))
    owners = _fill(leads, territories)
    assert owners["owner"].tolist() == ["Sam Soft"] * 2 + ["Dora Default"] * 3 + [BACKLOG] * 2
    assert owners["reason"].tolist() == (
        ["territory FR software"] * 2 + ["overflow: Sam Soft at capacity"] * 3
        + ["backlog: Sam Soft at capacity"] * 2)
    assert owners["rule"].tolist()[:5] == ["territory"] * 2 + ["overflow"] * 3


def test_the_lists_fill_in_priority_order_so_the_backlog_holds_the_least_likely(tmp_path):
    territories = _territories(tmp_path)
    leads = _leads(("BIG", "C1", 0.17, "90000", None, "FR", "retail"),
                   ("SURE", "C2", 0.97, "900", None, "FR", "retail"),
                   ("MID", "C3", 0.40, "5000", None, "FR", "retail"),
                   ("LOW", "C4", 0.05, "100", None, "FR", "retail"),
                   ("B2", "C5", 0.30, "4000", None, "FR", "retail"))
    owners = _fill(leads, territories)
    assert owners.index.tolist() == ["SURE", "MID", "B2", "BIG", "LOW"]  # grade, then value
    assert owners["owner"].tolist() == ["Dora Default"] * 3 + [BACKLOG] * 2


def test_a_company_goes_to_one_rep_with_at_most_its_cap_of_contacts(tmp_path):
    territories = _territories(tmp_path, REPS.replace("leads_per_day: 2", "leads_per_day: 9"))
    leads = _leads(("A1", "ACME", 0.2, "800", None, "FR", "software"),
                   ("A2", "ACME", 0.6, "900", None, "FR", "software"),
                   ("A3", "ACME", 0.5, "850", None, "FR", "software"))
    owners = _fill(leads, territories)
    assert owners.index.tolist() == ["A2", "A3", "A1"]  # the primary contact first
    assert owners["owner"].tolist() == ["Sam Soft", "Sam Soft", BACKLOG]
    assert owners.loc["A1", "reason"] == (
        "backlog: Sam Soft already has 2 contacts of this company (max_leads_per_company)")


def test_a_crm_owner_keeps_the_account_and_an_unknown_owner_goes_to_the_territory(tmp_path):
    territories = _territories(tmp_path)
    leads = _leads(("O1", "C1", 0.9, "10", "005xx0000000001AAA", "FR", "software"),
                   ("O2", "C2", 0.8, "10", "005xx0000000001", "FR", "software"),
                   ("U1", "C3", 0.7, "10", "005UNKNOWN00001", "FR", "software"))
    owners = _fill(leads, territories)
    assert owners["owner"].tolist() == ["Otto Crm", BACKLOG, "Sam Soft"]
    assert owners["reason"].tolist() == [
        "CRM owner", "backlog: Otto Crm (CRM owner) at capacity",
        "territory FR software (CRM owner unknown)"]


def test_a_lead_left_unworked_for_the_set_days_is_recycled_to_the_next_rep(tmp_path):
    territories = _territories(tmp_path)
    leads = _leads(("OLD", "C1", 0.9, "10", None, "FR", "software"),
                   ("DONE", "C2", 0.8, "10", None, "FR", "software"),
                   ("NEW", "C3", 0.7, "10", None, "FR", "software")).assign(
        holder=["Sam Soft", "Sam Soft", "Sam Soft"],
        held_since=pd.to_datetime(["2026-11-20", "2026-11-01", "2026-11-21"]),
        worked=[False, True, False])
    owners = _fill(leads, territories)
    assert owners["owner"].tolist() == ["Dora Default", "Sam Soft", "Sam Soft"]
    assert owners.loc["OLD", "reason"] == "recycled: not worked by Sam Soft in 7 days"
    assert owners.loc["OLD", "rule"] == "recycled"


def test_a_do_not_contact_lead_is_on_nobody_s_list_and_takes_no_room(tmp_path):
    territories = _territories(tmp_path)
    leads = _leads(("X", "C1", 0.9, "10", None, "FR", "software"),
                   ("Y", "C2", 0.8, "10", None, "FR", "software"),
                   ("Z", "C3", 0.7, "10", None, "FR", "software")).assign(
        do_not_contact=["DoNotCall", "", None])
    owners = _fill(leads, territories)
    assert owners["owner"].tolist() == [DO_NOT_CONTACT, "Sam Soft", "Sam Soft"]
    assert owners.loc["X", "reason"] == "do not contact: DoNotCall"
    assert pd.isna(owners.loc["X", "owner_email"])


def test_the_committed_reps_file_sets_a_capacity_for_every_rep():
    from support import REPO

    territories = Territories.from_file(load_yaml(REPO / "data" / "reps.yaml"))
    assert all(territories.capacity(r) >= 1 for r in territories.reps)
    assert territories.max_leads_per_company >= 1 and territories.recycle_after_days >= 1


@pytest.mark.parametrize(("change", "line", "field"), [
    (("leads_per_day: 2", "leads_per_day: 0"), 2, "leads_per_day"),
    (("max_leads_per_company: 2", "max_leads_per_company: two"), 3, "max_leads_per_company"),
    (("recycle_after_days: 7", "recycle_after_days: yes"), 4, "recycle_after_days"),
    (("    leads_per_day: 3", "    leads_per_day: 2.5"), 13, "reps[1].leads_per_day"),
])
def test_a_mistake_in_a_limit_is_one_sentence_naming_file_line_and_field(tmp_path, change,
                                                                        line, field):
    with pytest.raises(ConfigError) as caught:
        _territories(tmp_path, REPS.replace(*change))
    message = str(caught.value)
    assert message.startswith(f"data/reps.yaml, line {line}, field {field}: must be a whole number")
    assert "(at least 1)" in message and message.count(". ") == 0


def test_a_stale_holder_outside_the_lead_s_territories_does_not_make_it_recycled(tmp_path):
    leads = _leads(("L1", "C1", 0.9, "10", None, "FR", "software")).assign(
        holder=["Otto Crm"], held_since=pd.to_datetime(["2026-11-01"]), worked=[False])
    owners = _fill(leads, _territories(tmp_path))
    assert (owners.loc["L1", "owner"], owners.loc["L1", "reason"]) == (
        "Sam Soft", "territory FR software")


def test_once_every_list_is_full_each_account_still_gets_its_own_reason(tmp_path, monkeypatch):
    import scoring.workload as workload

    territories = _territories(tmp_path)  # room for 6: Sam 2, Dora 3, Otto 1
    kinds = [(None, "FR", "software"), ("005xx0000000001", "FR", "software"),
             (None, "FR", "retail"), (None, "DE", "software"), (None, "FR", "software")]
    rows = [(f"L{i:02d}", f"C{i:02d}", 0.9 - i / 100, "10", *kinds[i % 5]) for i in range(40)]
    stale = [i % 5 == 4 and i > 10 for i in range(40)]  # Sam let these go unworked
    leads = _leads(*rows).assign(
        holder=["Sam Soft" if s else None for s in stale],
        held_since=pd.to_datetime(["2026-11-01" if s else None for s in stale]),
        worked=False)
    made, options = [], workload._options
    monkeypatch.setattr(workload, "_options", lambda *a: made.append(a[1]) or options(*a))
    owners = _fill(leads, territories)
    assert (owners["owner"] != BACKLOG).sum() == 6
    assert len(made) == 4  # once per distinct preference, not once per account
    late = owners.loc[[f"L{i:02d}" for i in range(30, 35)], "reason"].tolist()
    assert late == ["backlog: Sam Soft at capacity", "backlog: Otto Crm (CRM owner) at capacity",
                    "backlog: Dora Default at capacity", "backlog: Otto Crm at capacity",
                    "backlog: Dora Default at capacity"]  # Sam skipped: not worked


def test_the_docstring_examples_of_the_lists_run():
    import scoring.workload

    result = doctest.testmod(scoring.workload)
    assert result.attempted >= 1 and result.failed == 0


@pytest.mark.parametrize("seed", range(5))
def test_accounts_placed_at_once_when_the_lists_are_full_get_what_one_by_one_gives(
        tmp_path, monkeypatch, seed):
    """Once every list is full, the accounts whose contacts are all reachable and none held
    unworked are placed together; the lists are those of placing every account in turn."""
    import random

    import scoring.workload as workload

    chance = random.Random(seed)
    kinds = [(None, "FR", "software"), ("005xx0000000001", "FR", "software"),
             (None, "FR", "retail"), (None, "DE", "software"), ("Nobody", "IT", None),
             (None, None, None)]
    rows = [(f"L{i:03d}", f"C{chance.randrange(90):02d}", chance.random(), "10",
             *chance.choice(kinds)) for i in range(300)]
    stale = [chance.random() < 0.1 for _ in rows]
    leads = _leads(*rows).assign(
        holder=[chance.choice(["Sam Soft", "Otto Crm", "Dora Default"]) if s else None
                for s in stale],
        held_since=pd.to_datetime(["2026-11-01" if s else None for s in stale]),
        worked=False,
        do_not_contact=["opted out" if chance.random() < 0.1 else "" for _ in rows])
    at_once = _fill(leads, _territories(tmp_path))

    def one_by_one(order, edges, dnc, stale, choices, place, number, out):
        for start, end in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
            place(order[start:end].tolist())

    monkeypatch.setattr(workload, "_place_when_full", one_by_one)
    pd.testing.assert_frame_equal(at_once, _fill(leads, _territories(tmp_path)))
    assert (at_once["rule"] == "backlog").sum() > 200  # most were placed once lists were full
    held = [lead for lead, s in zip(leads["lead_id"], stale, strict=True) if s]
    assert (at_once["rule"] == "do_not_contact").any()  # and accounts placed one by one:
    assert (at_once.loc[held, "rule"] == "backlog").any()  # held ones, once lists were full
