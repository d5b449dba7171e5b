"""The daily pipeline's steps as plain functions: each reads and writes the warehouse in one
transaction, or (price, talking points) one per chunk of leads and one that puts the day's
rows in place (store.staged_run), and returns a small summary. pipeline/daily.py wraps each
one as a Prefect task."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from pandas.api.types import is_list_like

from features.enrichment import enrich_offline, rules_fingerprint
from features.point_in_time import insert_open_features
from flows import store
from flows.editable_files import load_yaml
from flows.intake.daily import import_all
from flows.pipeline.old_runs import prune_runs
from flows.pipeline.overlap import staged_behind
from flows.settings import Settings
from flows.sheets import retention
from flows.sheets.export import sheet_days
from scoring.playbook import fields_read
from scoring.pricing import Bands, PriceBook, quote_leads
from scoring.reasons import languages_for
from scoring.talking_points import Known, pick_points


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
    """Offline enrichment (email kind, company domain, seniority, department) of the leads
    that are new, or whose email, title, company or company website changed, or all of them
    when the rules did (features.enrichment.rules_fingerprint); returns how many."""
    with store.opened(settings.path(settings.warehouse)) as con:
        leads = con.execute(store.sql("leads_for_enrichment", __package__),
                            {"rules": rules_fingerprint()}).df()
        companies = leads[["company_id", "domain"]].dropna(subset=["company_id"]).drop_duplicates(
            "company_id")
        enriched = enrich_offline(leads, companies).assign(
            enriched_at=pd.Timestamp(now), inputs=leads["inputs"])
        with store.transaction(con):
            return store.upsert(con, "lead_enrichment", enriched)


def features(settings: Settings, run_date: date) -> int:
    """Point-in-time features of the leads open at the start of `run_date`, stored as typed
    columns (one per feature and context column: migration 014).

    The rows never pass through Python: the step's memory is DuckDB's (the features query's
    joins and aggregates, about 2 KB a lead, and the insert), held to
    `settings.duckdb_memory_limit`, beyond which DuckDB spills to disk. One transaction: the
    day's earlier rows go, the query's rows go in, and a lead named twice undoes both."""
    with (store.opened(settings.path(settings.warehouse), settings.duckdb_memory_limit) as con,
          store.transaction(con)):
        store.clear_run(con, "lead_features", run_date)
        inserted = insert_open_features(con, run_date, store.sql("off_sheet", __package__),
                                        "lead_features", {"run_date": run_date})
        store.refuse_leads_twice(con, "lead_features", run_date)
        return inserted


def prune_old_days(settings: Settings, run_date: date, keep_days: int, dry_run: bool = False,
                   done: Callable[[Path], object] = lambda folder: None) -> retention.Pruned:
    """Delete the rows of the runs more than `keep_days` before `run_date` from the warehouse
    (old_runs.py), then the folders of those days under out_dir whose sheet it keeps
    (flows/sheets/retention.py)."""
    with store.opened(settings.path(settings.warehouse)) as con:
        with store.transaction(con):
            run_days, rows = prune_runs(con, run_date, keep_days, dry_run)
        days = set(sheet_days(con))
    pruned = retention.prune(settings.path(settings.out_dir), days, run_date, keep_days,
                             dry_run, done)
    pruned.run_days, pruned.rows = run_days, rows
    return pruned


def load_features(con, run_date: date, first: str = "", after: str | None = None,
                  columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The stored feature rows of `run_date`, one per lead in lead_id order: lead_id, as_of,
    every feature and the context columns, in one columnar query (no per-lead decoding). With
    `first` and `after`, only the leads from `first` up to (not including) `after`: a chunk.
    With `columns`, only those (DuckDB reads no other: the scores need 24 of the 68).

    Numbers are float64 (NaN when unknown), timestamps datetime64[us], text str (also where no
    lead has a value), and each lead's `enriched_facts` a list, as the talking points' templates
    read them.
    """
    rows = con.sql(store.sql("features_of_run", __package__),
                   params={"run_date": run_date, "first": first, "after": after})
    if columns is not None:
        rows = rows.select(*map(duckdb.ColumnExpression, dict.fromkeys(columns)))
    frame = rows.to_arrow_table().to_pandas()  # 2x DuckDB's .df()
    if "enriched_facts" in frame:
        frame["enriched_facts"] = [list(facts) if is_list_like(facts) else None
                                   for facts in frame["enriched_facts"]]
    return frame


def price(settings: Settings, run_date: date) -> int:
    """Plan, seats, currency, the negotiation band (suggested, walk-away, approval, multi-year)
    and the expected value per scored lead, in chunks of `settings.chunk_leads` leads (each
    lead is priced on its own: any chunk size stores the same quotes)."""
    book = PriceBook.from_file(load_yaml(settings.path(settings.price_book)))
    bands = Bands(book)  # each band worked out once a day, not once a chunk
    priced = 0
    with store.opened(settings.path(settings.warehouse), settings.duckdb_memory_limit) as con:
        starts = store.chunk_starts(con, run_date, settings.chunk_leads)
        with staged_behind(con, "quotes", run_date) as keep:  # stored while the next is priced
            for bounds in store.chunk_bounds(starts):
                leads = con.execute(store.sql("leads_to_price", __package__),
                                    {"run_date": run_date, **bounds}).df()
                if len(leads):
                    quotes = quote_leads(leads, book, bands)
                    keep(quotes)
                    priced += len(quotes)
    return priced


def talking_points(settings: Settings, run_date: date) -> int:
    """At least three grounded talking points per lead, from the editable playbook, in chunks
    of `settings.chunk_leads` leads (each lead's points are its own: any chunk size stores the
    same rows)."""
    playbook = load_yaml(settings.path(settings.playbook)).data
    written = 0
    with store.opened(settings.path(settings.warehouse), settings.duckdb_memory_limit) as con:
        starts = store.chunk_starts(con, run_date, settings.chunk_leads)
        read = _read_by(con, run_date, playbook)
        known = Known(playbook)  # each condition and sentence worked out once a day
        with staged_behind(con, "talking_points", run_date) as keep:  # stored meanwhile
            for bounds in store.chunk_bounds(starts):
                points = _points(con, run_date, bounds, playbook, settings.language, read,
                                 known)
                keep(points)
                written += len(points)
    return written


def _read_by(con, run_date: date, playbook: dict) -> list[str] | None:
    """The stored feature columns the talking points read: lead_id, country (the language)
    and the fields the playbook's entries read, which are all its templates are handed (a
    lead column left out holds None for pick_points, and nothing reads it). At a million
    leads, a chunk of 50,000 is read in 0.07-0.13 s instead of 0.15-0.16 s, and the enriched
    facts' lists are not made unless a template reads them. None (every column) for a playbook
    with problems: pick_points reports them, as it always has."""
    stored = con.sql(store.sql("features_of_run", __package__), params={
        "run_date": run_date, "first": "", "after": None}).columns  # bound, not run
    read = fields_read(playbook, stored)
    if read is None:
        return None
    return [c for c in stored if c in {"lead_id", "country", *read}]


def _points(con, run_date: date, bounds: dict, playbook: dict, language: str | None,
            columns: list[str] | None = None, known: Known | None = None) -> pd.DataFrame:
    """The talking_points rows of one chunk of leads (`bounds`: first, after), of the stored
    feature `columns` (None: all of them), `known` kept across the chunks (scoring.talking_points
    .Known)."""
    frame = load_features(con, run_date, **bounds, columns=columns)
    plans = con.execute(store.sql("plans_of_run", __package__),
                        {"run_date": run_date, **bounds}).df()
    frame = frame.merge(plans, on="lead_id", how="left")
    if frame.empty:
        return pd.DataFrame({"lead_id": [], "points": [], "point_ids": []}, dtype=object)
    picked = pick_points(frame, playbook, languages_for(frame["country"], language),
                         known=known)
    return pd.DataFrame({"lead_id": frame["lead_id"], "points": picked["points"],
                         "point_ids": picked["point_ids"]})
