"""The daily flow's owner step: fill each rep's list for the day (scoring.workload), accounts in
priority order (scoring.accounts), with the capacities and territories of data/reps.yaml."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from flows import store
from flows.editable_files import load_yaml
from flows.pipeline.decimals import exact_decimals
from flows.privacy import suppression
from flows.settings import Settings
from scoring.accounts import rank_accounts
from scoring.assignment import Territories
from scoring.workload import BACKLOG, DO_NOT_CONTACT, fill_lists

# Columns of a CRM export (kept in leads.extra) that say a person must not be contacted, lower
# case: Salesforce's DoNotCall and HasOptedOutOfEmail, HubSpot's email opt-out, a plain
# do_not_contact column. A sheet offers to call and to e-mail, so any of them keeps the lead off.
OPT_OUT_COLUMNS: tuple[str, ...] = (
    "do_not_contact", "do not contact", "donotcontact", "donotcall", "hasoptedoutofemail",
    "unsubscribed from all email", "hs_email_optout", "opted out of all email")
YES: tuple[str, ...] = ("true", "1", "yes", "y", "oui", "x")


def load_territories(settings: Settings) -> Territories:
    """data/reps.yaml, validated: a mistake is one sentence naming the file, line and field."""
    return Territories.from_file(load_yaml(settings.path(settings.reps)))


def assign_owners(settings: Settings, run_date: date) -> dict[str, Any]:
    """Store the day's owner of each lead scored on `run_date` (a rep, the Backlog or Do not
    contact) and why; returns the count per owner and per rule."""
    territories = load_territories(settings)
    warehouse = settings.path(settings.warehouse)
    with store.opened(warehouse, settings.duckdb_memory_limit) as con:
        # through Arrow: text columns made from Arrow's buffers, not a Python str per cell
        # (DuckDB's .df(), 1.8 s at a million leads), and money as exact Arrow decimals
        leads = con.sql(store.sql("leads_to_assign", __package__), params={
            "run_date": run_date, "flags": list(OPT_OUT_COLUMNS), "yes": list(YES)}
            ).to_arrow_table().to_pandas(types_mapper=exact_decimals)
        leads["do_not_contact"] = _do_not_contact(con, leads)
    # the lists are filled with DuckDB closed: it keeps what it read cached while open (at a
    # million leads, 0.65 GB more at the step's peak)
    leads = leads.drop(columns=["email", "opt_outs"])  # what only do-not-contact needed
    owners = fill_lists(rank_accounts(leads), territories, run_date)
    del leads
    with store.opened(warehouse, settings.duckdb_memory_limit) as con, store.transaction(con):
        store.replace_run(con, "owner_assignments", run_date, owners)
        note_owner_streaks(con, run_date)
    return {"owners": owners["owner"].value_counts().to_dict(),
            "rules": owners["rule"].value_counts().to_dict()}


def note_owner_streaks(con, run_date: date) -> None:
    """Bring owner_streaks (the first run of each lead's streaks with one owner, migration 022)
    in line with the owner assignments of `run_date`, just written. When no later day is kept
    (a new day, or the last day run again), the day's own streaks go and its leads are read
    against the streaks kept: the cost of a day, not of every day kept. An earlier day run again
    may start or end the streaks of the days after it: they are all made again."""
    day = {"run_date": run_date}
    [(later,)] = con.execute(store.sql("owner_days_after", __package__), day).fetchall()
    if later:
        remake_owner_streaks(con)
        return
    con.execute(store.sql("owner_streaks_drop", __package__), day)
    con.execute(store.sql("owner_streaks_add", __package__), day)


def remake_owner_streaks(con) -> None:
    """Make owner_streaks again from every kept day's owner assignments, as migration 022 fills
    it (what reading them cost the owner step each day before)."""
    con.execute(store.sql("owner_streaks_all", __package__))


def load_line(summary: dict[str, Any]) -> str:
    """The day's lists in one line, for the run summary.

    >>> load_line({"owners": {"Backlog": 3, "Ana": 40, "Bo": 12}})
    "Today's lists: Ana 40, Bo 12, Backlog 3"
    """
    counts = summary.get("owners", {})
    order = sorted(counts, key=lambda o: (o in (BACKLOG, DO_NOT_CONTACT), -counts[o], o))
    return "Today's lists: " + ", ".join(f"{o} {counts[o]}" for o in order)


def _do_not_contact(con, leads: pd.DataFrame) -> pd.Series:
    """Why each lead must not be contacted, or "": erased by `leadpilot forget` (the
    suppression list, should the person come back by a door that does not check it), or a
    CRM opt-out column."""
    erased = (leads["email"].isin(suppression.suppressed_among(con, leads["email"].dropna()))
              | leads["lead_id"].isin(suppression.lead_ids_among(con, leads["lead_id"])))
    why = leads["opt_outs"].fillna("").astype(str)
    return why.where(~erased, "on the suppression list")
