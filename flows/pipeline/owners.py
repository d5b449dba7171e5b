"""The daily flow's owner step: give every scored lead of a run its rep (scoring.assignment)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flows import store
from flows.editable_files import load_yaml
from flows.settings import Settings
from scoring.assignment import Territories, assign


def load_territories(settings: Settings) -> Territories:
    """data/reps.yaml, validated: a mistake is one sentence naming the file, line and field."""
    return Territories.from_file(load_yaml(settings.path(settings.reps)))


def assign_owners(settings: Settings, run_date: date) -> dict[str, Any]:
    """Store the owner of each lead scored on `run_date`; returns the count per owner and rule."""
    territories = load_territories(settings)
    with store.opened(settings.path(settings.warehouse)) as con:
        leads = con.execute(store.sql("leads_to_assign", __package__), [run_date]).df()
        owners = assign(leads, territories)
        with store.transaction(con):
            store.replace_run(con, "owner_assignments", run_date, owners)
    return {"owners": owners["owner"].value_counts().to_dict(),
            "rules": owners["rule"].value_counts().to_dict()}
