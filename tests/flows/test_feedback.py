"""`leadpilot outcomes` reads a rep's feedback marks; the daily SQL decides what they change."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from support import four_leads

from flows import store
from flows.intake.outcomes import record_outcomes
from flows.pipeline.publishing import note_points_shown, playbook_stats
from flows.privacy.erasure import forget
from flows.settings import Settings

NOW = datetime(2026, 11, 27, 9, 0)
DAY = date(2026, 11, 27)
POINTS = '"1. Asked for a demo (source: x)\n2. CEO (source: y)\n3. Acme (source: z)"'
HEADER = ("Lead ID,Owner,Talking points,Outcome,Feedback,Feedback reason,Useful talking points,"
          "Wrong talking points\n")


@pytest.fixture
def con(tmp_path):
    connection = four_leads(tmp_path, datetime(2026, 11, 20))
    connection.execute(  # the sheets of two days: on the 27th, the points came in another order
        "INSERT INTO talking_points VALUES "
        "('2026-11-26', 'L1', ['CEO (source: y)', 'Asked for a demo (source: x)', "
        "'Acme (source: z)'], ['c_level', 'demo_requested', 'industry']), "
        "('2026-11-27', 'L1', ['Asked for a demo (source: x)', 'CEO (source: y)', "
        "'Acme (source: z)'], ['demo_requested', 'c_level', 'industry'])")
    yield connection
    connection.close()


def _record(con, tmp_path, rows: str, name: str = "sheet.csv", **options):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8-sig")
    summary = record_outcomes(con, path, tmp_path / "rej", NOW, today=DAY, **options)
    assert summary.balanced, summary
    return summary


def _marks(con) -> list[tuple]:
    return con.execute("SELECT lead_id, kind, point_id, reason, rep, marked_on "
                       "FROM lead_feedback ORDER BY ALL").fetchall()


def test_the_numbers_of_talking_points_become_the_playbook_ids_of_the_sheet_the_rep_read(
        con, tmp_path):
    summary = _record(con, tmp_path, f"L1,Zoé Martin,{POINTS},,,,\"1, 3\",2\n")
    assert (summary.recorded, summary.skipped) == (1, 0)
    assert summary.feedback == {"point_useful": 2, "point_wrong": 1}
    assert _marks(con) == [
        ("L1", "point_useful", "demo_requested", None, "Zoé Martin", DAY),
        ("L1", "point_useful", "industry", None, "Zoé Martin", DAY),
        ("L1", "point_wrong", "c_level", None, "Zoé Martin", DAY)]


def test_without_the_talking_points_column_the_numbers_refer_to_the_newest_sheet(
        con, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("Lead ID,Wrong talking points\nL1,1\n", encoding="utf-8")
    record_outcomes(con, path, tmp_path / "rej", NOW, today=DAY)
    assert _marks(con) == [("L1", "point_wrong", "demo_requested", None, None, DAY)]


def test_bad_marks_are_rejected_with_their_line_and_reason(con, tmp_path):
    summary = _record(con, tmp_path, "L1,,,,maybe later,,,\n"
                                     "L2,,,,Move down,,,\n"
                                     f"L1,,{POINTS},,,,two,\n"
                                     "L3,,,,,,,4\n"
                                     "L9,,,,wrong contact,,,\n"
                                     "L4,,,,mauvais contact,,,\n")
    assert (summary.rejected, summary.recorded) == (5, 1)
    reasons = [(r["line"], r["reason"]) for r in summary.first_rejects]
    assert reasons == [
        (2, "feedback must be not a fit, wrong contact, move up or move down, not 'maybe later'"),
        (3, "'Move down' needs a reason in \"Feedback reason\""),
        (4, "useful talking points must be numbers such as 2 or 1, 3, not 'two'"),
        (7, "talking point 4 of lead 'L3' is on no sheet leadpilot wrote"),  # 3 lines above
        (8, "no lead 'L9' in the warehouse")]
    assert _marks(con) == [("L4", "wrong_contact", None, None, None, DAY)]


def test_a_second_read_records_nothing_and_a_dry_run_writes_nothing(con, tmp_path):
    rows = "L2,Léa,,,move up,Called back,,\nL3,Léa,,bad fit,not a fit,Too small,,\n"
    preview = _record(con, tmp_path, rows, dry_run=True)
    assert preview.feedback == {"move_up": 1, "not_a_fit": 1} and _marks(con) == []
    first = _record(con, tmp_path, rows)
    again = _record(con, tmp_path, rows)
    assert (first.recorded, again.recorded, again.unchanged) == (2, 0, 2)
    assert again.feedback == {} and len(_marks(con)) == 2


def _off_sheet(con, day: date) -> set[str]:
    return set(con.execute(store.sql("off_sheet", "flows.pipeline"), {"run_date": day}
                           ).df()["lead_id"])


def _moves(con, day: date, days: int = 7) -> list[tuple]:
    return con.execute(store.sql("active_moves", "flows.pipeline"),
                       {"run_date": day, "days": days}).fetchall()


def test_wrong_contacts_and_bad_fits_leave_the_sheet_from_the_next_day_on(con, tmp_path):
    _record(con, tmp_path, "L1,,,,wrong contact,,,\nL2,,,,not a fit,,,\nL3,,,bad fit,,,,\n"
                           "L4,,,no answer,,,,\n")
    assert _off_sheet(con, DAY) == set()  # the run of the day the rep marked them is done
    assert _off_sheet(con, date(2026, 11, 28)) == {"L1", "L2", "L3"}
    assert _off_sheet(con, date(2027, 11, 28)) == {"L1", "L2", "L3"}  # for good
    statuses = con.execute("SELECT DISTINCT status FROM leads").fetchall()
    assert statuses == [("open",)]  # kept, and not closed: no training label (README)


def test_a_move_lasts_move_days_and_the_latest_move_of_a_lead_wins(con, tmp_path):
    _record(con, tmp_path, "L1,Léa,,,move up,Called back,,\nL2,Léa,,,move up,Budget,,\n")
    later = datetime(2026, 11, 30, 9, 0)
    path = tmp_path / "later.csv"
    path.write_text(HEADER + "L2,Léa,,,move down,Budget frozen,,\n", encoding="utf-8")
    record_outcomes(con, path, tmp_path / "rej", later, today=later.date())
    assert _moves(con, DAY) == []
    assert _moves(con, date(2026, 11, 28)) == [
        ("L1", "move_up", "Léa", "2026-11-27", "2026-12-04", "Called back"),
        ("L2", "move_up", "Léa", "2026-11-27", "2026-12-04", "Budget")]
    assert [m[:2] for m in _moves(con, date(2026, 12, 1))] == [("L1", "move_up"),
                                                                 ("L2", "move_down")]
    assert [m[:2] for m in _moves(con, date(2026, 12, 5))] == [("L2", "move_down")]
    assert _moves(con, date(2026, 12, 5), days=3) == []


def test_the_playbook_stats_count_each_lead_once_per_point(con, tmp_path):
    _record(con, tmp_path, f"L1,,{POINTS},,,,\"1, 3\",2\n")
    _record(con, tmp_path, f"L1,,{POINTS},,,,1,\n", name="again.csv")  # a second file, same mark
    for day in (date(2026, 11, 26), DAY):  # both days' sheets: L1 saw each point twice
        note_points_shown(con, day)
    stats = playbook_stats(con)
    assert stats.to_dict("records") == [
        {"point_id": "c_level", "shown_to_leads": 1, "useful": 0, "wrong": 1},
        {"point_id": "demo_requested", "shown_to_leads": 1, "useful": 1, "wrong": 0},
        {"point_id": "industry", "shown_to_leads": 1, "useful": 1, "wrong": 0}]


def test_forget_erases_the_persons_feedback(con, tmp_path):
    _record(con, tmp_path, "L1,,,,wrong contact,,,\nL2,,,,move up,Called back,,\n")
    con.close()
    settings = Settings(warehouse=tmp_path / "w.duckdb", out_dir=tmp_path / "out",
                        rejects_dir=tmp_path / "rejects")
    with store.opened(tmp_path / "w.duckdb") as before:
        note_points_shown(before, DAY)
    erased = forget(settings, "l1@acme.fr", now=NOW)
    assert erased.tables["lead_feedback"] == 1
    assert erased.tables["points_shown"] == 3  # the points L1 was shown
    with store.opened(tmp_path / "w.duckdb") as again:
        assert [m[:2] for m in _marks(again)] == [("L2", "move_up")]
