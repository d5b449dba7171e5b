"""`leadpilot import FILE`: any CRM export or lead list into the warehouse, in one transaction.

    detect the format -> DuckDB loads the text -> typed rows with reject reasons -> one row
    per lead (dedupe by id, then email) and per company (by domain, then name) -> compare with
    the warehouse -> write what changed, its history, and the rejects CSV

Every row read ends in exactly one bucket:
read = inserted + updated + unchanged + merged + rejected + suppressed,
where suppressed rows are those of people `leadpilot forget` erased (flows/privacy/suppression.py):
neither imported nor written to the rejects file.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from features.reading.mapping import Mapping
from features.reading.reasons import reason_params
from features.reading.values import CsvFormat
from flows import store
from flows.errors import LeadpilotError
from flows.intake import diff as import_diff
from flows.intake import rejects
from flows.intake import rows as import_rows
from flows.intake.loading import Loaded, load_csv
from flows.intake.reading import check_unchanged, detect_format, stamp
from flows.privacy import suppression

MAX_TEXT = 1000  # characters in one mapped field (names, titles…); extra columns are not capped
MEMORY_LIMIT = "1GB"  # DuckDB spills to disk beyond this
Stage = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, with dry_run, would do)."""

    file: str
    format: str
    mapping: list[str]
    read: int
    inserted: int
    updated: int
    unchanged: int
    merged: int
    rejected: int
    suppressed: int
    blank: int
    rejects_file: str | None
    first_rejects: list[dict] = field(default_factory=list)
    dry_run: bool = False
    skipped_ids: tuple[str, ...] = ()  # the lead ids of the suppressed rows

    @property
    def balanced(self) -> bool:
        """Every row read is accounted for exactly once."""
        return self.read == (self.inserted + self.updated + self.unchanged + self.merged
                             + self.rejected + self.suppressed)


def import_file(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping,
                rejects_dir: Path, now: datetime, *, dry_run: bool = False,
                workdir: Path | None = None, stage: Stage | None = None,
                in_transaction: bool = False) -> ImportSummary:
    """Import one file; see the module docstring. Nothing is written when `dry_run`.

    Args:
        con: a warehouse connection (flows.store.connect).
        rejects_dir: where `<file stem>_rejects.csv` goes when some rows are rejected (left
            as `.partial` for the caller to publish when `in_transaction`).
        workdir: scratch space for a transcoded copy (a temporary folder when None).
        stage: called with (stage name, fraction done) as the import progresses.
        in_transaction: the caller holds a transaction and commits or rolls it back (the
            daily intake: three files, one transaction); not with `dry_run`.

    Raises:
        LeadpilotError: when the file cannot be read or matches nothing of the mapping.
    """
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="leadpilot-import-") as tmp:
            return import_file(con, path, mapping, rejects_dir, now, dry_run=dry_run,
                               workdir=Path(tmp), stage=stage, in_transaction=in_transaction)
    report = stage or (lambda _name, _done: None)
    path = Path(path)
    fmt = _checked_format(path, mapping)
    read_from = stamp(path)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    _spill_folder(con, workdir / "spill")
    own = not in_transaction
    import_rows.install(con, committed=own)  # before our BEGIN: kept for the next file
    target = rejects.target(rejects_dir, path)
    if own:
        con.execute("BEGIN TRANSACTION")
    try:
        summary, loaded, checked = _summarise(con, path, fmt, mapping, workdir, now, report,
                                              target, dry_run)
        if dry_run:
            preview = rejects.first(_rejects(con, loaded, *checked), 10)
            check_unchanged(path, read_from)
            con.execute("ROLLBACK")
            return ImportSummary(**{**asdict(summary), "first_rejects": preview})
        _write(con, path, mapping, summary, loaded, checked, now, report, target)
        check_unchanged(path, read_from)  # a file still being written: nothing of it lands
        if own:
            con.execute("COMMIT")
    except BaseException:
        if own:
            con.execute("ROLLBACK")
        rejects.discard([target])
        raise
    finally:
        # in the caller's aborted transaction, nothing runs: its rollback drops the scratch
        with contextlib.suppress(duckdb.TransactionException):
            con.execute("RESET preserve_insertion_order")
            _drop_scratch(con)
    if own:  # else the caller publishes it once its transaction commits
        rejects.publish([target])
    report("Done", 1.0)
    return summary


def _spill_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Where DuckDB spills beyond MEMORY_LIMIT: beside a warehouse file (DuckDB's own
    `<file>.tmp`, as every step's), in `folder` for an in-memory one (a dry run before there is
    a warehouse), which would spill into the working directory.

    DuckDB cannot move its spill folder once it has spilled: a connection that spilled before
    (the companies file of a day, then its leads) failed with "Cannot switch temporary
    directory", and a folder deleted after one import broke the next spill. An in-memory
    warehouse that spilled keeps its first folder (each dry run's outlives it)."""
    if store.path_of(con) == ":memory:":
        with contextlib.suppress(duckdb.NotImplementedException):
            con.execute(f"SET temp_directory = '{folder}'")


def _checked_format(path: Path, mapping: Mapping) -> CsvFormat:
    """The file's format, once the mapping is known to find a lead's id or email in it."""
    fmt = detect_format(path)
    resolved = mapping.resolve(fmt.columns)
    if not mapping.keys_leads and "company_id" not in resolved.fields:
        raise LeadpilotError(
            f"The file {path.name} has no company_id column for the {mapping.name} mapping "
            f"(found {', '.join(fmt.columns[:8])}).")
    if mapping.keys_leads and "lead_id" not in resolved.fields and "email" not in resolved.fields:
        wanted = ", ".join(mapping.columns.get("lead_id", ()) + mapping.columns.get("email", ()))
        raise LeadpilotError(
            f"The file {path.name} has no id or email column for the {mapping.name} mapping "
            f"(looked for {wanted}; found {', '.join(fmt.columns[:8])}).")
    return fmt


def _typed_rows(path: Path, mapping: Mapping) -> Callable:
    """The `query` of load_csv: the file's typed rows, each with its reject reason."""
    def typed_rows(con: duckdb.DuckDBPyConnection, sample: str, read_as: CsvFormat
                   ) -> tuple[str, dict]:
        breaks, swallows = rejects.record_checks(path, read_as.quotechar, read_as.delimiter,
                                                 read_as.columns)
        resolved = mapping.resolve(read_as.columns)
        parsed, params = import_rows.typed_rows_sql(con, resolved, read_as, sample, breaks,
                                                    swallows)
        sql = store.sql("import/validate", __package__).replace("{parsed}", parsed)
        # a required field the file has no column for takes the mapping's default
        required = [f for f in mapping.required if f in resolved.fields]
        params.update(reason_params(), max_text=MAX_TEXT, required=required,
                      companies=not mapping.keys_leads)
        return sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
    return typed_rows


def _summarise(con: duckdb.DuckDBPyConnection, path: Path, fmt: CsvFormat, mapping: Mapping,
               workdir: Path, now: datetime, report: Stage, target: Path, dry_run: bool
               ) -> tuple[ImportSummary, Loaded, tuple[bool, set[int]]]:
    """Read, check, match and compare the file's rows (nothing written yet): the summary,
    what was loaded, and (whether records span lines, the reader rejects to hide)."""
    loaded = load_csv(con, path, fmt, "lp_rows", workdir,
                      progress=lambda done: report("Reading", done),
                      query=_typed_rows(path, mapping))
    report("Checking rows", 0.0)
    # lp_rows' rowids number the records; nothing after it needs DuckDB to keep row order
    con.execute("SET preserve_insertion_order = false")
    import_rows.fix_non_ascii(con)
    import_rows.country_codes(con)
    skipped = suppression.skip_rows(con)  # from here on, blank rows
    suppressed = len(skipped)
    read, invalid = con.execute("SELECT count(*) FILTER (WHERE NOT blank), count(reason) "
                                "FROM lp_rows").fetchone()
    read += suppressed
    hidden = {int(line) for line in  # reader rejects that name a suppressed person
              loaded.rejects["line"][suppression.mentioning(con, loaded.rejects["raw"])]}
    suppressed += len(hidden)
    multiline = bool(invalid) and rejects.has_line_breaks(con, "lp_rows")
    con.execute("CREATE OR REPLACE TEMP TABLE lp_reject_reasons AS SELECT rowid - $base "
                "AS _rec, reason FROM lp_rows WHERE reason IS NOT NULL",
                {"base": loaded.first_rowid})
    report("Matching leads and companies", 0.0)
    run_script(con, store.sql("import/resolve", __package__), {
        "legal": import_rows.LEGAL_FORMS_PATTERN, "base": loaded.first_rowid,
        "by_email": mapping.merge_same_email})
    con.execute("DROP TABLE lp_rows")
    fields = import_diff.lead_fields(con)
    import_diff.merge(con, fields)
    import_diff.compare(con, fields, now, mapping.source_default, mapping.status_default)
    rejected = invalid + len(loaded.rejects) - len(hidden)
    summary = ImportSummary(
        file=str(path), format=loaded.fmt.describe(),
        mapping=mapping.resolve(loaded.fmt.columns).describe(),
        read=read + len(loaded.rejects), rejected=rejected, suppressed=suppressed,
        blank=loaded.rows - read, rejects_file=str(target) if rejected and not dry_run else None,
        dry_run=dry_run, skipped_ids=tuple(sorted({k.strip() for k in skipped if k})),
        **(import_diff.counts if mapping.keys_leads else import_diff.company_counts)(con))
    return summary, loaded, (multiline, hidden)


def _write(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping,
           summary: ImportSummary, loaded: Loaded, checked: tuple[bool, set[int]],
           now: datetime, report: Stage, target: Path) -> None:
    """Write the rejects file (still `.partial`), what changed, and the import's record."""
    report("Writing", 0.0)
    if summary.rejected:
        rejects.write_rejects(_rejects(con, loaded, *checked), target)
    import_diff.write(con, import_diff.lead_fields(con), now, str(path),
                      mapping.source_default, mapping.status_default,
                      new_leads=summary.inserted if mapping.keys_leads else 0)
    con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?)", [
        uuid.uuid4().hex, "leads" if mapping.keys_leads else "companies", str(path),
        mapping.name, loaded.fmt.describe(), now,
        json.dumps({k: v for k, v in asdict(summary).items()
                    if isinstance(v, int) and not isinstance(v, bool)})])


def _rejects(con: duckdb.DuckDBPyConnection, loaded: Loaded, multiline: bool,
             hidden: set[int]) -> Iterator[tuple[int, str, str]]:
    """The rejects, without the reader's rejects at the `hidden` lines (a suppressed person's);
    a workbook's numbered by their sheet row."""
    return rejects.numbered((row for row in rejects.all_rejects(con, loaded, multiline)
                             if row[0] not in hidden), loaded)


def run_script(con: duckdb.DuckDBPyConnection, script: str, params: dict) -> None:
    """Run a .sql file statement by statement (DuckDB binds parameters in one at a time)."""
    for statement in re.split(r";\s*\n", script):
        body = "\n".join(line for line in statement.splitlines()
                         if not line.lstrip().startswith("--")).strip()
        if body:
            con.execute(body, {k: v for k, v in params.items() if f"${k}" in body})


def _drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary "
                               "AND view_name LIKE 'lp\\_%' ESCAPE '\\'").fetchall():
        con.execute(f'DROP VIEW IF EXISTS "{name}"')
    for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary "
                               "AND table_name LIKE 'lp\\_%' ESCAPE '\\'").fetchall():
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
