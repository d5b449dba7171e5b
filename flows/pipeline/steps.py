"""The daily pipeline's steps as plain functions: each reads and writes the warehouse in one
transaction, or (price, talking points) one per chunk of leads and one that puts the day's
rows in place (store.staged_run), and returns a small summary. pipeline/daily.py wraps each
one as a Prefect task."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pandas.api.types import is_list_like

from features.enrichment import enrich_offline
from features.point_in_time import stage_open_features
from flows import store
from flows.editable_files import load_yaml
from flows.intake.daily import import_all
from flows.pipeline import owners
from flows.settings import Settings
from flows.sheets import files as sheet_files
from flows.sheets.rep_pages import write_rep_pages
from scoring.pricing import PriceBook, quote_leads
from scoring.reasons import languages_for
from scoring.sheet import build_sheet
from scoring.sheet_layout import sheet_rows_json
from scoring.talking_points import pick_points

PLAYBOOK_STATS = "playbook_stats.csv"


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
    columns (one per feature and context column: migration 014).

    The rows never pass through Python: the step's memory is DuckDB's (the features query's
    joins and aggregates, about 2 KB a lead, then the staged table and the insert), held to
    `settings.duckdb_memory_limit`, beyond which DuckDB spills to disk."""
    with store.opened(settings.path(settings.warehouse), settings.duckdb_memory_limit) as con:
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
    and the expected value per scored lead, in chunks of `settings.chunk_leads` leads (each
    lead is priced on its own: any chunk size stores the same quotes)."""
    book = PriceBook.from_file(load_yaml(settings.path(settings.price_book)))
    priced = 0
    with store.opened(settings.path(settings.warehouse), settings.duckdb_memory_limit) as con:
        starts = store.chunk_starts(con, run_date, settings.chunk_leads)
        with store.staged_run(con, "quotes", run_date) as add:
            for bounds in store.chunk_bounds(starts):
                leads = con.execute(store.sql("leads_to_price", __package__),
                                    {"run_date": run_date, **bounds}).df()
                if len(leads):
                    priced += add(quote_leads(leads, book))
    return priced


def talking_points(settings: Settings, run_date: date) -> int:
    """At least three grounded talking points per lead, from the editable playbook, in chunks
    of `settings.chunk_leads` leads (each lead's points are its own: any chunk size stores the
    same rows)."""
    playbook = load_yaml(settings.path(settings.playbook)).data
    written = 0
    with store.opened(settings.path(settings.warehouse), settings.duckdb_memory_limit) as con:
        starts = store.chunk_starts(con, run_date, settings.chunk_leads)
        with store.staged_run(con, "talking_points", run_date) as add:
            for bounds in store.chunk_bounds(starts):
                written += add(_points(con, run_date, bounds, playbook, settings.language))
    return written


def _points(con, run_date: date, bounds: dict, playbook: dict, language: str | None
            ) -> pd.DataFrame:
    """The talking_points rows of one chunk of leads (`bounds`: first, after)."""
    frame = load_features(con, run_date, **bounds)
    plans = con.execute(store.sql("plans_of_run", __package__),
                        {"run_date": run_date, **bounds}).df()
    frame = frame.merge(plans, on="lead_id", how="left")
    if frame.empty:
        return pd.DataFrame({"lead_id": [], "points": [], "point_ids": []}, dtype=object)
    picked = pick_points(frame, playbook, languages_for(frame["country"], language))
    return pd.DataFrame({"lead_id": frame["lead_id"], "points": picked["points"],
                         "point_ids": picked["point_ids"]})


def publish(settings: Settings, run_date: date) -> tuple[Path, pd.DataFrame]:
    """Write data/out/<run_date>/lead_sheet.<csv|xlsx> and keep its rows in the warehouse;
    beside it, each rep's page and e-mail (reps/<rep-slug>.html and .eml). The reps' active moves
    reorder it, and playbook_stats.csv beside it counts the talking points reps marked useful or
    wrong.

    The format and locale are the settings' sheet_format and sheet_locale (CSV, en by default);
    a French sheet is lead_sheet.fr.<csv|xlsx>.
    """
    with store.opened(settings.path(settings.warehouse)) as con:
        # through Arrow, DECIMAL money arrives as Decimal (exact) and 2x faster than .df()
        scored = con.sql(store.sql("sheet_inputs", __package__),
                         params=[run_date]).to_arrow_table().to_pandas()
        moves = con.execute(store.sql("active_moves", __package__),
                            {"run_date": run_date, "days": settings.move_days}).df()
        sheet = build_sheet(scored, moves)
        stats = playbook_stats(con)
        rows = pd.DataFrame({
            "rank": sheet["rank"], "lead_id": sheet["lead_id"],
            "row": sheet_rows_json(sheet),
        })
        with store.transaction(con):
            store.replace_run(con, "sheet_rows", run_date, rows)
    path = (settings.path(settings.out_dir) / run_date.isoformat()
            / sheet_files.localised_name(f"lead_sheet.{settings.sheet_format}",
                                         settings.sheet_locale))
    sheet_files.write_sheet(sheet, path, settings.sheet_format, settings.sheet_locale)
    addresses = {rep.name: rep.email for rep in owners.load_territories(settings).reps}
    write_rep_pages(sheet, path.parent, run_date, settings.sheet_locale, addresses)
    # for sales ops: which talking points reps found useful or wrong (ids and counts only)
    stats.to_csv(path.with_name(PLAYBOOK_STATS), index=False, encoding="utf-8-sig",
                 lineterminator="\r\n")
    return path, sheet


def playbook_stats(con) -> pd.DataFrame:
    """Per talking point (playbook entry id): the leads it was shown to, and how many leads'
    reps marked it useful or wrong; the most often wrong first."""
    return con.execute(store.sql("playbook_stats", __package__)).df()
