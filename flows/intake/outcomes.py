"""`leadpilot outcomes FILE`: record won, lost, no answer and bad fit, so the next training
learns from them.

FILE is the lead sheet after a rep filled in its outcome columns ("Lead ID", "Outcome",
"Outcome reason", "Close date", "Deal value (EUR)"), as CSV (English or French Excel) or XLSX,
or a CRM export (Salesforce Id/Status/ConvertedDate, HubSpot Record ID/Lifecycle Stage…).
The same rows may carry the rep's feedback (Feedback, Feedback reason, Useful/Wrong talking
points), read by flows/intake/feedback.py into lead_feedback; a row with feedback and no
outcome is recorded too, and counts once in the row equation whatever it carries.
Every outcome is kept in `outcomes`; won and lost also close the lead (leads.status,
closed_at), which is what training reads. A row finds its lead by id, by the id of a
duplicate CRM record an import merged into it (lead_aliases), or by email. Rows without an
outcome are skipped; rows that name no known lead or hold an unreadable value are rejected
with their line and reason. Rows of people `leadpilot forget` erased (their email or lead id,
or for a rejected row any address or field in its original text, is on the suppression list:
flows/privacy/suppression.py) are counted as suppressed: neither recorded nor written to the rejects
file, which would copy their personal data back to disk. A file that changed while it was read
(an export still being written) is refused, and nothing is written.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd

from features.reading.values import install_macros
from flows.errors import LeadpilotError
from flows.intake import feedback, rejects
from flows.intake.loading import load_csv
from flows.intake.originals import originals
from flows.intake.reading import check_unchanged, detect_format, stamp
from flows.intake.rows import quote
from flows.privacy import suppression

OUTCOMES = ("won", "lost", "no_answer", "bad_fit")
CLOSING = {"won": "won", "lost": "lost"}
# Headers that can hold each part of an outcome, in order of preference (matched ignoring case).
COLUMNS = {
    "lead_id": ("Lead ID", "lead_id", "Id", "Record ID", "Contact ID", "Lead Id", "ID du lead"),
    "email": ("Email", "email", "E-mail"),
    "outcome": ("Outcome", "outcome", "Résultat", "Status", "Lifecycle Stage", "Lead Status",
                "StageName", "Deal Stage"),
    "reason": ("Outcome reason", "outcome_reason", "reason", "Raison", "Lost reason",
               "Closed Lost Reason", "Loss Reason"),
    "close_date": ("Close date", "close_date", "CloseDate", "Close Date", "ConvertedDate",
                   "closed_at", "Date de clôture"),
    "deal_value": ("Deal value (EUR)", "deal_value", "Amount", "Deal value", "Amount (EUR)",
                   "Montant"),
    **feedback.COLUMNS,
}
# What people write, lower-cased without accents, -> outcome. Anything else is rejected.
WORDS = {
    "won": "won", "win": "won", "gagne": "won", "closed won": "won", "closed - converted": "won",
    "converted": "won", "customer": "won", "signed": "won", "signe": "won",
    "lost": "lost", "perdu": "lost", "closed lost": "lost", "closed - not converted": "lost",
    "no answer": "no_answer", "no_answer": "no_answer", "no response": "no_answer",
    "pas de reponse": "no_answer", "sans reponse": "no_answer", "unresponsive": "no_answer",
    "bad fit": "bad_fit", "bad_fit": "bad_fit", "not a fit": "bad_fit", "unqualified": "bad_fit",
    "hors cible": "bad_fit", "mauvaise cible": "bad_fit", "disqualified": "bad_fit",
}
# CRM statuses that are no outcome yet: the row is skipped, not rejected.
STILL_OPEN = re.compile(r"^(open|new|working|qualified|nurturing|in progress|attempted|"
                        r"connected|lead|subscriber|marketing|sales|opportunity|other|bad timing)",
                        re.IGNORECASE)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class OutcomeSummary:
    """read = recorded + unchanged + merged + skipped + rejected + suppressed."""

    file: str
    format: str
    read: int
    recorded: int
    unchanged: int
    merged: int  # a later row of the file gave the same lead's outcome
    skipped: int  # no outcome yet (empty, or a CRM status that is still open) and no feedback
    rejected: int
    suppressed: int  # rows of people `leadpilot forget` erased: not recorded, not rejected
    closed: int
    rejects_file: str | None
    first_rejects: list[dict] = field(default_factory=list)
    dry_run: bool = False
    feedback: dict[str, int] = field(default_factory=dict)  # new marks of each kind

    @property
    def balanced(self) -> bool:
        return self.read == (self.recorded + self.unchanged + self.merged + self.skipped
                             + self.rejected + self.suppressed)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _pick(headers: tuple[str, ...]) -> dict[str, str]:
    by_lower = {h.lower(): h for h in reversed(headers)}
    found = {}
    for part, candidates in COLUMNS.items():
        for candidate in candidates:
            if candidate.lower() in by_lower:
                found[part] = by_lower[candidate.lower()]
                break
    return found


def _read(con: duckdb.DuckDBPyConnection, path: Path, workdir: Path):
    fmt = detect_format(path)
    loaded = load_csv(con, path, fmt, "lp_outcome_raw", workdir)
    fmt = loaded.fmt
    picked = _pick(fmt.columns)
    if not ({"outcome", *feedback.MARKED} & set(picked)) or not ({"lead_id", "email"}
                                                                 & set(picked)):
        raise LeadpilotError(
            f"The file {path.name} has no outcome column or no lead column: it needs "
            "\"Lead ID\" (or Id, or Email) and \"Outcome\" (or a CRM Status, or Feedback).")
    install_macros(con)
    text = {part: f"lp_text({quote(col)})" for part, col in picked.items()}
    none = "NULL::VARCHAR"
    extra = "".join(f", {text.get(part, none)} AS {part}" for part in feedback.COLUMNS)
    frame = con.execute(f"""
        SELECT _rec, lead_key, email_key, outcome_text, reason, close_text,
               lp_timestamp_of(close_g, $ord)::DATE AS close_date, value_text,
               lp_decimal_of(value_clean, $dec) AS deal_value, {', '.join(feedback.COLUMNS)}
        FROM (SELECT *, lp_date_parts(close_text) AS close_g,
                     lp_clean_number(value_text) AS value_clean FROM (
        SELECT rowid - $base AS _rec, {text.get('lead_id', none)} AS lead_key,
               lower({text.get('email', none)}) AS email_key,
               {text.get('outcome', none)} AS outcome_text,
               {text.get('reason', none)} AS reason,
               {text.get('close_date', none)} AS close_text,
               {text.get('deal_value', none)} AS value_text{extra}
        FROM lp_outcome_raw
        WHERE coalesce({', '.join(f'lp_text({quote(c)})' for c in fmt.columns)}) IS NOT NULL))
        ORDER BY _rec
    """, {"ord": fmt.date_order, "dec": fmt.decimal, "base": loaded.first_rowid})  # noqa: S608
    columns = [d[0] for d in frame.description]
    return loaded, pd.DataFrame(frame.fetchall(), columns=columns, dtype=object)


def _judge(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """Add lead_id, outcome and a reject reason (None when the row is fine, "skip" when it has
    no outcome yet, "suppressed" when its email or lead id is on the suppression list) to each
    row."""
    known = con.execute("SELECT lead_id, lower(trim(email)) AS email_key FROM leads").df()
    by_id = set(known["lead_id"])
    by_email = known.dropna(subset=["email_key"]).groupby("email_key")["lead_id"].min()
    by_alias = dict(con.execute(  # a duplicate CRM record's id -> the lead it was merged into
        "SELECT alias, min(lead_id) FROM lead_aliases GROUP BY alias").fetchall())
    frame["lead_id"] = [
        key if key in by_id else by_alias.get(key) or (by_email.get(email) if email else None)
        for key, email in zip(frame["lead_key"], frame["email_key"], strict=True)]
    words = frame["outcome_text"].map(lambda t: WORDS.get(_plain(t)) if t else None)
    frame["outcome"] = words
    skip = frame["outcome_text"].isna() | (words.isna() & frame["outcome_text"].map(
        lambda t: bool(t and STILL_OPEN.match(_plain(t)))))
    erased = (frame["email_key"].isin(suppression.suppressed_among(con, frame["email_key"]))
              | frame["lead_key"].isin(suppression.lead_ids_among(con, frame["lead_key"])))
    frame = frame.astype(object).where(frame.notna(), None)
    marks, wrong_marks = feedback.judge(con, frame, _plain)
    frame["marks"] = pd.Series(marks, index=frame.index, dtype=object)
    reasons = []
    for row, skipped, suppressed, marked, wrong in zip(
            frame.itertuples(), skip, erased, feedback.has_feedback(frame), wrong_marks,
            strict=True):
        if suppressed:
            reasons.append("suppressed")
        elif skipped and not marked:
            reasons.append("skip")
        else:
            reasons.append("; ".join(_problems(row, skipped) + wrong) or None)
    frame["problem"] = pd.Series(reasons, index=frame.index, dtype=object)
    frame["deal_value"] = frame["deal_value"].map(
        lambda v: None if v is None else Decimal(v).quantize(CENT, rounding=ROUND_HALF_UP))
    return frame


def _problems(row, skipped: bool) -> list[str]:
    """What is wrong with a row's lead and outcome (`skipped`: it gives no outcome)."""
    problems = []
    if not skipped and row.outcome is None:
        problems.append(f"outcome must be won, lost, no answer or bad fit, not "
                        f"{row.outcome_text!r}")
    if row.lead_id is None:
        problems.append(f"no lead {row.lead_key or row.email_key!r} in the warehouse")
    if row.close_text and row.close_date is None:
        problems.append(f"close date is not a date: {row.close_text!r}")
    if row.value_text and row.deal_value is None:
        problems.append(f"deal value is not a number: {row.value_text!r}")
    elif row.deal_value is not None and row.deal_value < 0:
        problems.append(f"deal value is negative: {row.value_text!r}")
    return problems


def record_outcomes(con: duckdb.DuckDBPyConnection, path: Path, rejects_dir: Path,
                    now: datetime, *, dry_run: bool = False,
                    today: date | None = None) -> OutcomeSummary:
    """Record the outcomes and feedback of FILE in one transaction (the feedback marked on
    `today`, the team's day, default `now`'s date); see the module docstring."""
    path = Path(path)
    read_from = stamp(path)
    with tempfile.TemporaryDirectory(prefix="leadpilot-outcomes-") as tmp:
        loaded, frame = _read(con, path, Path(tmp))
        frame = _judge(con, frame)
        bad = frame[frame["problem"].notna() & ~frame["problem"].isin(["skip", "suppressed"])]
        good = frame[frame["problem"].isna()].drop_duplicates("lead_id", keep="last")
        latest = con.execute(
            "SELECT lead_id, outcome, reason, close_date, deal_value FROM outcomes "
            "QUALIFY row_number() OVER (PARTITION BY lead_id ORDER BY recorded_at DESC) = 1"
            if _has_outcomes(con) else "SELECT NULL AS lead_id LIMIT 0").fetchall()
        seen = {row[0]: tuple(row[1:]) for row in latest}
        fresh = good[pd.Series(  # a Series: an empty list would select no column
            [r.outcome is not None and seen.get(r.lead_id) != (
                r.outcome, r.reason, r.close_date, r.deal_value) for r in good.itertuples()],
            index=good.index, dtype=bool)]
        marks = feedback.fresh(con, good)
        found = list(originals(loaded, iter(bad["_rec"].tolist()), one_line_records=False))
        problems = dict(zip(bad["_rec"], bad["problem"], strict=True))
        candidates = ([(int(r.line), r.reason, r.raw) for r in loaded.rejects.itertuples()]
                      + [(line, problems[rec], raw) for rec, line, raw in found])
        hidden = suppression.mentioning(con, pd.Series([raw for *_, raw in candidates],
                                                       dtype=object)).tolist()
        rows = sorted(row for row, hide in zip(candidates, hidden, strict=True) if not hide)
    closing = fresh[fresh["outcome"].isin(list(CLOSING))]
    rejected = len(rows)
    target = rejects_dir / f"{path.stem}_rejects.csv"
    summary = OutcomeSummary(
        file=str(path), format=loaded.fmt.describe(), read=len(frame) + len(loaded.rejects),
        recorded=len(new := set(fresh["lead_id"]) | set(marks["lead_id"])),
        unchanged=len(good) - len(new),
        merged=int(frame["problem"].isna().sum()) - len(good),
        skipped=int((frame["problem"] == "skip").sum()), rejected=rejected,
        suppressed=int((frame["problem"] == "suppressed").sum()) + sum(hidden),
        closed=len(closing),
        rejects_file=str(target) if rejected and not dry_run else None,
        first_rejects=[dict(zip(rejects.COLUMNS, r, strict=True)) for r in rows[:10]],
        dry_run=dry_run, feedback=feedback.counts(marks))
    check_unchanged(path, read_from)  # a file still being written: nothing of it lands
    if dry_run:
        return summary
    _write(con, fresh, closing, now, str(path), summary, rows, target,
           lambda: feedback.insert(con, marks, today or now.date(), now, str(path)))
    return summary


def _has_outcomes(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'outcomes'"
                            ).fetchone()[0])


def _write(con, fresh: pd.DataFrame, closing: pd.DataFrame, now: datetime, source: str,
           summary: OutcomeSummary, rows: list, target: Path, also=lambda: None) -> None:
    """Write the rejects file, then the outcomes, the closed leads and `also` (the feedback
    marks) in one transaction."""
    if rows:
        rejects.write_rejects(iter(rows), target)
    records = pd.DataFrame({
        "lead_id": fresh["lead_id"].astype(str), "outcome": fresh["outcome"].astype(str),
        "reason": fresh["reason"].astype(object), "close_date": fresh["close_date"].astype(object),
        "deal_value": fresh["deal_value"].astype(object)})
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("lp_outcomes_in", records)
        con.execute("INSERT INTO outcomes SELECT lead_id, outcome, reason, close_date::DATE, "
                    "deal_value::DECIMAL(18,2), $now, $file FROM lp_outcomes_in",
                    {"now": now, "file": source})
        con.execute("""
            CREATE OR REPLACE TEMP TABLE lp_closing AS
            SELECT o.lead_id, o.outcome AS status,
                   coalesce(o.close_date::TIMESTAMP, l.closed_at, $now) AS closed_at,
                   l.status AS old_status, l.closed_at AS old_closed_at
            FROM lp_outcomes_in o JOIN leads l USING (lead_id)
            WHERE o.outcome IN ('won', 'lost')
        """, {"now": now})
        con.execute("""
            INSERT INTO lead_changes
            SELECT lead_id, field, old, new, $now, $file FROM (
                SELECT lead_id, 'status' AS field, old_status AS old, status AS new
                FROM lp_closing
                UNION ALL
                SELECT lead_id, 'closed_at', old_closed_at::VARCHAR, closed_at::VARCHAR
                FROM lp_closing) WHERE old IS DISTINCT FROM new
        """, {"now": now, "file": source})
        con.execute("UPDATE leads SET status = c.status, closed_at = c.closed_at, "
                    "updated_at = $now FROM lp_closing c WHERE leads.lead_id = c.lead_id "
                    "AND (leads.status <> c.status OR leads.closed_at IS DISTINCT FROM "
                    "c.closed_at)", {"now": now})
        con.execute("INSERT INTO imports VALUES (?, 'outcomes', ?, 'outcomes', ?, ?, ?)", [
            uuid.uuid4().hex, source, summary.format, now,
            json.dumps({k: v for k, v in asdict(summary).items()
                        if isinstance(v, int) and not isinstance(v, bool)})])
        also()
        con.execute("DROP TABLE lp_closing")
        con.unregister("lp_outcomes_in")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        rejects.partial(target).unlink(missing_ok=True)
        raise
    if rows:
        rejects.partial(target).replace(target)
