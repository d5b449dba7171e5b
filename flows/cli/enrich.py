"""`leadpilot enrich`: enrichment over HTTP from the command line, with a progress bar and a
table of what each provider did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from flows import clock
from flows.enrichment.lookups import enrich_http
from flows.enrichment.ssrf import Resolver, system_resolver
from flows.pipeline.steps import enrich as enrich_offline
from flows.settings import Settings

COLUMNS = ("lookups", "from_cache", "requested", "http_requests", "ok", "not_found", "refused",
           "failed", "circuit")


def run_enrich(settings: Settings, console: Console, progress: Callable[[], Progress],
               provider: str | None = None, refresh: bool = False,
               resolver: Resolver = system_resolver) -> dict[str, Any]:
    """Offline enrichment first (it finds corporate email domains), then every provider
    switched on (or only `provider`), with a progress bar; prints and returns the summary."""
    now = clock.now(settings)
    enrich_offline(settings, now)
    with progress() as bar:
        task = bar.add_task("Enriching over HTTP", total=None)

        def advance(done: int, due: int) -> None:
            bar.update(task, completed=done, total=due)

        summary = enrich_http(settings, now, only=provider, refresh=refresh, progress=advance,
                              resolver=resolver)
        bar.update(task, description="Enrichment done")
    print_summary(console, summary, str(settings.providers))
    return summary


def print_summary(console: Console, summary: dict[str, Any], providers_file: str) -> None:
    """One row per provider; says how to switch one on when none is."""
    if not summary.get("providers_enabled"):
        console.print(f"0 providers enabled: switch one on with `enabled = true` in "
                      f"{providers_file}.")
        return
    table = Table("provider", *(c.replace("_", " ") for c in COLUMNS),
                  title="Enrichment over HTTP")
    notes = []
    for name, row in summary.items():
        if isinstance(row, dict):
            table.add_row(name, *(str(row[c]) for c in COLUMNS))
            if row.get("misconfigured"):
                notes.append(f"{name}: {row['misconfigured']}")
    console.print(table)
    for note in notes:
        console.print(note, style="yellow", markup=False)
    if summary.get("failed_leads"):
        console.print(f"{summary['failed_leads']} leads have a failed lookup: they are retried "
                      "on the next run.")
