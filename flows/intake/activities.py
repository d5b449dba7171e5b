"""The daily activities file through the import's reader, checks and reject texts.

Read by `loading.load_csv` (DuckDB, the same reader as `leadpilot import`), checked in SQL
(sql/import/activities.sql) with the reject texts of features.reading.reasons, and written as
one row per event: read = inserted + updated + unchanged + merged + rejected + suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb

from features.columns import EVENT_TYPES
from features.reading.reasons import reason_params
from features.reading.values import date_formats
from flows import store
from flows.errors import LeadpilotError
from flows.intake import rejects
from flows.intake import rows as import_rows
from flows.intake.importer import run_script
from flows.intake.loading import Loaded, load_csv, may_span_lines
from flows.intake.reading import check_unchanged, detect_format, stamp
from flows.privacy import suppression

REQUIRED = ("event_id", "lead_id", "occurred_at", "event_type")


def import_activities(con: duckdb.DuckDBPyConnection, path: Path, rejects_dir: Path,
                      workdir: Path, erased_leads: set[str], *, dry_run: bool = False) -> dict:
    """Load the activities file inside the caller's transaction; the events of suppressed
    people (on the list, or in `erased_leads`: the leads file's) are skipped unwritten. With
    `dry_run`, the counts only: no rejects file, no row written.

    Returns:
        the counts (read, inserted, updated, unchanged, merged, rejected, suppressed) and
        `rejects_file` (None when no row was rejected).
    """
    fmt = detect_format(path)
    read_from = stamp(path)
    headers = {h.lower(): h for h in fmt.columns}
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise LeadpilotError(f"The file {path} cannot be imported: missing required "
                             f"column(s): {', '.join(missing)}.")
    import_rows.install(con)
    loaded = load_csv(con, path, fmt, "lp_events", workdir)
    script = store.sql("import/activities", __package__)
    for column in REQUIRED:
        script = script.replace("{" + column + "}", import_rows.quote(headers[column]))
    run_script(con, script, {**reason_params(), "base": loaded.first_rowid,
                             "formats": date_formats(loaded.fmt),
                             "ord": loaded.fmt.date_order, "types": list(EVENT_TYPES)})
    counts, hidden = _skip_suppressed(con, loaded, erased_leads)
    target = rejects.target(rejects_dir, path)
    written = counts["rejected"] and not dry_run
    if written:  # as `.partial`: the caller publishes it once its transaction commits
        rejects.write_rejects(_rejects(con, loaded, hidden), target)
    check_unchanged(path, read_from)  # a file still being written: nothing of it lands
    if not dry_run:  # one row per event_id: no key index keeps it (migration 017), this does
        run_script(con, store.sql("import/activities_write", __package__), {})
    for table in ("lp_events", "lp_event_rows", "lp_event_valid", "lp_reject_reasons"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return {**counts, "rejects_file": str(target) if written else None}


def _skip_suppressed(con: duckdb.DuckDBPyConnection, loaded: Loaded, erased_leads: set[str]
                     ) -> tuple[dict[str, int], set[int]]:
    """Drop the rows of suppressed people; (the counts, the reader rejects' lines to hide)."""
    ids = [row[0] for row in con.execute(
        "SELECT DISTINCT lead_id FROM lp_event_rows WHERE lead_id IS NOT NULL").fetchall()]
    gone = (set(erased_leads) & set(ids)) | suppression.lead_ids_among(con, ids)
    suppressed = 0
    if gone:
        ids = {"ids": sorted(gone)}
        suppressed = con.execute("DELETE FROM lp_event_rows WHERE list_contains($ids, lead_id)",
                                 ids).fetchall()[0][0]
        con.execute("DELETE FROM lp_event_valid WHERE list_contains($ids, lead_id)", ids)
    hidden = set()
    if suppression.has_entries(con) or gone:
        mentions = suppression.mentioning(con, loaded.rejects["raw"]) | loaded.rejects[
            "raw"].map(lambda raw: any(i in gone for i in raw.split(loaded.fmt.delimiter)))
        hidden = {int(line) for line in loaded.rejects["line"][mentions]}
    valid, invalid, new, changed, events = con.execute(
        "SELECT count(*) FILTER (WHERE reason IS NULL), count(reason), "
        "(SELECT count(*) FILTER (WHERE NOT existed) FROM lp_event_valid), "
        "(SELECT count(*) FILTER (WHERE existed AND changed) FROM lp_event_valid), "
        "(SELECT count(*) FROM lp_event_valid) FROM lp_event_rows").fetchone()
    reader = len(loaded.rejects) - len(hidden)
    return {"read": valid + invalid + suppressed + len(loaded.rejects), "inserted": new,
            "updated": changed, "unchanged": events - new - changed, "merged": valid - events,
            "rejected": invalid + reader, "suppressed": suppressed + len(hidden)}, hidden


def _rejects(con: duckdb.DuckDBPyConnection, loaded: Loaded, hidden: set[int]
             ) -> Iterator[tuple[int, str, str]]:
    """(line, reason, raw) of every reject, in line order, a workbook's by sheet row."""
    con.execute("CREATE OR REPLACE TEMP TABLE lp_reject_reasons AS SELECT _rec, reason "
                "FROM lp_event_rows WHERE reason IS NOT NULL")
    multiline = may_span_lines(loaded.source, loaded.fmt.quotechar)
    return rejects.numbered((row for row in rejects.all_rejects(con, loaded, multiline)
                             if row[0] not in hidden), loaded)
