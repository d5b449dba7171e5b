"""The enrichment step against the local replay server: facts with provenance, the cache (a warm
run makes zero HTTP calls), failures recorded per lead and retried, secrets never stored."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pandas as pd
import pytest
import yaml
from enrichment_support import NOW, crm_settings, local_providers
from http_replay import ReplayServer
from support import REPO
from typer.testing import CliRunner

from features.point_in_time import build_features
from flows import store
from flows.editable_files import ConfigError
from flows.enrichment.lookups import enrich_daily, enrich_http, summary_lines
from flows.errors import LeadpilotError
from scoring.talking_points import suggest

SECRET = "sk_test_6b1f0c9e-never-in-the-warehouse"
COMPANIES = [
    {"name": "Danone", "domain": "uber.com", "siren": "552032534", "country": "FR"},
    {"name": "Boulangeries Lefèvre & Fils", "domain": "lefevre-fils.fr", "country": "FR",
     "postal_code": "75009"},
    {"name": "Müller GmbH", "domain": "www.mueller.de", "country": "DE"},
    {"name": "Calvin Klein", "country": "US", "email": "jo@calvinklein.com"},
]


@pytest.fixture
def replay(server):
    server.reset()
    return server


@pytest.fixture
def crm(replay, tmp_path, monkeypatch):
    monkeypatch.setenv("LEADPILOT_TEST_CLEARBIT_KEY", SECRET)
    return crm_settings(tmp_path, COMPANIES, local_providers(tmp_path / "providers.toml", replay))


def _table(settings, sql: str, *params) -> pd.DataFrame:
    with store.opened(settings.path(settings.warehouse)) as con:
        return con.execute(sql, list(params)).df()


def test_with_every_provider_off_enrichment_is_a_no_op_that_says_so(tmp_path, replay):
    settings = crm_settings(tmp_path, COMPANIES, REPO / "data" / "providers.toml")
    summary = enrich_http(settings, NOW)
    assert summary == {"providers_enabled": 0, "note": "0 providers enabled", "failed_leads": 0}
    assert summary_lines(summary) == ["- enrichment: 0 providers enabled"]
    assert replay.hits == []
    assert _table(settings, "SELECT count(*) AS n FROM lead_facts")["n"][0] == 0


def test_switching_every_provider_off_clears_the_facts_without_reading_a_lead(crm, replay,
                                                                             monkeypatch):
    enrich_http(crm, NOW)
    assert _table(crm, "SELECT count(*) AS n FROM lead_facts")["n"][0] > 0
    read, sql = [], store.sql

    def named(name: str, *package: str) -> str:
        read.append(name)
        return sql(name, *package)

    monkeypatch.setattr(store, "sql", named)
    off = crm.model_copy(update={"providers": REPO / "data" / "providers.toml"})
    assert enrich_daily(off, NOW + timedelta(days=1)) == {
        "providers_enabled": 0, "note": "0 providers enabled", "failed_leads": 0}
    assert "enrichment_rebuild" in read and "enrichment_leads" not in read
    for table in ("lead_facts", "lead_lookups"):  # only what enabled providers say is kept
        assert _table(crm, f"SELECT count(*) AS n FROM {table}")["n"][0] == 0  # noqa: S608
    monkeypatch.setattr(store, "sql", sql)
    enrich_http(crm, NOW + timedelta(days=1))  # on again: the facts come back from the cache
    assert _table(crm, "SELECT count(*) AS n FROM lead_facts")["n"][0] > 0


def test_the_daily_step_fetches_for_open_leads_and_leadpilot_enrich_backfills_the_rest(
        replay, tmp_path, monkeypatch):
    monkeypatch.setenv("LEADPILOT_TEST_CLEARBIT_KEY", SECRET)
    companies = [{**COMPANIES[0], "status": "won"}, *COMPANIES[1:]]
    settings = crm_settings(tmp_path, companies, local_providers(
        tmp_path / "providers.toml", replay, enabled=("website",)))
    daily = enrich_daily(settings, NOW)
    assert daily["website"]["requested"] == 3
    assert "/sites/uber.com/" not in {hit.path for hit in replay.hits}
    assert _table(settings, "SELECT status FROM lead_lookups WHERE lead_id = 'L1'")[
        "status"].tolist() == ["pending"]
    backfill = enrich_http(settings, NOW)
    assert (backfill["website"]["requested"], backfill["website"]["from_cache"]) == (1, 3)
    assert [hit.path for hit in replay.hits][-1] == "/sites/uber.com/"


def test_every_enriched_fact_carries_its_provider_and_fetch_date(crm, replay):
    summary = enrich_http(crm, NOW)
    assert summary["registry"] | {"leads": 2, "lookups": 2, "ok": 1, "not_found": 1} == summary[
        "registry"]
    facts = _table(crm, "SELECT * FROM lead_facts WHERE lead_id = 'L1' ORDER BY field")
    by_field = facts.set_index("field")
    assert by_field.loc["headcount_band", ["value", "provider"]].tolist() == [
        "1000–1999", "registry"]  # the registry is listed first: it wins over Clearbit's 10k-50k
    assert by_field.loc["industry_label", "provider"] == "clearbit"
    assert by_field.loc["web_stack", ["value", "provider"]].tolist() == [
        "marketing_automation", "website"]
    assert (facts["fetched_at"] == pd.Timestamp(NOW)).all()
    wide = _table(crm, "SELECT * FROM lead_facts_wide WHERE lead_id = 'L1'").iloc[0]
    assert (wide["headcount_band_by"], wide["headcount_band_on"]) == ("registry", "2026-11-27")
    assert "Headcount band: 1000–1999 (registry, 2026-11-27)" in list(wide["enriched_facts"])
    calvin = _table(crm, "SELECT * FROM lead_facts WHERE lead_id = 'L4'").set_index("field")
    assert calvin.loc["headcount_band", ["value", "provider"]].tolist() == ["1000+", "clearbit"]


def test_the_api_key_is_sent_in_its_header_but_never_stored_logged_or_reported(crm, replay,
                                                                              caplog):
    with caplog.at_level(logging.DEBUG):
        summary = enrich_http(crm, NOW)
    sent = {hit.headers.get("authorization") for hit in replay.hits_under("/clearbit/")}
    assert sent == {f"Bearer {SECRET}"}
    assert {hit.headers.get("authorization") for hit in replay.hits_under("/sites/")} == {None}
    with store.opened(crm.path(crm.warehouse)) as con:
        dump = json.dumps([con.execute(f"SELECT * FROM {t}").fetchall() for t in (  # noqa: S608
            "enrichment_cache", "lead_lookups", "lead_facts")], default=str)
    assert SECRET not in dump + caplog.text + json.dumps(summary)


def test_a_warm_run_makes_zero_http_calls(crm, replay):
    first = enrich_http(crm, NOW)
    assert first["website"]["http_requests"] == 4 and len(replay.hits) > 0
    replay.reset()
    warm = enrich_http(crm, NOW + timedelta(days=29))
    assert replay.hits == []
    for name in ("registry", "website", "clearbit"):
        assert warm[name]["http_requests"] == warm[name]["requested"] == 0
        assert warm[name]["from_cache"] == warm[name]["lookups"] == first[name]["lookups"]


def test_an_answer_past_its_ttl_or_a_refresh_is_asked_again(crm, replay):
    enrich_http(crm, NOW)
    replay.reset()
    enrich_http(crm, NOW + timedelta(days=31))
    assert len(replay.hits_under("/registry/")) == 2
    replay.reset()
    enrich_http(crm, NOW + timedelta(days=32), only="website", refresh=True)
    assert {hit.path.split("/")[1] for hit in replay.hits} == {"sites"}
    assert len(replay.hits) == 4


def test_failures_are_recorded_per_lead_and_retried_on_the_next_run(crm, replay):
    replay.forced["/registry/"] = [ReplayServer.fault("invalid_json")]
    replay.forced["/clearbit/"] = [ReplayServer.fault("html")]
    summary = enrich_http(crm, NOW)
    assert summary["registry"]["failed"] == summary["clearbit"]["failed"] == 1
    failed = _table(crm, "SELECT lead_id, provider, error FROM lead_lookups "
                         "WHERE status = 'error' ORDER BY provider")
    assert len(failed) == 2 and summary["failed_leads"] == failed["lead_id"].nunique()
    assert "content type text/html" in failed["error"][0]
    assert failed["error"][1] == "invalid JSON (JSONDecodeError)"
    replay.reset()
    again = enrich_http(crm, NOW + timedelta(hours=1))
    assert len(replay.hits) == 2  # only the two failed lookups are asked again
    assert again["failed_leads"] == 0
    assert _table(crm, "SELECT count(*) AS n FROM lead_lookups WHERE status = 'error'")["n"][0] == 0


def test_a_failed_refresh_keeps_the_last_good_facts_with_their_original_date(crm, replay):
    enrich_http(crm, NOW, only="registry")
    replay.routes["/registry/"] = lambda hit: ReplayServer.fault("500")
    try:
        summary = enrich_http(crm, NOW + timedelta(days=40), only="registry")
    finally:
        replay.routes.clear()
    assert summary["registry"]["failed"] == 2
    kept = _table(crm, "SELECT value, fetched_at FROM lead_facts WHERE lead_id = 'L1' "
                       "AND field = 'headcount_band'")
    assert kept.iloc[0].tolist() == ["1000–1999", pd.Timestamp(NOW)]


def test_a_provider_that_keeps_failing_trips_the_breaker_and_the_run_summary_says_so(
        replay, tmp_path):
    replay.routes["/sites/"] = lambda hit: ReplayServer.fault("500")
    settings = crm_settings(tmp_path, COMPANIES, local_providers(
        tmp_path / "providers.toml", replay, enabled=("website",), retries=1, concurrency=1,
        breaker_failures=2))
    try:
        summary = enrich_http(settings, NOW)
    finally:
        replay.routes.clear()
    website = summary["website"]
    assert (website["failed"], website["skipped"], website["circuit"]) == (4, 2, "opened 1×")
    assert website["http_requests"] == len(replay.hits) == 2 * 2
    assert ("- enrichment website: 4 lookups, 0 from cache, 4 requested (4 HTTP requests): 0 ok, "
            "0 not found, 0 refused, 4 failed; circuit opened 1×, 2 skipped by the circuit "
            "breaker") in summary_lines(summary)
    assert "- leads whose enrichment failed (retried on the next run): 4" in summary_lines(
        summary)


def test_a_missing_api_key_is_reported_and_the_other_providers_still_run(crm, replay,
                                                                        monkeypatch):
    monkeypatch.delenv("LEADPILOT_TEST_CLEARBIT_KEY")
    summary = enrich_http(crm, NOW)
    assert summary["clearbit"]["misconfigured"] == (
        "misconfigured: the environment variable LEADPILOT_TEST_CLEARBIT_KEY is not set")
    assert summary["clearbit"]["failed"] == 4 and summary["clearbit"]["http_requests"] == 0
    assert summary["website"]["ok"] == 4
    assert replay.hits_under("/clearbit/") == []


def test_enriched_facts_reach_the_features_and_a_talking_point_that_names_its_source(crm):
    enrich_http(crm, NOW)
    with store.opened(crm.path(crm.warehouse)) as con:
        moments = pd.DataFrame({"lead_id": ["L1", "L3"], "as_of": [pd.Timestamp(NOW)] * 2})
        frame = build_features(con, moments).set_index("lead_id")
    assert frame.loc["L1", ["headcount_band", "company_category", "naf_section", "web_stack"]
                     ].tolist() == ["1000–1999", "GE", "M", "marketing_automation"]
    assert frame.loc["L3", ["headcount_band", "company_category"]].tolist() == ["unknown"] * 2
    playbook = yaml.safe_load((REPO / "data" / "playbook.yaml").read_text(encoding="utf-8"))
    points = suggest(frame.reset_index(), playbook, pd.Series(["fr", "en"]))
    assert ("Registre : 1000–1999 salariés, catégorie GE (2026-11-27). Dimensionnez l'offre sur "
            "l'effectif déclaré. (source: registre des entreprises · "
            "recherche-entreprises.api.gouv.fr)") in points[0]
    assert any(p.startswith("Website (2026-11-27): runs ") for p in points[1])


def test_a_broken_providers_file_is_one_sentence_and_the_daily_step_goes_on(crm):
    path = crm.path(crm.providers)
    path.write_text(path.read_text().replace("timeout_seconds = 0.5", "timeout_seconds = -1", 1))
    with pytest.raises(ConfigError) as error:
        enrich_http(crm, NOW)
    assert str(error.value).startswith(f"{path}, line ")
    assert "field providers.registry.timeout_seconds: Input should be greater than 0" in str(
        error.value)
    summary = enrich_daily(crm, NOW)
    assert summary["error"].startswith("enrichment skipped: ")


def test_asking_for_an_unknown_or_switched_off_provider_says_what_to_do(crm, tmp_path):
    with pytest.raises(LeadpilotError, match="No provider is named 'acme'.*registry"):
        enrich_http(crm, NOW, only="acme")
    local = crm.model_copy(update={"providers": REPO / "data" / "providers.toml"})
    with pytest.raises(LeadpilotError, match=r"enabled = true under \[providers.apollo\]"):
        enrich_http(local, NOW, only="apollo")


def test_leadpilot_enrich_shows_a_progress_bar_and_a_table_per_provider(crm, replay,
                                                                       monkeypatch):
    from flows.cli import app

    for name in ("home", "warehouse", "providers", "leads_csv", "companies_csv",
                 "activities_csv"):
        monkeypatch.setenv(f"LEADPILOT_{name.upper()}", str(getattr(crm, name)))
    result = CliRunner().invoke(app, ["enrich", "--provider", "website"])
    assert result.exit_code == 0, result.output
    assert "Enrichment done" in result.output and "4/4" in result.output
    assert "website" in result.output and "registry" not in result.output
    assert {hit.path.split("/")[1] for hit in replay.hits} == {"sites"}


def test_leadpilot_enrich_with_an_unknown_provider_is_one_sentence_without_a_traceback(crm):
    env = {**os.environ, "LEADPILOT_HOME": str(crm.home),
           "LEADPILOT_WAREHOUSE": str(crm.warehouse), "LEADPILOT_PROVIDERS": str(crm.providers)}
    result = subprocess.run([sys.executable, "-c", "from flows.cli import main; main()",
                             "enrich", "--provider", "acme"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 1
    assert "No provider is named 'acme'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
