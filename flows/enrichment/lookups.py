"""Enrichment over HTTP, the step: plan each lead's lookups, answer what the cache still holds,
fetch the rest (enrichment/fetching.py, behind the SSRF guard), parse each payload with its pure
parser (features/registry.py, website.py, json_fields.py), write the cache and rebuild each
lead's facts with their provenance. A provider's failure never stops the run: it is recorded
per lead, reported in the summary, and retried on the next run."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pandas as pd

from features.facts import FACT_FIELDS
from features.json_fields import decode_json, extract_fields
from features.lookups import PLAN_COLUMNS, Lookup, plan_lookups
from features.registry import RegistryLookup, parse_registry
from features.website import decode_html, parse_homepage
from flows import store
from flows.enrichment.fetching import Fetcher, Reply
from flows.enrichment.providers import Provider, Providers, load_providers
from flows.enrichment.ssrf import Allowlist, Resolver, system_resolver
from flows.errors import LeadpilotError
from flows.settings import Settings

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (lookups done, lookups due)
OUTCOMES = ("ok", "not_found", "refused", "error")


def enrich_http(settings: Settings, now: datetime, only: str | None = None,
                refresh: bool = False, progress: Progress | None = None,
                resolver: Resolver = system_resolver, open_only: bool = False
                ) -> dict[str, Any]:
    """Enrich the leads with the providers switched on in the providers file.

    Args:
        settings: where the warehouse and the providers file are.
        now: the run's clock (UTC, naive): fetch dates and cache expiry are counted from it.
        only: fetch for this provider only (the facts of the others stay as cached).
        refresh: ask again even what the cache still holds.
        progress: called after each lookup with (done, due).
        resolver: how host names become addresses (tests inject one; default getaddrinfo).
        open_only: fetch for open leads only (the daily flow); the facts of every lead are
            still rebuilt from the cache. Default: every lead (a backfill).

    Returns:
        The run summary: providers enabled, then per provider lookups, from_cache,
        requested, http_requests, ok, not_found, refused, failed, skipped, circuit, leads_failed.

    Raises:
        LeadpilotError: `only` names no provider, or one switched off.
        ConfigError: the providers file is wrong.
    """
    label = str(settings.providers)
    setup = load_providers(settings.path(settings.providers), label)
    chosen = _chosen(setup, only, label)
    with store.opened(settings.path(settings.warehouse)) as con:
        # with every provider off no lead needs a lookup: the facts are only cleared (below),
        # and a million leads are not read for nothing (10 s)
        leads = (con.execute(store.sql("enrichment_leads", __package__)).df() if setup.enabled
                 else pd.DataFrame({"lead_id": [], "status": []}, dtype="str"))
        plan, lookups = _plan(leads, setup.enabled)
        scope = plan[plan["lead_id"].isin(leads.loc[leads["status"] == "open", "lead_id"])
                     ] if open_only else plan
        previous, due = _due(con, scope, lookups, {p.name for p in chosen}, now, refresh)
    replies, stats = ({}, {}) if not due else _run(
        fetch_lookups(due, chosen, setup, resolver, progress))
    providers = {p.name: p for p in setup.providers}
    answers = pd.DataFrame(
        [_answer(providers[lk.provider], lk, replies[(lk.provider, lk.key)],
                 previous.get((lk.provider, lk.key)), now) for lk in due],
        columns=["provider", "key", "status", "payload", "fields", "error", "attempts",
                 "fetched_at", "checked_at", "expires_at"])
    with store.opened(settings.path(settings.warehouse)) as con, store.transaction(con):
        _save(con, answers)
        _rebuild(con, plan, setup.enabled)
        failed = con.execute("SELECT provider, count(DISTINCT lead_id) FROM lead_lookups "
                             "WHERE status = 'error' GROUP BY provider").fetchall()
        failed_leads = con.execute("SELECT count(DISTINCT lead_id) FROM lead_lookups "
                                   "WHERE status = 'error'").fetchone()[0]
    summary = _summary(setup, chosen, scope, due, answers, replies, stats, dict(failed))
    summary["failed_leads"] = int(failed_leads)
    log.info("enrichment: %s", json.dumps(summary))
    return summary


def _chosen(setup: Providers, only: str | None, label: str) -> list[Provider]:
    if only is None:
        return list(setup.enabled)
    names = [p.name for p in setup.providers]
    if only not in names:
        raise LeadpilotError(f"No provider is named {only!r} in {label}: use one of "
                             f"{', '.join(names) or '(none)'}.")
    if only not in {p.name for p in setup.enabled}:
        raise LeadpilotError(f"The provider {only} is switched off: set enabled = true under "
                             f"[providers.{only}] in {label}.")
    return [p for p in setup.enabled if p.name == only]


def _plan(leads: pd.DataFrame, providers: Iterable[Provider]):
    plans, lookups = [pd.DataFrame(columns=list(PLAN_COLUMNS))], {}
    for p in providers:
        plan, found = plan_lookups(leads, p.name, p.kind, p.url, p.key)
        plans.append(plan)
        lookups.update({(p.name, key): lookup for key, lookup in found.items()})
    plan = pd.concat(plans, ignore_index=True) if len(plans) > 1 else plans[0]
    return plan.astype({"lead_id": "str", "provider": "str", "key": "str"}), lookups


def _due(con, plan: pd.DataFrame, lookups: dict, chosen: set[str], now: datetime,
         refresh: bool) -> tuple[dict, list[Lookup]]:
    wanted = plan.loc[plan["provider"].isin(chosen), ["provider", "key"]].drop_duplicates()
    con.register("_wanted", wanted)
    try:
        cached = con.execute(store.sql("enrichment_cached", __package__)).df()
    finally:
        con.unregister("_wanted")
    cached = cached.astype(object).where(cached.notna(), None)
    previous = {(r["provider"], r["key"]): r for r in cached.to_dict("records")}
    fresh = set() if refresh else {k for k, r in previous.items()
                                   if pd.Timestamp(r["expires_at"]) > pd.Timestamp(now)}
    due = [lookups[k] for k in wanted.itertuples(index=False, name=None) if k not in fresh]
    return previous, due


async def fetch_lookups(due: list[Lookup], chosen: list[Provider], setup: Providers,
                        resolver: Resolver = system_resolver, progress: Progress | None = None):
    """Fetch every due lookup, each provider through its own Fetcher; never raises.

    Returns:
        ({(provider, key): Reply}, {provider: {"http_requests", "circuit_trips"[,
        "misconfigured"]}}).
    """
    replies: dict[tuple[str, str], Reply] = {}
    headers, broken, done = {}, {}, 0
    async with contextlib.AsyncExitStack() as stack:
        fetchers = {}
        for p in chosen:
            try:
                headers[p.name] = p.auth_headers()
            except LookupError as exc:
                broken[p.name] = f"misconfigured: {exc}"
                continue
            fetchers[p.name] = await stack.enter_async_context(
                Fetcher(p.policy, Allowlist(setup.allow), resolver, setup.user_agent))

        async def one(lookup: Lookup) -> None:
            nonlocal done
            fetcher = fetchers.get(lookup.provider)
            if fetcher is None:
                reply = Reply("error", error=broken[lookup.provider])
            else:
                try:
                    reply = await fetcher.fetch(lookup.url, lookup.params,
                                                headers[lookup.provider])
                except Exception as exc:  # a bug here must not stop the run
                    reply = Reply("error", error=f"unexpected {type(exc).__name__}")
            replies[(lookup.provider, lookup.key)] = reply
            done += 1
            if progress is not None:
                progress(done, len(due))

        await asyncio.gather(*(one(lookup) for lookup in due))
    stats = {name: {"http_requests": f.requests_sent, "circuit_trips": f.breaker.trips}
             for name, f in fetchers.items()}
    stats.update({name: {"http_requests": 0, "circuit_trips": 0, "misconfigured": why}
                  for name, why in broken.items()})
    return replies, stats


def _run(coroutine: Coroutine):
    """asyncio.run, in a worker thread when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def parse_reply(provider: Provider, lookup: Lookup,
                reply: Reply) -> tuple[str, dict[str, str] | None, str | None]:
    """(status, facts, error) of one reply, by the provider's pure parser; never raises."""
    if reply.status != "ok":
        return reply.status, None, reply.error
    try:
        if provider.kind == "website":
            return "ok", parse_homepage(decode_html(reply.body, reply.content_type)), None
        payload = decode_json(reply.body)
        if provider.kind == "registry":
            query = RegistryLookup(lookup.key, lookup.params or {}, lookup.siren, lookup.name)
            status, facts = parse_registry(payload, query)
            return status, facts, None
        facts = extract_fields(payload, provider.fields)
        return ("ok" if facts else "not_found"), facts, None
    except ValueError as exc:
        return "error", None, str(exc)
    except Exception as exc:  # a parser bug is this lookup's failure, not the run's
        return "error", None, f"could not read the answer ({type(exc).__name__})"


def _answer(provider: Provider, lookup: Lookup, reply: Reply, previous: dict | None,
            now: datetime) -> dict[str, Any]:
    status, facts, error = parse_reply(provider, lookup, reply)
    row = {"provider": lookup.provider, "key": lookup.key, "status": status, "error": error,
           "attempts": reply.attempts, "checked_at": now}
    if status == "error":  # keep the last good answer; ask again on the next run
        kept = previous or {}
        return {**row, "payload": kept.get("payload"), "fields": kept.get("fields"),
                "fetched_at": kept.get("fetched_at"), "expires_at": now}
    payload = None
    if reply.body:
        payload = (decode_html(reply.body, reply.content_type) if provider.kind == "website"
                   else reply.body.decode("utf-8", errors="replace"))
    return {**row, "payload": payload, "fields": json.dumps(facts or {}, ensure_ascii=False),
            "fetched_at": now, "expires_at": now + provider.ttl}


def _save(con, answers: pd.DataFrame) -> None:
    if answers.empty:
        return
    con.register("_answers", answers)
    try:
        con.execute(store.sql("enrichment_save", __package__))
    finally:
        con.unregister("_answers")


def _rebuild(con, plan: pd.DataFrame, enabled: Iterable[Provider]) -> None:
    order = pd.DataFrame({"provider": [p.name for p in enabled]}, dtype="str")
    order["rank"] = range(len(order))
    labels = pd.DataFrame({"field": list(FACT_FIELDS), "label": list(FACT_FIELDS.values())})
    frames = {"_plan": plan, "_order": order, "_labels": labels}
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        con.execute(store.sql("enrichment_rebuild", __package__))
    finally:
        for name in frames:
            con.unregister(name)


def _summary(setup: Providers, chosen: list[Provider], plan: pd.DataFrame, due: list[Lookup],
             answers: pd.DataFrame, replies: dict, stats: dict, failed: dict) -> dict[str, Any]:
    summary: dict[str, Any] = {"providers_enabled": len(setup.enabled)}
    if not setup.enabled:
        summary["note"] = "0 providers enabled"
    for p in chosen:
        mine = plan[plan["provider"] == p.name]
        done = answers[answers["provider"] == p.name]
        counts = done["status"].value_counts().to_dict()
        skipped = sum(1 for (name, _), r in replies.items() if name == p.name and r.skipped)
        info = stats.get(p.name, {"http_requests": 0, "circuit_trips": 0})
        summary[p.name] = {
            "leads": int(mine["lead_id"].nunique()), "lookups": int(mine["key"].nunique()),
            "from_cache": int(mine["key"].nunique()) - len(done), "requested": len(done),
            "http_requests": info["http_requests"],
            **{("failed" if s == "error" else s): int(counts.get(s, 0)) for s in OUTCOMES},
            "skipped": skipped,
            "circuit": f"opened {info['circuit_trips']}×" if info["circuit_trips"] else "closed",
            "leads_failed": int(failed.get(p.name, 0)),
        }
        if "misconfigured" in info:
            summary[p.name]["misconfigured"] = info["misconfigured"]
    return summary


def enrich_daily(settings: Settings, now: datetime) -> dict[str, Any]:
    """The daily flow's step: `enrich_http` of the open leads that never fails the run (a bad
    providers file or a bug is reported in the summary; the lead sheet is still written).
    `leadpilot enrich` backfills every lead."""
    try:
        return enrich_http(settings, now, open_only=True)
    except Exception as exc:
        log.warning("enrichment over HTTP skipped: %s", exc)
        return {"providers_enabled": 0, "error": f"enrichment skipped: {exc}"}


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The enrichment part of the run summary, as markdown list items."""
    if "error" in summary:
        return [f"- enrichment: {summary['error']}"]
    lines = [f"- enrichment: {summary.get('providers_enabled', 0)} providers enabled"]
    for name, s in summary.items():
        if not isinstance(s, dict):
            continue
        line = (f"- enrichment {name}: {s['lookups']} lookups, {s['from_cache']} from cache, "
                f"{s['requested']} requested ({s['http_requests']} HTTP requests): {s['ok']} ok, "
                f"{s['not_found']} not found, {s['refused']} refused, {s['failed']} failed; "
                f"circuit {s['circuit']}")
        if s.get("skipped"):
            line += f", {s['skipped']} skipped by the circuit breaker"
        if s.get("misconfigured"):
            line += f"; {s['misconfigured']}"
        lines.append(line)
    if summary.get("failed_leads"):
        lines.append(f"- leads whose enrichment failed (retried on the next run): "
                     f"{summary['failed_leads']}")
    return lines
