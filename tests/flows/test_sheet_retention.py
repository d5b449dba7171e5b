"""What is over N days old, deleted (`leadpilot prune`, and the daily run with
LEADPILOT_KEEP_DAYS): the folders under out_dir whose sheet the warehouse keeps (written again by
`leadpilot export --date D --rep-pages`), and the features, scores and prices of old runs but the
latest."""

from __future__ import annotations

import doctest
import hashlib
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from sheet_runs import publish_copy
from support import ANCHOR
from typer.testing import CliRunner

from flows.cli import app
from flows.errors import LeadpilotError
from flows.pipeline import old_runs
from flows.sheets import retention

LATER = ANCHOR + timedelta(days=40)  # a run 40 days after the published day
MONDAY = ANCHOR + timedelta(days=3)  # ANCHOR is a Friday
EARLIER = ANCHOR - timedelta(days=10)


@pytest.fixture
def published(demo_env, tmp_path):
    return publish_copy(demo_env, tmp_path / "home")


def _cli(settings, *args: str, keep_days: str | None = None):
    env = {"LEADPILOT_WAREHOUSE": str(settings.warehouse),
           "LEADPILOT_OUT_DIR": str(settings.out_dir), "LEADPILOT_KEEP_DAYS": keep_days}
    return CliRunner().invoke(app, list(args), env=env)


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _day(settings, day: date) -> Path:
    return settings.out_dir / day.isoformat()


def _earlier_run(settings, day: date) -> int:
    """ANCHOR's features, scores and prices stored again as those of a run on `day`."""
    with duckdb.connect(str(settings.warehouse)) as con:
        for table in old_runs.TABLES:
            con.execute(f"INSERT INTO {table} SELECT * REPLACE (CAST(? AS DATE) AS run_date) "  # noqa: S608
                        f"FROM {table} WHERE run_date = ?", [day, ANCHOR])
        return con.execute("SELECT count(*) FROM scores WHERE run_date = ?", [day]).fetchone()[0]


def _run_rows(settings) -> dict[str, dict[date, int]]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return {table: dict(con.execute(f"SELECT run_date, count(*) FROM {table} "  # noqa: S608
                                        "GROUP BY run_date").fetchall())
                for table in (*old_runs.TABLES, "talking_points", "owner_assignments")}


def _use(monkeypatch, settings, **more) -> None:
    for key, value in {"WAREHOUSE": settings.warehouse, "OUT_DIR": settings.out_dir,
                       "REJECTS_DIR": settings.rejects_dir,
                       "LOG_FILE": settings.out_dir.parent / "leadpilot.log", **more}.items():
        monkeypatch.setenv(f"LEADPILOT_{key}", str(value))


def test_prune_deletes_an_old_kept_day_and_export_writes_it_again_byte_for_byte(published):
    earlier = _earlier_run(published, EARLIER)
    published_day = _day(published, ANCHOR)
    before = _digests(published_day)
    assert {"lead_sheet.csv", "playbook_stats.csv", "reps/backlog.html"} <= set(before)
    empty_day = _day(published, date(2000, 1, 3))  # no open lead: nothing kept of it
    empty_day.mkdir()
    (empty_day / "lead_sheet.csv").write_text("Rank,Owner\r\n")
    recent = _day(published, LATER - timedelta(days=30))  # within the 30 days kept
    recent.mkdir()
    (recent / "lead_sheet.csv").write_text("Rank,Owner\r\n")
    (published.out_dir / "history").mkdir()  # not a day
    (published.out_dir / "history" / "v1_scored.csv").write_text("lead_id\r\n")

    dry = _cli(published, "prune", "--keep-days", "30", "--date", LATER.isoformat(), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would delete {published_day} (" in dry.output
    assert (f"would delete the features, scores and prices of 1 run day(s) ({EARLIER}) from "
            f"the warehouse: {earlier} rows of lead_features, {earlier} of scores") in dry.output
    assert _digests(published_day) == before  # nothing deleted
    assert _run_rows(published)["scores"] == {EARLIER: earlier, ANCHOR: earlier}

    done = _cli(published, "prune", "--keep-days", "30", "--date", LATER.isoformat())
    assert done.exit_code == 0, done.output
    assert f"deleted {published_day} (" in done.output and "Deleted 1 day folder(s)" in done.output
    assert f"kept {empty_day}: the warehouse keeps no sheet of that day" in done.output
    assert not published_day.exists()
    # the earlier run's rows go; ANCHOR's, over 30 days old too, stay: the latest run up to
    # LATER, which the next run reads for the movement column
    assert {table: set(days) for table, days in _run_rows(published).items()} == {
        "lead_features": {ANCHOR}, "scores": {ANCHOR}, "quotes": {ANCHOR},
        "talking_points": {ANCHOR}, "owner_assignments": {ANCHOR}}
    assert (empty_day / "lead_sheet.csv").exists() and (recent / "lead_sheet.csv").exists()
    assert (published.out_dir / "history" / "v1_scored.csv").exists()

    again = _cli(published, "export", "--date", ANCHOR.isoformat(), "--rep-pages")
    assert again.exit_code == 0, again.output
    after = _digests(published_day)
    # the sheet and every rep page and e-mail, to the byte; not the day's playbook stats (a
    # snapshot of counts the newest day's file and `leadpilot playbook-stats` hold up to date)
    assert after == {name: digest for name, digest in before.items()
                     if name != "playbook_stats.csv"}


def test_files_that_are_not_leadpilots_stay_and_keep_their_folder(published):
    published_day = _day(published, ANCHOR)
    (published_day / "notes.txt").write_text("call back Tuesday")
    (published_day / "reps" / "mine.txt").write_text("mine")
    (published_day / "lead_sheet.csv.partial").write_bytes(b"half a sheet")  # a stopped run's

    done = _cli(published, "prune", "--date", LATER.isoformat(), keep_days="30")
    assert done.exit_code == 0, done.output
    assert sorted(p.relative_to(published_day).as_posix() for p in published_day.rglob("*")) \
        == ["notes.txt", "reps", "reps/mine.txt"]
    assert f"kept {published_day / 'notes.txt'}: not a file leadpilot writes" in done.output


def test_days_within_the_window_stay():
    assert retention.old_days(Path("/nowhere"), LATER, 30) == []
    day = LATER - timedelta(days=30)  # exactly 30 days before: kept
    assert retention.prune(Path("/nowhere"), {day}, LATER, 30).deleted == {}


def test_old_days_are_dated_folders_only(tmp_path):
    for name in ("2026-01-05", "2026-1-5", "2026-01-06.bak", "history", "2026-02-30",
                 "20260108", "2026-W02-1"):  # the last two: dates to Python 3.11, not folders
        (tmp_path / name).mkdir()
    (tmp_path / "2026-01-07").write_text("a file, not a folder")
    assert retention.old_days(tmp_path, date(2026, 12, 1), 30) == [
        (date(2026, 1, 5), tmp_path / "2026-01-05")]


def test_a_linked_day_folder_is_left_with_its_files(published, tmp_path):
    archive = tmp_path / "archive"
    _day(published, ANCHOR).rename(archive)  # the team moved the day away, and linked it
    _day(published, ANCHOR).symlink_to(archive, target_is_directory=True)
    before = _digests(archive)

    done = _cli(published, "prune", "--keep-days", "30", "--date", LATER.isoformat())
    assert done.exit_code == 0, done.output
    assert f"kept {_day(published, ANCHOR)}: a link to a folder elsewhere" in done.output
    assert _digests(archive) == before and _day(published, ANCHOR).is_symlink()


def test_without_a_number_of_days_the_command_says_how_to_give_one(published):
    result = _cli(published, "prune")
    assert isinstance(result.exception, LeadpilotError)
    assert "--keep-days 30, or LEADPILOT_KEEP_DAYS=30" in str(result.exception)
    assert _day(published, ANCHOR).exists()


@pytest.mark.usefixtures("prefect_harness")
def test_the_daily_run_deletes_old_days_once_its_sheet_is_written(published, monkeypatch):
    from flows.pipeline.daily import daily_lead_sheet, run_lines
    from flows.settings import Settings

    _use(monkeypatch, published, KEEP_DAYS=30)
    size = sum(p.stat().st_size for p in _day(published, ANCHOR).rglob("*") if p.is_file())
    leads = _run_rows(published)["scores"][ANCHOR]

    path = daily_lead_sheet(run_date=LATER, now=datetime(2027, 1, 6, 6, 0))

    assert Path(path).parent == _day(published, LATER) and Path(path).exists()
    assert not _day(published, ANCHOR).exists()
    rows = _run_rows(published)
    assert [set(rows[table]) for table in old_runs.TABLES] == [{LATER}] * 3
    assert set(rows["talking_points"]) == set(rows["owner_assignments"]) == {ANCHOR, LATER}
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        (summary,) = con.execute("SELECT summary FROM runs WHERE run_date = ?",
                                 [LATER]).fetchone()
    assert json.loads(summary)["pruned"] == {"folders": 1, "bytes": size, "left_unkept": 0,
                                             "left_files": 0, "run_days": 1, "rows": 3 * leads}
    printed = run_lines(Settings(), LATER)  # what `leadpilot run` prints under the sheet
    assert printed[-1].startswith("Over 30 days old: deleted the folders of 1 day(s) (0.00 GB) "
                                  f"and the features, scores and prices of 1 run day(s) "
                                  f"({3 * leads} rows)")


@pytest.mark.usefixtures("prefect_harness")
def test_pruned_before_mondays_run_the_monday_sheet_is_the_same(demo_env, tmp_path,
                                                                  monkeypatch):
    """`prune --keep-days 1` on Monday morning: Friday's run is over a day old, but the
    Monday run reads its scores (the movement column), so it stays; the run before it goes."""
    from flows.pipeline.daily import daily_lead_sheet

    sheets = {}
    for home, prune in (("pruned", True), ("whole", False)):
        settings = publish_copy(demo_env, tmp_path / home)
        _earlier_run(settings, EARLIER)
        if prune:
            done = _cli(settings, "prune", "--keep-days", "1", "--date", MONDAY.isoformat())
            assert f"scores and prices of 1 run day(s) ({EARLIER})" in done.output, done.output
            assert set(_run_rows(settings)["scores"]) == {ANCHOR}
        _use(monkeypatch, settings)
        sheets[home] = Path(daily_lead_sheet(run_date=MONDAY, now=datetime(2026, 11, 30, 6, 0))
                            ).read_bytes()
    assert sheets["pruned"] == sheets["whole"]
    changes = pd.read_csv(io.BytesIO(sheets["pruned"]), encoding="utf-8-sig", dtype=str,
                          keep_default_na=False)["Change since yesterday"]
    assert (changes != "new").all()  # each lead compared with Friday's score


@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_deletion_is_reported_and_does_not_fail_the_run(published, monkeypatch):
    from prefect import flow

    from flows.pipeline import daily

    def refused(out, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(out / ANCHOR.isoformat()))

    monkeypatch.setattr(retention, "prune", refused)
    settings = published.model_copy(update={"keep_days": 30})
    pruned = flow(daily._pruned)(settings, LATER)  # in a flow run, as in the daily run
    assert "Permission denied" in pruned["error"]
    assert daily._pruned_lines(pruned) == [
        f"- old days not all deleted: {pruned['error']}"]
    assert daily._pruned_line(pruned, 30) == [
        f"What is over 30 days old was not all deleted: {pruned['error']}"]
    assert (_day(published, ANCHOR) / "lead_sheet.csv").exists()


def test_the_examples_in_the_docstrings_hold():
    from flows.pipeline import daily

    for module in (retention, daily):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__
