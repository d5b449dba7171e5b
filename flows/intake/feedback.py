"""What a rep marks on the sheet besides the outcome, read back by `leadpilot outcomes FILE`.

The sheet's Feedback column takes "not a fit", "wrong contact", "move up" or "move down" (a
move needs a "Feedback reason"); "Useful talking points" and "Wrong talking points" take the
numbers the sheet gave the talking points ("2", "1, 3"). A number becomes the playbook entry
id of that point: the row's own "Talking points" cell says which text it was, and the
warehouse (talking_points.point_ids) which entry wrote that text on a past sheet; a file
without that column means the lead's latest sheet. Each mark is one lead_feedback row with the
rep (the row's Owner), the day and the file; reading the same file again records nothing new.
What the marks change is decided by the daily run (flows/pipeline/sql/off_sheet.sql,
active_moves.sql, playbook_stats.sql).
"""

from __future__ import annotations

import re
from datetime import date, datetime

import duckdb
import pandas as pd

# Headers that can hold each part of the feedback (matched ignoring case), as outcomes.COLUMNS.
COLUMNS = {
    "feedback": ("Feedback", "Retour"),
    "feedback_reason": ("Feedback reason", "Raison du retour"),
    "useful_points": ("Useful talking points", "Arguments utiles"),
    "wrong_points": ("Wrong talking points", "Arguments faux"),
    "talking_points": ("Talking points", "Arguments"),
    "owner": ("Owner", "Commercial"),
}
MARKED = ("feedback", "useful_points", "wrong_points")  # a row with one of them has feedback
# What people write in Feedback, lower-cased without accents -> the kind of mark.
WORDS = {
    "not a fit": "not_a_fit", "not_a_fit": "not_a_fit", "bad fit": "not_a_fit",
    "hors cible": "not_a_fit", "pas adapte": "not_a_fit",
    "wrong contact": "wrong_contact", "wrong_contact": "wrong_contact",
    "do not contact": "wrong_contact", "mauvais contact": "wrong_contact",
    "move up": "move_up", "move_up": "move_up", "up": "move_up", "monter": "move_up",
    "move down": "move_down", "move_down": "move_down", "down": "move_down",
    "descendre": "move_down",
}
POINT_KINDS = {"useful_points": "point_useful", "wrong_points": "point_wrong"}
_NUMBERS = re.compile(r"^\s*#?\d+(\s*[,;/ ]\s*#?\d+)*\s*$")
_NUMBERED = re.compile(r"^\s*'?(\d+)\.\s+(.*)$")  # "2. They requested a demo…"
MARK_COLUMNS = ["lead_id", "kind", "point_id", "reason", "rep"]


def has_feedback(frame: pd.DataFrame) -> pd.Series:
    """Whether each row carries any feedback mark."""
    present = pd.Series(False, index=frame.index)
    for part in MARKED:
        if part in frame:
            present |= frame[part].notna()
    return present


def judge(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame,
          plain) -> tuple[list[list[tuple]], list[list[str]]]:
    """Each row's marks (kind, point_id, reason, rep) and what is wrong with its feedback.

    `frame` holds lead_id (None when no lead was found) and the COLUMNS parts present in the
    file; `plain` is how outcomes compares words (lower-case, no accents).
    """
    shown = _shown_points(con, frame)
    marks, problems = [], []
    for row in frame.to_dict("records"):
        found, wrong = _row_marks(row, shown, plain)
        marks.append(found)
        problems.append(wrong)
    return marks, problems


def _row_marks(row: dict, shown: dict, plain) -> tuple[list[tuple], list[str]]:
    marks, problems = [], []
    reason, rep = row.get("feedback_reason"), row.get("owner")
    text = row.get("feedback")
    if text:
        kind = WORDS.get(plain(text))
        if kind is None:
            problems.append("feedback must be not a fit, wrong contact, move up or move down, "
                            f"not {text!r}")
        elif kind.startswith("move") and not reason:
            problems.append(f"{text!r} needs a reason in \"Feedback reason\"")
        else:
            marks.append((kind, None, reason, rep))
    for part, kind in POINT_KINDS.items():
        numbers = row.get(part)
        if not numbers:
            continue
        if not _NUMBERS.match(numbers):
            problems.append(f"{COLUMNS[part][0].lower()} must be numbers such as 2 or 1, 3, "
                            f"not {numbers!r}")
            continue
        if row.get("lead_id") is None:  # outcomes rejects the row for its unknown lead
            continue
        for number in sorted({int(n) for n in re.findall(r"\d+", numbers)}):
            point = _point_id(row, number, shown)
            if point is None:
                problems.append(f"talking point {number} of lead {row.get('lead_id')!r} is on "
                                "no sheet leadpilot wrote")
            else:  # the reason is the move's when the row has one, else the points'
                marks.append((kind, point, None if text else reason, rep))
    return marks, problems


def _lines(cell: object) -> dict[int, str]:
    """The talking points of a sheet cell by their number: {2: "They requested…"}."""
    found = {}
    for n, line in enumerate(str(cell or "").splitlines(), start=1):
        numbered = _NUMBERED.match(line)
        if numbered:
            found[int(numbered.group(1))] = numbered.group(2).strip()
        elif line.strip():  # an older sheet's bullets: their position is their number
            found[n] = line.strip().lstrip("'").removeprefix("• ").strip()
    return found


def _point_id(row: dict, number: int, shown: dict) -> str | None:
    """The playbook id of the row's talking point `number`, from the newest sheet that showed
    the same text at that place (or, when the file has no talking points, the newest sheet)."""
    text = _lines(row.get("talking_points")).get(number) if row.get("talking_points") else None
    for points, ids in shown.get(row.get("lead_id"), []):
        if number <= len(ids) and (text is None or points[number - 1] == text):
            return ids[number - 1]
    return None


def _shown_points(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> dict:
    """lead_id -> [(points, point_ids)] of the leads' past sheets, newest first."""
    wanted = frame.loc[frame[[p for p in POINT_KINDS if p in frame]].notna().any(axis=1)
                       if any(p in frame for p in POINT_KINDS) else frame.index[:0], "lead_id"]
    ids = sorted({i for i in wanted if isinstance(i, str)})
    if not ids or not _has(con, "talking_points", "point_ids"):
        return {}
    rows = con.execute("SELECT lead_id, points, point_ids FROM talking_points "
                       "WHERE lead_id IN (SELECT unnest($ids)) AND point_ids IS NOT NULL "
                       "ORDER BY run_date DESC", {"ids": ids}).fetchall()
    shown: dict[str, list] = {}
    for lead_id, points, point_ids in rows:
        shown.setdefault(lead_id, []).append((list(points), list(point_ids)))
    return shown


def fresh(con: duckdb.DuckDBPyConnection, good: pd.DataFrame) -> pd.DataFrame:
    """The marks of the accepted rows that the warehouse does not hold yet (same lead, kind,
    talking point and reason): a file read twice records its marks once."""
    records = [(lead, *mark) for lead, marks in zip(good["lead_id"], good["marks"], strict=True)
               for mark in marks]
    marks = pd.DataFrame(records, columns=MARK_COLUMNS, dtype=object).drop_duplicates(
        ["lead_id", "kind", "point_id", "reason"], keep="last")
    if marks.empty or not _has(con, "lead_feedback", "kind"):  # a dry run's older warehouse
        return marks
    con.register("lp_marks_in", marks)
    try:
        known = con.execute("""
            SELECT m.lead_id, m.kind, m.point_id, m.reason FROM lp_marks_in m
            SEMI JOIN lead_feedback f ON f.lead_id = m.lead_id AND f.kind = m.kind
             AND f.point_id IS NOT DISTINCT FROM m.point_id
             AND f.reason IS NOT DISTINCT FROM m.reason""").fetchall()
    finally:
        con.unregister("lp_marks_in")
    seen = set(known)
    keep = [(r.lead_id, r.kind, r.point_id, r.reason) not in seen for r in marks.itertuples()]
    return marks[keep].reset_index(drop=True)


def _has(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether the warehouse has the column (a dry run opens an older file unmigrated)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = ? "
                            "AND column_name = ? AND database_name = current_database()",
                            [table, column]).fetchall()[0][0])


def insert(con: duckdb.DuckDBPyConnection, marks: pd.DataFrame, day: date, now: datetime,
           source: str) -> None:
    """Store the marks, inside the caller's transaction."""
    if marks.empty:
        return
    con.register("lp_marks_new", marks.astype(object))
    try:
        con.execute("INSERT INTO lead_feedback SELECT lead_id, kind, point_id, reason, rep, "
                    "$day, $now, $file FROM lp_marks_new", {"day": day, "now": now,
                                                           "file": source})
    finally:
        con.unregister("lp_marks_new")


def counts(marks: pd.DataFrame) -> dict[str, int]:
    """How many new marks of each kind, for the summary."""
    return {str(k): int(v) for k, v in marks["kind"].value_counts().sort_index().items()}
