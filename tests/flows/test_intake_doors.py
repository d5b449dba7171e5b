"""One intake door: `leadpilot import FILE` and the daily intake read the same leads file into
the same counts and the same rejects (line, reason, original text), or fail with the same
sentence. The shared corpus: the import corpus (tests/import_corpus.py), the daily intake's
own awkward files and the demo leads file."""

from __future__ import annotations

import csv
from dataclasses import fields
from pathlib import Path

import pytest
from import_corpus import cases
from support import ANCHOR, NOW

from features.reading import ReadError
from flows import store
from flows.demo.data import generate, write_demo
from flows.errors import LeadpilotError
from flows.intake.daily import FileResult, import_all
from flows.intake.importer import import_file
from flows.intake.mapping import load_mapping

COUNTS = tuple(f.name for f in fields(FileResult)
               if f.name not in ("file", "rejects_file", "same_as"))
DAILY_LEADS = (  # the daily intake's own test file (tests/flows/test_intake.py)
    "lead_id,created_at,first_name,last_name,title,email,phone,company_id,source,status,closed_at\n"
    "L1,2026-11-20 10:00:00,Zoé,Müller,DSI,zoe@sge.fr,+33 6 00,C1,web_form,open,\n"
    'L2,2026-11-21 10:00:00,"Ann, Jr",Lee,"Head of\nSales Ops",ann@gmail.com,,C1,event,open,\n'
    "L3,2026-02-30 10:00:00,Bad,Date,CEO,bad@sge.fr,,C1,partner,open,\n"
    "L4,2026-11-22 10:00:00,No,Source,CEO,x@sge.fr,,C1,,open,\n"
    "L5,2026-11-22 10:00:00,Bad,Email,CEO,bob@@acme.fr,,C1,outbound,open,\n"
    "L6,2026-01-22 10:00:00,Won,NoDate,CEO,w@sge.fr,,C1,outbound,won,\n"
    "L7,too,few,fields\n"
    'L8,2026-11-22 10:00:00,"Acme,open\n'
    "L1,2026-11-20 10:00:00,Zoé,Müller,DSI,zoe@sge.fr,+33 6 01,C1,web_form,open,\n"
)
CORPUS = {case.name: case.data for case in cases()} | {"daily_leads.csv": DAILY_LEADS.encode()}


def _by_the_import(path: Path, folder: Path) -> tuple[dict, list] | str:
    """What `leadpilot import FILE` (its default preset) reports: counts and rejects."""
    try:
        with store.opened(folder / "import.duckdb") as con:
            summary = import_file(con, path, load_mapping(None, None), folder / "import", NOW)
    except (LeadpilotError, ReadError) as exc:
        return str(exc)
    return {k: getattr(summary, k) for k in COUNTS}, _rejects(summary.rejects_file)


def _by_the_daily_intake(path: Path, folder: Path) -> tuple[dict, list] | str:
    """What the daily intake reports for the same file as its leads file."""
    companies, activities = folder / "companies.csv", folder / "activities.csv"
    companies.write_text("company_id,name\n", encoding="utf-8")
    activities.write_text("event_id,lead_id,occurred_at,event_type\n", encoding="utf-8")
    try:
        with store.opened(folder / "daily.duckdb") as con:
            leads = import_all(con, path, companies, activities, folder / "daily", NOW)[1]
    except (LeadpilotError, ReadError) as exc:
        return str(exc)
    return {k: getattr(leads, k) for k in COUNTS}, _rejects(leads.rejects_file)


def _rejects(file: str | None) -> list[tuple[str, str, str]]:
    if file is None:
        return []
    with open(file, encoding="utf-8-sig", newline="") as handle:
        return [(row["line"], row["reason"], row["raw"]) for row in csv.DictReader(handle)]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_both_doors_give_the_same_counts_and_reject_texts(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(CORPUS[name])
    by_import = _by_the_import(path, tmp_path)
    assert _by_the_daily_intake(path, tmp_path) == by_import
    if not isinstance(by_import, str):
        counts = by_import[0]
        assert counts["read"] == sum(counts[k] for k in COUNTS if k != "read")


def test_the_demo_leads_file_counts_the_same_through_both_doors(tmp_path):
    data = generate(ANCHOR)
    path = write_demo(data, tmp_path / "demo")["leads"]
    counts, rejects = _by_the_import(path, tmp_path)
    assert (counts, rejects) == _by_the_daily_intake(path, tmp_path)
    assert (counts["read"], counts["inserted"], counts["merged"], counts["rejected"]) == (
        3303, 3300, 0, 3)
    ids = [raw.split(",")[0] for _, _, raw in rejects]
    assert ids == list(data.malformed_lead_ids)
    assert [reason for _, reason, _ in rejects] == [
        "bad email: jean.dupont@", "created_at is not a date: 2026-13-45 10:00:00",
        "source is required"]
