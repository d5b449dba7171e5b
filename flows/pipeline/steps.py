"""The daily pipeline's steps as plain functions: each reads and writes the warehouse in one
transaction and returns a small summary. pipeline/daily.py wraps each one as a Prefect task."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import pandas as pd
from pandas.api.types import is_list_like

from features.enrichment import enrich_offline
from features.point_in_time import stage_open_features
from flows import store
from flows.editable_files import load_yaml
from flows.intake.daily import import_all
from flows.settings import Settings
from scoring.pricing import PriceBook, quote_leads
from scoring.reasons import languages_for
from scoring.talking_points import pick_points


def intake(settings: Settings, run_date: date, now: datetime, dry_run: bool = False
           ) -> list[dict[str, Any]]:
    """Load the configured CSVs; rejects go to data/rejects/<run_date>/. With `dry_run`, the
    warehouse is opened read-only and nothing is written anywhere."""
    opener = store.opened_read_only if dry_run else store.opened
    with opener(settings.path(settings.warehouse)) as con:
        results = import_all(
            con, settings.path(settings.leads_csv), settings.path(settings.companies_csv),
            settings.path(settings.activities_csv),
            settings.path(settings.rejects_dir) / run_date.isoformat(), now, dry_run=dry_run,
        )
    return [asdict(r) for r in results]


def enrich(settings: Settings, now: datetime) -> int:
    """Offline enrichment of every lead: email kind, company domain, seniority, department."""
    with store.opened(settings.path(settings.warehouse)) as con:
        leads = con.execute(store.sql("leads_for_enrichment", __package__)).df()
        companies = con.execute("SELECT company_id, domain FROM companies").df()
        enriched = enrich_offline(leads, companies).assign(enriched_at=pd.Timestamp(now))
        with store.transaction(con):
            return store.upsert(con, "lead_enrichment", enriched)


def features(settings: Settings, run_date: date) -> int:
    """Point-in-time features of the leads open at the start of `run_date`, stored as typed
    columns (one per feature and context column: migration 014)."""
    with store.opened(settings.path(settings.warehouse)) as con:
        staged = stage_open_features(con, run_date, store.sql("off_sheet", __package__),
                                     {"run_date": run_date})
        with store.transaction(con):
            store.put_run(con, "lead_features", run_date, staged)
        return con.execute(f"SELECT count(*) FROM {staged}").fetchall()[0][0]  # noqa: S608


def load_features(con, run_date: date, first: str = "", after: str | None = None
                  ) -> pd.DataFrame:
    """The stored feature rows of `run_date`, one per lead in lead_id order: lead_id, as_of,
    every feature and the context columns, in one columnar query (no per-lead decoding). With
    `first` and `after`, only the leads from `first` up to (not including) `after`: a chunk.

    Numbers are float64 (NaN when unknown), timestamps datetime64[us], text str (also where no
    lead has a value), and each lead's `enriched_facts` a list, as the talking points' templates
    read them.
    """
    frame = con.sql(store.sql("features_of_run", __package__),
                    params={"run_date": run_date, "first": first, "after": after}
                    ).to_arrow_table().to_pandas()  # 2x DuckDB's .df()
    frame["enriched_facts"] = [list(facts) if is_list_like(facts) else None
                               for facts in frame["enriched_facts"]]
    return frame


def price(settings: Settings, run_date: date) -> int:
    """Plan, seats, currency, the negotiation band (suggested, walk-away, approval, multi-year)
    and the expected value per scored lead."""
    book = PriceBook.from_file(load_yaml(settings.path(settings.price_book)))
    with store.opened(settings.path(settings.warehouse)) as con:
        leads = con.execute(store.sql("leads_to_price", __package__), [run_date]).df()
        quotes = quote_leads(leads, book) if len(leads) else pd.DataFrame(columns=["lead_id"])
        with store.transaction(con):
            return store.replace_run(con, "quotes", run_date, quotes)


def talking_points(settings: Settings, run_date: date) -> int:
    """At least three grounded talking points per lead, from the editable playbook."""
    playbook = load_yaml(settings.path(settings.playbook)).data
    with store.opened(settings.path(settings.warehouse)) as con:
        frame = load_features(con, run_date)
        plans = con.execute("SELECT lead_id, plan, seats FROM quotes WHERE run_date = ?",
                            [run_date]).df()
        frame = frame.merge(plans, on="lead_id", how="left")
        languages = languages_for(frame["country"], settings.language)
        picked = (pick_points(frame, playbook, languages) if len(frame)
                  else pd.DataFrame({"points": [], "point_ids": []}, dtype=object))
        rows = pd.DataFrame({"lead_id": frame["lead_id"], "points": picked["points"],
                             "point_ids": picked["point_ids"]})
        with store.transaction(con):
            return store.replace_run(con, "talking_points", run_date, rows)
