"""Everything a daily run reads besides the warehouse rows, checked before its first write: the
editable files (price book, grades, phrases, playbook, reps, rules), the champion model, and a
Prefect server for the Dask workers when the settings name a cluster.
A bad file used to fail the run after intake, features and scores had been written."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from prefect.settings import PREFECT_API_URL

from flows import store
from flows.editable_files import load_yaml
from flows.errors import LeadpilotError
from flows.models import registry
from flows.pipeline.owners import load_territories
from flows.settings import Settings
from scoring.grades import GradeBands
from scoring.pricing import PriceBook
from scoring.reasons import check_phrases
from scoring.rules import RuleBook
from scoring.talking_points import check_playbook


def check_inputs(settings: Settings) -> str:
    """Load and validate every editable file and the champion (or the rules when there is none);
    returns what will score. Raises the file's own one-sentence error."""
    if settings.dask_address:
        _check_cluster_reaches_prefect(settings.dask_address, PREFECT_API_URL.value())
    PriceBook.from_file(load_yaml(settings.path(settings.price_book)))
    GradeBands.from_file(load_yaml(settings.path(settings.grades)))
    load_territories(settings)
    for path, check in ((settings.path(settings.reasons), check_phrases),
                        (settings.path(settings.playbook), check_playbook)):
        problems = check(load_yaml(path).data)
        if problems:
            raise LeadpilotError(f"{path}: {'; '.join(problems)}; fix it and run again.")
    with store.opened_read_only(settings.path(settings.warehouse)) as con:
        champion = registry.champion(con, "warehouse") if _has_registry(con) else None
        if champion is not None:
            registry.load(con, champion)  # a damaged model fails here, before any write
            return champion
    RuleBook.from_file(load_yaml(settings.path(settings.rules)))
    return "rules"


def _has_registry(con) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() "
                       "WHERE table_name = 'model_events'").fetchall()[0][0] > 0


def _check_cluster_reaches_prefect(dask_address: str, api_url: str | None) -> None:
    """The Dask workers report their task runs to the flow's Prefect server: there must be one
    (PREFECT_API_URL), and one on this machine's loopback serves workers on this machine only."""
    why = None
    if not api_url:
        why = "there is none"
    elif _loopback(api_url) and not _loopback(dask_address):
        why = f"{api_url} is this machine's own"
    if why:
        raise LeadpilotError(
            f"LEADPILOT_DASK_ADDRESS names a Dask cluster ({dask_address}), but its workers need "
            f"a Prefect server they can reach and {why}: start `prefect server start --host "
            "0.0.0.0` where they reach it and set PREFECT_API_URL, or unset "
            "LEADPILOT_DASK_ADDRESS.")


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name other than localhost
        return False
