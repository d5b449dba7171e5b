"""The rep steers, end to end: the daily run writes the sheet, a rep marks it (in the CSV, and in
their own XLSX file), `leadpilot outcomes` reads the marks back, and the next day's sheet follows
them: the wrong contact and the lead that is not a fit are gone, the moved leads have moved, and
the talking points' counts reach sales ops."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta

import openpyxl
import pandas as pd
import pytest
from support import ANCHOR, NOW, run_leadpilot

from flows import store

pytestmark = pytest.mark.usefixtures("prefect_harness")
NEXT = ANCHOR + timedelta(days=1)


def _leadpilot(args: list[str], patch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """tests/support.py's run_leadpilot, for a module fixture (no capsys): output captured."""
    out, err = io.StringIO(), io.StringIO()

    class _Captured:
        @staticmethod
        def readouterr():
            return out.getvalue(), err.getvalue()

    with redirect_stdout(out), redirect_stderr(err):
        return run_leadpilot(args, patch, _Captured)


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _fill_csv(path) -> dict[str, str]:
    """As a rep in Excel: five rows marked, two of them wrongly. Returns lead ids by role."""
    sheet = _read(path)
    ids = sheet["Lead ID"]
    roles = {"wrong_contact": ids[0], "points": ids[2], "no_reason": ids[3],
             "no_such_point": ids[4], "moved_up": ids[59]}
    row = {role: sheet.index[ids == lead][0] for role, lead in roles.items()}
    sheet.loc[row["wrong_contact"], "Feedback"] = "Wrong contact"
    sheet.loc[row["points"], ["Useful talking points", "Wrong talking points"]] = ["1, 2", "3"]
    sheet.loc[row["no_reason"], "Feedback"] = "move up"  # rejected: a move needs a reason
    sheet.loc[row["no_such_point"], "Useful talking points"] = "9"  # rejected: at most 5
    sheet.loc[row["moved_up"], ["Feedback", "Feedback reason"]] = ["move up", "CEO called back"]
    sheet.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return roles


def _fill_xlsx(path, taken: set[str]) -> tuple[dict[str, str], list[str]]:
    """As a rep in their own workbook: the first three leads not already marked in the CSV.
    Returns the lead ids by role and the Feedback drop-down's choices."""
    book = openpyxl.load_workbook(path)
    page = book.worksheets[0]
    column = {cell.value: cell.column for cell in page[1]}
    letter = openpyxl.utils.get_column_letter(column["Feedback"])
    choices = [v.formula1 for v in page.data_validations.dataValidation
               if str(v.sqref).startswith(f"{letter}2")]
    rows = [r for r in range(2, page.max_row + 1)
            if page.cell(r, column["Lead ID"]).value not in taken][:3]
    marks = {"not_a_fit": ("not a fit", "Subsidiary of a competitor", None),
             "moved_down": ("move down", "On leave until January", None),
             "wrong_point": (None, None, "1")}
    roles = {}
    for r, (role, (mark, reason, wrong)) in zip(rows, marks.items(), strict=True):
        page.cell(r, column["Feedback"], mark)
        page.cell(r, column["Feedback reason"], reason)
        page.cell(r, column["Wrong talking points"], wrong)
        roles[role] = page.cell(r, column["Lead ID"]).value
    book.save(path)
    return roles, choices


@pytest.fixture(scope="module")
def round_trip(demo_env, tmp_path_factory):
    """Day one's sheet, marked in the CSV and in a rep's XLSX, read back twice, then day two."""
    from flows.pipeline.daily import daily_lead_sheet

    root = tmp_path_factory.mktemp("feedback")
    settings = demo_env[0]
    shutil.copy(settings.path(settings.warehouse), root / "w.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {"WAREHOUSE": "w.duckdb", "OUT_DIR": "out", "REJECTS_DIR": "rejects",
                           "LOG_FILE": "leadpilot.log"}.items():
            patch.setenv(f"LEADPILOT_{key}", str(root / value))
        patch.setenv("LEADPILOT_TODAY", ANCHOR.isoformat())  # the rep reads it that day
        day_one = daily_lead_sheet(run_date=ANCHOR, now=NOW)
        first = _read(day_one)
        csv_roles = _fill_csv(day_one)
        code, exported, _ = _leadpilot(["export", "--format", "xlsx", "--per-owner"], patch)
        assert code == 0, exported
        owner_file = max((root / "out" / ANCHOR.isoformat()).glob("lead_sheet_*.xlsx"),
                         key=lambda p: p.stat().st_size)
        xlsx_roles, choices = _fill_xlsx(owner_file, set(csv_roles.values()))
        runs = {name: _leadpilot(["outcomes", str(path)], patch) for name, path in
                [("csv", day_one), ("csv again", day_one), ("xlsx", owner_file)]}
        with store.opened(root / "w.duckdb") as con:
            shown = {lead: list(ids) for lead, ids in con.execute(
                "SELECT lead_id, point_ids FROM talking_points WHERE run_date = ?",
                [ANCHOR]).fetchall()}
        patch.delenv("LEADPILOT_TODAY")
        day_two = _read(daily_lead_sheet(run_date=NEXT, now=NOW + timedelta(days=1)))
        code, stats_text, _ = _leadpilot(["playbook-stats"], patch)
        assert code == 0, stats_text
        yield {"root": root, "first": first, "next": day_two, "roles": {**csv_roles,
               **xlsx_roles}, "runs": runs, "shown": shown, "choices": choices,
               "stats_text": stats_text, "owner": _read(day_one).set_index("Lead ID").loc[
                   xlsx_roles["not_a_fit"], "Owner"]}


def test_the_sheet_offers_the_feedback_columns_and_numbers_the_talking_points(round_trip):
    first = round_trip["first"]
    for header in ("Feedback", "Feedback reason", "Useful talking points",
                   "Wrong talking points"):
        assert header in first.columns and (first[header] == "").all()
    assert all(line.startswith(f"{n}. ") for cell in first["Talking points"]
               for n, line in enumerate(cell.splitlines(), start=1))
    assert round_trip["choices"] == ['"not a fit,wrong contact,move up,move down"']


def test_outcomes_reads_the_marks_with_the_row_equation_and_rejects_bad_rows(round_trip):
    code, out, err = round_trip["runs"]["csv"]
    assert code == 0, err
    rows = len(round_trip["first"])
    with store.opened(round_trip["root"] / "w.duckdb") as con:
        counted = json.loads(con.execute("SELECT summary FROM imports WHERE kind = 'outcomes' "
                                         "ORDER BY imported_at LIMIT 1").fetchall()[0][0])
    # 5 rows marked: 3 recorded, 2 rejected with their line (header = line 1); the rest skipped
    assert {k: counted[k] for k in ("read", "recorded", "unchanged", "merged", "skipped",
                                    "rejected", "suppressed")} == {
        "read": rows, "recorded": 3, "unchanged": 0, "merged": 0, "skipped": rows - 5,
        "rejected": 2, "suppressed": 0}
    assert ("feedback recorded: 1 moved up, 2 talking point useful, 1 talking point wrong, "
            "1 wrong contact") in " ".join(out.split())
    first, roles = round_trip["first"], round_trip["roles"]
    rejects = pd.read_csv(round_trip["root"] / "rejects" / ANCHOR.isoformat()
                          / "lead_sheet_rejects.csv", encoding="utf-8-sig")
    # the line where the row starts in the file (its multi-line cells take several)
    text = (round_trip["root"] / "out" / ANCHOR.isoformat() / "lead_sheet.csv").read_text(
        encoding="utf-8-sig").splitlines()
    rank = first.set_index("Lead ID")["Rank"]
    assert [text[n - 1].split(",")[0] for n in rejects["line"]] == [
        rank[roles["no_reason"]], rank[roles["no_such_point"]]]
    assert "'move up' needs a reason" in rejects["reason"][0]
    assert f"talking point 9 of lead '{roles['no_such_point']}'" in rejects["reason"][1]


def test_reading_the_same_file_again_records_nothing_twice(round_trip):
    code, out, _ = round_trip["runs"]["csv again"]
    assert code == 0 and "feedback recorded" not in out
    with store.opened(round_trip["root"] / "w.duckdb") as con:
        kinds = dict(con.execute("SELECT kind, count(*) FROM lead_feedback GROUP BY kind"
                                 ).fetchall())
    assert kinds == {"wrong_contact": 1, "move_up": 1, "point_useful": 2, "point_wrong": 2,
                     "not_a_fit": 1, "move_down": 1}


def test_the_wrong_contact_and_the_lead_that_is_not_a_fit_leave_the_next_sheet(round_trip):
    roles, day_two = round_trip["roles"], round_trip["next"]
    gone = {roles["wrong_contact"], roles["not_a_fit"]}
    assert gone <= set(round_trip["first"]["Lead ID"])
    assert not gone & set(day_two["Lead ID"])
    assert not any(lead in cell for lead in gone for cell in day_two.to_numpy().ravel())
    with store.opened(round_trip["root"] / "w.duckdb") as con:
        kept = con.execute("SELECT lead_id, status FROM leads WHERE lead_id IN (?, ?) "
                           "ORDER BY lead_id", sorted(gone)).fetchall()
        fit = con.execute("SELECT rep, marked_on, reason FROM lead_feedback "
                          "WHERE kind = 'not_a_fit'").fetchone()
    assert kept == [(lead, "open") for lead in sorted(gone)]  # not erased, not a training label
    assert fit == (round_trip["owner"], ANCHOR, "Subsidiary of a competitor")


def test_the_moved_leads_move_and_the_sheet_says_who_moved_them_and_why(round_trip):
    roles, day_two = round_trip["roles"], round_trip["next"]
    assert day_two["Lead ID"].iloc[0] == roles["moved_up"]
    assert day_two["Lead ID"].iloc[-1] == roles["moved_down"]
    change = day_two.set_index("Lead ID")["Change since yesterday"]
    owner = round_trip["first"].set_index("Lead ID")["Owner"]
    assert change[roles["moved_up"]].startswith(
        f"⇧ moved up by {owner[roles['moved_up']]} on 2026-11-27 (until 2026-12-04): "
        "CEO called back")
    assert change[roles["moved_down"]].startswith(
        f"⇩ moved down by {round_trip['owner']} on 2026-11-27 (until 2026-12-04): "
        "On leave until January")
    assert day_two["Rank"].astype(int).tolist() == list(range(1, len(day_two) + 1))


def test_the_talking_points_marked_are_counted_for_sales_ops(round_trip):
    roles, shown = round_trip["roles"], round_trip["shown"]
    expected = Counter({(shown[roles["points"]][0], "useful"): 1,
                        (shown[roles["points"]][1], "useful"): 1})
    expected.update([(shown[roles["points"]][2], "wrong"), (shown[roles["wrong_point"]][0],
                                                            "wrong")])
    stats = pd.read_csv(round_trip["root"] / "out" / NEXT.isoformat() / "playbook_stats.csv",
                        encoding="utf-8-sig").set_index("point_id")
    counted = Counter({(point, kind): int(n) for point, row in stats.iterrows()
                       for kind, n in row[["useful", "wrong"]].items() if n})
    assert counted == expected
    assert (stats["shown_to_leads"] > 0).all()
    top = stats.index[0]
    assert top in round_trip["stats_text"] and "wrong" in round_trip["stats_text"]
