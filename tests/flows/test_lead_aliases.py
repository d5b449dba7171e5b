"""Duplicate CRM records: the second record of a person, merged into their lead by email, stays
known by its own id (lead_aliases), so what the CRM later says about it reaches the lead."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flows import store
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping
from flows.intake.outcomes import record_outcomes
from flows.privacy.erasure import forget
from flows.settings import Settings

NOW = datetime(2026, 11, 29, 6, 0)
LATER = datetime(2026, 11, 30, 6, 0)
HEADER = "Id,FirstName,LastName,Email,Company,Title\n"
EXPORT = (HEADER + "00QA0000001,Ann,Lee,ann@acme.com,Acme,CFO\n"
          "00QA0000002,Ann,Lee, ANN@Acme.com ,Acme,CFO\n"  # the same person, entered twice
          "00QB0000001,Bob,Ray,bob@bolt.io,Bolt,CTO\n")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(home=tmp_path, warehouse=tmp_path / "w.duckdb", out_dir=tmp_path / "out",
                        rejects_dir=tmp_path / "rejects")
    _import(settings, EXPORT, NOW)
    return settings


def _import(settings: Settings, text: str, now: datetime):
    path = settings.home / f"Lead_{now:%d}.csv"
    path.write_text(text, encoding="utf-8")
    with store.opened(settings.warehouse) as con:
        summary = import_file(con, path, load_mapping("salesforce", None), settings.rejects_dir,
                              now)
    assert summary.balanced, summary
    return summary


def _outcomes(settings: Settings, text: str):
    path = settings.home / "closed.csv"
    path.write_text(text, encoding="utf-8")
    with store.opened(settings.warehouse) as con:
        return record_outcomes(con, path, settings.rejects_dir, LATER)


def _all(settings: Settings, sql: str) -> list[tuple]:
    with store.opened(settings.warehouse) as con:
        return con.execute(sql).fetchall()


def test_the_duplicate_record_is_merged_and_kept_as_an_alias(settings):
    assert _all(settings, "SELECT lead_id FROM leads ORDER BY 1") == [("00QA0000001",),
                                                                      ("00QB0000001",)]
    assert _all(settings, "SELECT alias, lead_id FROM lead_aliases") == [
        ("00QA0000002", "00QA0000001")]
    again = _import(settings, EXPORT, LATER)  # a re-import adds no alias twice
    assert (again.unchanged, again.merged) == (2, 1)
    assert _all(settings, "SELECT count(*) FROM lead_aliases") == [(1,)]


def test_an_outcome_entered_on_the_duplicate_record_closes_the_lead(settings):
    summary = _outcomes(settings, "Id,Status,ConvertedDate\n"
                                  "00QA0000002,Closed - Converted,2026-11-28\n")
    assert (summary.recorded, summary.rejected, summary.closed) == (1, 0, 1)
    assert _all(settings, "SELECT status, closed_at FROM leads WHERE lead_id = '00QA0000001'"
                ) == [("won", datetime(2026, 11, 28))]


def test_the_duplicate_record_with_a_new_email_still_updates_its_lead(settings):
    summary = _import(settings, HEADER + "00QA0000002,Ann,Lee,ann.lee@acme.com,Acme,CEO\n", LATER)
    assert (summary.inserted, summary.updated) == (0, 1)
    assert _all(settings, "SELECT lead_id, email, title FROM leads WHERE first_name = 'Ann'"
                ) == [("00QA0000001", "ann.lee@acme.com", "CEO")]


def test_forget_erases_the_aliases_and_keeps_the_duplicate_record_out(settings):
    erased = forget(settings, "ann@acme.com", now=LATER)
    assert erased.lead_ids == ["00QA0000001"] and erased.aliases == ["00QA0000002"]
    assert _all(settings, "SELECT count(*) FROM lead_aliases") == [(0,)]
    summary = _outcomes(settings, "Id,Status\n00QA0000002,Closed - Converted\n"
                                  "00QB0000001,Closed - Not Converted\n")
    assert (summary.recorded, summary.suppressed, summary.rejected) == (1, 1, 0)
    again = _import(settings, HEADER + "00QA0000002,Ann,Lee,,Acme,CFO\n", LATER)
    assert (again.suppressed, again.inserted) == (1, 0)
