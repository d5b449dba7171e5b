"""The daily run's offline enrichment (flows/pipeline/steps.py, enrich) enriches again only the
leads that are new or whose inputs changed (their email, title or company, or the company's
website), and all of them when the rules change; the table ends as enriching every lead would
make it."""

from __future__ import annotations

import ast
from datetime import datetime
from importlib.resources import files

import pandas as pd

from features import enrichment
from features.enrichment import ENRICHMENT_COLUMNS, RULE_FILES, enrich_offline
from flows import store
from flows.pipeline import steps
from flows.settings import Settings

LATER = datetime(2026, 11, 28, 5, 0)


def _table(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM lead_enrichment ORDER BY lead_id").df()


def _from_scratch(con) -> pd.DataFrame:
    """What enriching every lead makes (the step before it was incremental)."""
    leads = con.execute("SELECT lead_id, email, title, company_id FROM leads ORDER BY lead_id").df()
    companies = con.execute("SELECT company_id, domain FROM companies").df()
    return enrich_offline(leads, companies).reset_index(drop=True)


def test_a_second_enrichment_of_unchanged_leads_enriches_none_and_changes_nothing(demo_copy):
    settings = Settings()
    with store.opened(settings.path(settings.warehouse)) as con:
        before = _table(con)
    assert len(before) > 100 and before["inputs"].notna().all()
    assert steps.enrich(settings, LATER) == 0
    with store.opened(settings.path(settings.warehouse)) as con:
        assert _table(con).equals(before)


def test_changed_and_new_leads_are_enriched_again_and_only_they(demo_copy):
    settings = Settings()
    with store.opened(settings.path(settings.warehouse)) as con:
        ids = [r[0] for r in con.execute(
            "SELECT lead_id FROM leads WHERE company_id IS NOT NULL ORDER BY lead_id").fetchall()]
        company = con.execute("SELECT company_id FROM leads WHERE lead_id = ?",
                              [ids[5]]).fetchone()[0]
        con.execute("UPDATE leads SET title = 'Chief Executive Officer' WHERE lead_id = ?",
                    [ids[0]])
        con.execute("UPDATE leads SET email = 'someone@gmail.com' WHERE lead_id = ?", [ids[1]])
        con.execute("UPDATE leads SET title = NULL WHERE lead_id = ?", [ids[2]])
        con.execute("UPDATE leads SET title = '' WHERE lead_id = ?", [ids[3]])
        con.execute("UPDATE companies SET domain = 'https://www.renamed-example.fr/about' "
                    "WHERE company_id = ?", [company])
        con.execute("INSERT INTO leads SELECT * REPLACE ('L-NEW-1' AS lead_id) FROM leads "
                    "WHERE lead_id = ?", [ids[4]])
        of_company = {r[0] for r in con.execute("SELECT lead_id FROM leads WHERE company_id = ?",
                                                [company]).fetchall()}
        before = _table(con).set_index("lead_id")
    changed = {ids[0], ids[1], ids[2], ids[3], "L-NEW-1"} | of_company
    assert steps.enrich(settings, LATER) == len(changed)
    with store.opened(settings.path(settings.warehouse)) as con:
        after = _table(con)
        expected = _from_scratch(con)
    assert after[list(ENRICHMENT_COLUMNS)].equals(expected)
    stamped = set(after.loc[after["enriched_at"] == pd.Timestamp(LATER), "lead_id"])
    assert stamped == changed
    assert after.set_index("lead_id").loc[ids[1], "email_kind"] == "free"
    assert after.set_index("lead_id").loc[ids[5], "company_domain"] == "renamed-example.fr"
    kept = after.set_index("lead_id").drop(index=list(changed))
    assert kept.equals(before.drop(index=list(changed - {"L-NEW-1"})))


def test_other_rules_enrich_every_lead_again(demo_copy, monkeypatch):
    settings = Settings()
    monkeypatch.setattr(steps, "rules_fingerprint", lambda: "other rules")
    with store.opened(settings.path(settings.warehouse)) as con:
        leads = con.execute("SELECT count(*) FROM leads").fetchone()[0]
    assert steps.enrich(settings, LATER) == leads
    assert steps.enrich(settings, LATER) == 0


def test_the_rules_fingerprint_covers_every_module_and_list_the_enrichment_reads():
    """Each features module `enrich_offline` imports, directly or not, and each word list they
    read from the package, is one of RULE_FILES: a change to it makes every row again."""
    seen, todo = set(), ["enrichment.py"]
    while todo:
        name = todo.pop()
        seen.add(name)
        tree = ast.parse(files("features").joinpath(name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("features."):
                module = node.module.split(".", 1)[1] + ".py"
                if module not in seen:
                    todo.append(module)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.endswith(".txt"):
                seen.add(node.value)
    assert seen <= set(RULE_FILES), sorted(seen - set(RULE_FILES))
    assert {"email.py", "titles.py", "free_email_domains.txt"} <= seen
    assert len(enrichment.rules_fingerprint()) == 64


def test_a_missing_title_and_an_empty_one_are_told_apart(demo_copy):
    settings = Settings()
    with store.opened(settings.path(settings.warehouse)) as con:
        lead = con.execute("SELECT min(lead_id) FROM leads").fetchone()[0]
        con.execute("UPDATE leads SET title = NULL WHERE lead_id = ?", [lead])
    assert steps.enrich(settings, LATER) == 1
    with store.opened(settings.path(settings.warehouse)) as con:
        con.execute("UPDATE leads SET title = '' WHERE lead_id = ?", [lead])
    assert steps.enrich(settings, LATER) == 1
    assert steps.enrich(settings, LATER) == 0
