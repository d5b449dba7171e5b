"""`leadpilot forget EMAIL`: erase a person everywhere leadpilot keeps them (GDPR art. 17).

What is erased:

- **The warehouse.** The person is found by email, ignoring case and surrounding spaces; their
  lead ids are the leads (and any other table with both columns) carrying that email. Every row
  of every table with a ``lead_id`` or an ``email`` column that matches goes: leads, activities,
  lead_enrichment, scores, quotes, talking points, features, owners, the rows of past sheets
  (sheet_rows, and the files the sheets are kept in since: flows/sheets/kept.py, rewritten
  without them), the reps' feedback marks (lead_feedback: a wrong contact, a move, a talking
  point), and whatever tables other features add (outcomes, enrichment caches...). The
  tables are discovered in ``information_schema`` (privacy/sql/personal_data_tables.sql), not
  listed here:
  **a new table that holds personal data must key it by lead_id or email to be covered.** All
  in one transaction; the file is then rewritten (store.compact), because DuckDB leaves deleted
  rows readable in freed blocks.
- **The files leadpilot wrote** under the settings' out_dir and rejects_dir: a GDPR officer
  expects the copies the system made to go too. Each lead sheet (``lead_sheet*.csv|xlsx``) of a
  day the person was on is rewritten from the warehouse without them, in its own format and
  locale, and so are the rep pages and e-mails beside it (``reps/*.html|eml``); each rejects
  file loses the rows that mention them, and is rewritten with its formula cells neutralised
  as on the sheet. What a stopped run (killed, the machine down) left of the files it was
  writing is deleted, whatever day it was: a sheet, rep page or kept day cut off midway, or the
  sheet a run had just replaced and not yet deleted (``*.partial``, see ``leftovers``). Nothing
  reads them, and the next run of their day writes them again.

What is kept: a salted hash of the address, and one of each of the person's lead ids, on the
suppression list (privacy/suppression.py), so that the next `leadpilot import`, daily intake or
`leadpilot outcomes` of a file that still holds the person skips them, even where a row names them
only by lead id (a filled-in lead sheet, a CRM export without emails).

A dry run counts the same rows, the files' included, and changes nothing.

Every file ``leadpilot export`` wrote is rewritten the same way, wherever ``--out`` put it: each
export notes its files in the warehouse (table exports) before writing them.

What is not erased, and is reported to the user: the input files (the CRM's own export: erase
the person in the CRM too), sheets copied elsewhere by hand (emailed, moved), backups, and
Prefect's run history (its artifacts publish lead ids, grades and figures only; those of runs
made before that may name people). A backup made before is restored with the person in it, but
loses them again at its first connection (``erase_listed``, through suppression.put_back): its
warehouse rows and the sheets kept beside it, not the files restored under out_dir.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from features.email import is_valid_email
from flows import clock, store
from flows.errors import LeadpilotError
from flows.privacy import suppression
from flows.settings import Settings
from flows.sheets import export, kept, retention
from flows.sheets import files as sheet_files
from flows.sheets.rep_pages import rewrite_rep_pages
from scoring.sheet import neutral_cell


@dataclass
class Erasure:
    """What `forget` removed: warehouse rows per table, rows per rewritten file, and the
    unfinished files a stopped run left (`leftovers`), deleted whole.

    `newly_suppressed` is True when this call put the person on the suppression list (False on
    a dry run, or when an earlier `forget` already had).
    """

    email: str
    lead_ids: list[str]
    tables: dict[str, int]
    files: dict[Path, int] = field(default_factory=dict)
    newly_suppressed: bool = False
    aliases: list[str] = field(default_factory=list)  # duplicate CRM records' ids of the leads
    leftovers: list[Path] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.tables.values())


def forget(settings: Settings, email: str, dry_run: bool = False,
           now: datetime | None = None) -> Erasure:
    """Erase the person with `email` from the warehouse and the files leadpilot wrote, and put
    them on the suppression list (even when nothing held them yet), erased at `now` (UTC).

    With `dry_run`, count what would go (the same counts, files included) and change nothing.
    """
    wanted = email.strip().casefold()
    if not is_valid_email(wanted):
        raise LeadpilotError(f"{email!r} is not an email address.")
    with store.opened(settings.path(settings.warehouse)) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            erased, days = erase_rows(con, wanted)
            kept_days = _kept_days(con, erased)  # the sheets kept as files that hold them
            days = sorted({*days, *kept_days})
            # the sheets without the person, read in the transaction: a dry run sees them too
            sheets = {day: export.stored_sheet(con, day, leaving=erased.lead_ids)
                      for day in days}
            exported = export.recorded(con, days)  # the copies `export --out` made elsewhere
            if not dry_run:  # before the commit: once it has erased their lead ids, no later
                for day in kept_days:  # `forget` could find the person in these files
                    kept.erase(settings.path(settings.warehouse), day, erased.lead_ids)
                at = now or clock.now(settings)
                erased.newly_suppressed = suppression.record(con, email, at)
                suppression.record_lead_ids(con, erased.lead_ids + erased.aliases, at)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("ROLLBACK" if dry_run else "COMMIT")
        if not dry_run:  # the copy beside the warehouse survives its deletion or a restore
            suppression.save_beside(con, settings.path(settings.warehouse))
    if erased.total and not dry_run:
        store.compact(settings.path(settings.warehouse))
    # even with no warehouse row (someone only ever rejected), the rejects files may name them
    for day, sheet in sheets.items():
        erased.files.update(rewrite_sheets(settings.path(settings.out_dir) / day.isoformat(),
                                           sheet, dry_run))
        erased.files.update(rewrite_rep_pages(settings.path(settings.out_dir) / day.isoformat(),
                                              sheet, day, dry_run))
    erased.files.update(rewrite_exports(exported, sheets, set(erased.files), dry_run))
    erased.files.update(scrub_rejects(settings.path(settings.rejects_dir), wanted,
                                      erased.lead_ids + erased.aliases, dry_run))
    erased.leftovers = leftovers(settings, exported)
    for path in [] if dry_run else erased.leftovers:
        path.unlink(missing_ok=True)
    return erased


def leftovers(settings: Settings, exported: list[export.Export]) -> list[Path]:
    """The `.partial` files of the sheets leadpilot writes (flows/sheets): a day's sheets and
    rep pages under out_dir, the sheets kept beside the warehouse, and the files `export --out`
    wrote. Each is a file a run was writing when it stopped, or, for a lead sheet, the one it
    had just put aside to delete (flows/sheets/replacement.py). A killed import's rejects
    files are scrubbed instead (`scrub_rejects`)."""
    out = settings.path(settings.out_dir)
    days = [folder for folder in out.iterdir() if folder.is_dir()] if out.is_dir() else []
    found = [*(path for folder in days for path in retention.leadpilot_files(folder)
               if path.suffix == ".partial"),
             *kept.folder(settings.path(settings.warehouse)).glob(f"*{kept.SUFFIX}.partial"),
             *(item.path.with_name(item.path.name + ".partial") for item in exported)]
    return sorted({path for path in found if path.is_file()})


def _kept_days(con: duckdb.DuckDBPyConnection, erased: Erasure) -> list[date]:
    """The days whose sheet kept as a file (flows/sheets/kept.py) holds the person's leads;
    their rows are counted with sheet_rows' (the table that kept the sheets before)."""
    warehouse = kept.warehouse_of(con)
    found = kept.days_with(warehouse, erased.lead_ids) if warehouse else {}
    if found:
        erased.tables["sheet_rows"] = erased.tables.get("sheet_rows", 0) + sum(found.values())
    return sorted(found)


def erase_listed(con: duckdb.DuckDBPyConnection, warehouse: Path) -> int:
    """Erase again, inside the caller's transaction, the people the suppression list names from
    a warehouse that lacked some of its entries (flows/privacy/suppression.restore_beside): one
    restored from a backup made before a `forget`. Their rows go from every personal-data table,
    and from the sheets kept beside the warehouse (restored with it, they hold them too).
    Returns the rows deleted: the caller compacts the file when any went, as `forget` does.

    Files under out_dir restored with the backup are not reached (this needs no settings), nor
    would a second `forget` reach them once the warehouse no longer names the person (README)."""
    erased = [erase_rows(con, email, ids)[0]
              for email, ids in suppression.listed_leads(con).items()]
    lead_ids = sorted({i for person in erased for i in person.lead_ids})
    sheets = 0
    for day in kept.days_with(warehouse, lead_ids):
        sheets += kept.erase(warehouse, day, lead_ids)
    rows = sum(person.total for person in erased) + sheets
    if rows:
        logging.getLogger("leadpilot").warning(
            "The warehouse %s still held %d lead(s) of people erased since its backup was made: "
            "they were erased again (%d rows, %d of them on kept sheets).", warehouse,
            len(lead_ids), rows, sheets)
    return rows


def erase_rows(con: duckdb.DuckDBPyConnection, email: str | None, lead_ids: Iterable[str] = ()
               ) -> tuple[Erasure, list[date]]:
    """Delete the person's rows from every personal-data table, inside the caller's transaction.

    A table is matched by its lead_id (one of the person's leads: those carrying the email, and
    `lead_ids`) and its email (None: by lead id alone). A cache with a
    `key` column and no lead_id loses the rows keyed by the email, and those keyed by what only
    the person's leads looked up (a table with lead_id and key, e.g. lead_lookups, says which).
    Returns what was deleted and the days whose sheets held the person.
    """
    # leads last: a table that references leads by a foreign key loses its rows first
    tables = sorted(con.execute(store.sql("personal_data_tables", __package__)).fetchall(),
                    key=lambda t: (t[0] == "leads", t[0]))
    ids: set[str] = set(lead_ids)
    for name, has_lead_id, has_email, _ in tables:
        if has_lead_id and has_email:
            ids.update(i for (i,) in con.execute(
                f"SELECT lead_id FROM {_quoted(name)} WHERE {_SAME_EMAIL}", [email]).fetchall())  # noqa: S608
    lead_ids = sorted(i for i in ids if i is not None)
    keys = _keys_of(con, tables, lead_ids)
    aliases = sorted(a for (a,) in con.execute(  # not an id another lead has taken since
        "SELECT DISTINCT alias FROM lead_aliases WHERE lead_id IN (SELECT unnest($ids)) "
        "AND alias NOT IN (SELECT lead_id FROM leads WHERE lead_id NOT IN (SELECT unnest($ids)))",
        {"ids": lead_ids}).fetchall())
    days = [d for (d,) in con.execute(
        "SELECT DISTINCT run_date FROM sheet_rows WHERE lead_id IN (SELECT unnest(?))",
        [lead_ids]).fetchall()]
    counts = {}
    for name, has_lead_id, has_email, has_key in tables:
        tests = {"lead_id IN (SELECT unnest($ids))": has_lead_id,
                 _SAME_EMAIL.replace("?", "$email"): has_email,
                 "(CAST(key AS VARCHAR) IN (SELECT unnest($keys)) OR lower(trim(CAST(key AS "
                 "VARCHAR))) = $email)": has_key and not has_lead_id}
        match = [test for test, present in tests.items() if present]
        params = {"ids": lead_ids, "email": email, "keys": keys}
        used = {k: v for k, v in params.items() if f"${k}" in " ".join(match)}
        counts[name] = con.execute(
            f"DELETE FROM {_quoted(name)} WHERE {' OR '.join(match)}", used).fetchone()[0]  # noqa: S608
    return Erasure(email, lead_ids, counts, aliases=aliases), sorted(days)


def _keys_of(con: duckdb.DuckDBPyConnection, tables: list[tuple], lead_ids: list[str]) -> list[str]:
    """The lookup keys of the person's leads that no other lead uses."""
    keys: set[str] = set()
    for name, has_lead_id, _, has_key in tables:
        if has_lead_id and has_key:
            keys.update(k for (k,) in con.execute(
                f"SELECT CAST(key AS VARCHAR) FROM {_quoted(name)} GROUP BY key "  # noqa: S608
                "HAVING bool_and(lead_id IN (SELECT unnest(?)))", [lead_ids]).fetchall())
    return sorted(k for k in keys if k is not None)


_SAME_EMAIL = "lower(trim(CAST(email AS VARCHAR))) = ?"


def _quoted(identifier: str) -> str:
    """A table name from the catalog, quoted (names cannot be bound as parameters)."""
    return '"' + identifier.replace('"', '""') + '"'


def rewrite_sheets(folder: Path, sheet: pd.DataFrame, dry_run: bool = False
                   ) -> dict[Path, int]:
    """Rewrite each lead sheet file in `folder` from `sheet`, keeping its format and locale.

    Returns the rows each file lost (with `dry_run`, would lose: nothing is written).
    """
    whole = {path.name: part for path, part in export.files_for(sheet, folder, "csv", True)}
    removed = {}
    for path in sorted(folder.glob(f"{export.STEM}*.*")) if folder.is_dir() else []:
        if path.suffix not in (".csv", ".xlsx"):
            continue
        name, named_locale = sheet_files.unlocalised_name(path.name)  # lead_sheet.fr.csv
        part = whole.get(str(Path(name).with_suffix(".csv")), sheet.iloc[0:0])
        locale = named_locale or (_csv_locale(path) if path.suffix == ".csv" else "en")
        removed[path] = _rewrite(path, part, locale, dry_run)
    return removed


def rewrite_exports(exported: list[export.Export], sheets: dict[date, pd.DataFrame],
                    done: set[Path], dry_run: bool = False) -> dict[Path, int]:
    """Rewrite each file `leadpilot export` wrote (noted in the warehouse, wherever --out put
    it) from the sheet of its day, in its own format and locale. Files already in `done` (the
    sheets of out_dir) and files deleted since are left alone.

    Returns the rows each file lost (with `dry_run`, would lose: nothing is written).
    """
    removed = {}
    rewritten = {path.resolve() for path in done}
    for item in exported:
        if item.path.resolve() in rewritten or not item.path.is_file():
            continue
        sheet = sheets[item.run_date]
        whole = {path.name: part for path, part in
                 export.files_for(sheet, item.path.parent, item.format, True, item.locale)}
        part = whole.get(item.path.name, sheet.iloc[0:0])  # its owner's rows, or the whole
        removed[item.path] = _rewrite(item.path, part, item.locale, dry_run)
    return removed


def _rewrite(path: Path, part: pd.DataFrame, locale: str, dry_run: bool) -> int:
    """Write `part` over the sheet file `path` (unless `dry_run`); the rows it loses."""
    before = _rows_in(path)
    if not dry_run:
        sheet_files.write_sheet(part, path, path.suffix[1:], locale)
    return before - len(part)


def _rows_in(path: Path) -> int:
    if path.suffix == ".xlsx":
        return _xlsx_rows(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle, delimiter=_SEPARATORS[_csv_locale(path)]))
                   - 1, 0)


def _xlsx_rows(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return max(book.worksheets[0].max_row - 1, 0)
    finally:
        book.close()


_SEPARATORS = {"en": ",", "fr": ";"}


def _csv_locale(path: Path) -> str:
    """fr when the header row is separated by ; (French Excel), else en."""
    with path.open(encoding="utf-8-sig") as handle:
        header = handle.readline()
    return "fr" if header.count(";") > header.count(",") else "en"


def scrub_rejects(folder: Path, email: str, lead_ids: list[str], dry_run: bool = False
                  ) -> dict[Path, int]:
    """Drop from each rejects CSV under `folder` the rows that carry the email or a lead id.

    Returns the rows each file lost (with `dry_run`, would lose: nothing is written).
    """
    removed = {}
    ids = set(lead_ids)
    for path in sorted(folder.rglob("*.csv")) if folder.is_dir() else []:
        rows = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        mentions = rows.apply(lambda row: _mentions(row, email, ids), axis=1)
        if len(rows) and mentions.any():
            if not dry_run:  # formula cells neutralised as on the sheet, even in older files
                rows[~mentions].map(neutral_cell).to_csv(path, index=False,
                                                         encoding="utf-8-sig")
            removed[path] = int(mentions.sum())
    for path in sorted(folder.rglob("*.csv.partial")) if folder.is_dir() else []:
        removed.update(_scrub_partial(path, email, ids, dry_run))
    return removed


def _scrub_partial(path: Path, email: str, ids: set[str], dry_run: bool) -> dict[Path, int]:
    """A killed import's rejects file, maybe cut mid-row: drop each line that mentions the
    person (the address, or a field that is one of their lead ids), keep the header."""
    header, *lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if not (
        email in line.casefold()
        or any(f.strip().strip("\"'").strip() in ids for f in _FIELDS.split(line)))]
    if len(kept) == len(lines):
        return {}
    if not dry_run:
        path.write_text(header + "".join(kept), encoding="utf-8-sig")
    return {path: len(lines) - len(kept)}


_FIELDS = re.compile(r"[,;|\t]")


def _mentions(row: pd.Series, email: str, ids: set[str]) -> bool:
    for cell in row:
        if email in cell.casefold():
            return True
        if ids and any(f.strip() in ids for fields in csv.reader([cell]) for f in fields):
            return True
    return False
