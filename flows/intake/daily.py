"""Intake: read the leads, companies and activities CSVs into the warehouse, rejects aside.

The leads file goes through `leadpilot import`'s door (flows/intake/importer.py, preset
leadpilot): the same reader, checks, reject wording and counts. Each file's rows:
read = inserted + updated + unchanged + merged + rejected + suppressed, where suppressed rows
are those of people `leadpilot forget` erased (privacy/suppression.py), skipped unwritten.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from features.reading.records import UNCLOSED, split_records
from features.reading.values import CsvFormat
from flows import store
from flows.errors import LeadpilotError
from flows.intake.importer import ImportSummary, import_file
from flows.intake.loading import transcode
from flows.intake.mapping import load_mapping
from flows.intake.reading import detect_format
from flows.intake.validation import ACTIVITIES, TableSpec, validate
from flows.intake.workbooks import xlsx_to_csv
from flows.privacy import suppression

_UTF8 = ("utf-8", "utf-8-sig")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


@dataclass(frozen=True)
class FileResult:
    file: str
    read: int
    inserted: int
    updated: int  # rows of records the warehouse had, with a change
    unchanged: int  # rows of records the warehouse had, as they were
    merged: int  # rows repeating a key seen earlier in the same file
    rejected: int
    rejects_file: str | None
    suppressed: int = 0  # rows of erased people: neither loaded nor in the rejects file

    @property
    def balanced(self) -> bool:
        """Every row read is accounted for exactly once."""
        return self.read == (self.inserted + self.updated + self.unchanged + self.merged
                             + self.rejected + self.suppressed)


def read_rows(path: Path, fmt: CsvFormat | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CSV as text, in the format `detect_format` finds, keeping each record's line number.

    UTF-8 (with or without BOM), UTF-16 and cp1252/latin-1 text, separated by `,` `;` tab or
    `|`, with LF, CRLF or CR line ends: files that are not UTF-8 are transcoded to a temporary
    UTF-8 copy line for line, so line numbers are those of the original file. An Excel
    workbook's first sheet is read through its CSV copy (`xlsx_to_csv`), numbered by the
    sheet's rows. A record whose only fault is a quote never closed on its first line is that
    line alone, rejected; the lines after it are read as records again. Blank rows (no text in
    any field) are skipped, like blank lines.

    Returns:
        (rows with one str column per header plus `line` and `raw` (the record's original
        text), ragged rows as rejects).
    """
    rows, ragged, _ = _read(path, fmt or detect_format(path))
    return rows, ragged


def _read(path: Path, fmt: CsvFormat) -> tuple[pd.DataFrame, pd.DataFrame, CsvFormat]:
    """`read_rows`, and the format the values are in (a workbook's: that of its CSV copy)."""
    with tempfile.TemporaryDirectory(prefix="leadpilot-intake-") as tmp:
        copy = Path(tmp) / "utf8.csv"
        if fmt.kind == "xlsx":  # one CSV record per sheet row, leading blank rows included
            source, fmt = xlsx_to_csv(path, copy)
            return (*_read_text(source, path, fmt, by_record=True), fmt)
        source = path if fmt.encoding in _UTF8 else transcode(path, fmt.encoding, copy,
                                                               fmt.has_bom)
        try:
            return (*_read_text(source, path, fmt), fmt)
        except UnicodeDecodeError:  # bytes that are not UTF-8 past the sample detect_format read
            source = transcode(path, "utf-8-or-cp1252", copy, fmt.has_bom)
            return (*_read_text(source, path, fmt), fmt)


def _read_text(source: Path, path: Path, fmt: CsvFormat,
               by_record: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    records, ragged, header = [], [], None
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            for line, fields, raw in split_records(handle, fmt.delimiter, fmt.quotechar,
                                                   fmt.header_line, by_record):
                if line < fmt.header_line:
                    continue  # blank lines or Excel's "sep=;" before the header
                if header is None:
                    header = [h.replace("\ufeff", "").strip() for h in fields]
                    if _CONTROL.search("".join(header)):
                        raise LeadpilotError(
                            f"The file {path} is not a CSV file: its header holds binary data.")
                elif fields is None:
                    ragged.append({"line": line, "raw": raw, "reason": UNCLOSED})
                elif len(fields) == len(header):
                    if fields[0].strip() or "".join(fields).strip():  # else a blank row
                        records.append([*fields, line, raw])
                elif any(f.strip() for f in fields):
                    ragged.append({"line": line, "raw": raw, "reason":
                                   f"has {len(fields)} fields where the header has {len(header)}"})
    except csv.Error as exc:
        raise LeadpilotError(f"The file {path} is not a readable CSV: {exc}.") from exc
    if not header:
        raise LeadpilotError(f"The file {path} is empty: it needs a header row.")
    rows = pd.DataFrame(records, columns=[*header, "line", "raw"], dtype=object)
    return rows, pd.DataFrame(ragged, columns=["line", "raw", "reason"])


def load_file(con: duckdb.DuckDBPyConnection, path: Path, spec: TableSpec,
              rejects_dir: Path, now: datetime, erased_leads: set[str] | None = None
              ) -> FileResult:
    """Validate one CSV and upsert its valid rows; invalid rows go to `<stem>_rejects.csv`.

    The rows of people on the suppression list are skipped (see `_without_suppressed`); the
    lead ids a leads file skips are added to `erased_leads`, whose activities then go too.
    """
    rows, ragged, fmt = _read(path, detect_format(path))
    read = len(rows) + len(ragged)
    rows, ragged = _without_suppressed(con, rows, ragged, spec,
                                       set() if erased_leads is None else erased_leads)
    try:
        valid, rejects = validate(rows.drop(columns="raw"), spec, fmt)
    except ValueError as exc:
        raise LeadpilotError(f"The file {path} cannot be imported: {exc}.") from exc
    rejects = rejects.merge(rows[["line", "raw"]], on="line", how="left")
    rejects = pd.concat([ragged, rejects], ignore_index=True).sort_values("line")
    keys = valid[spec.key].tolist()
    existing = con.execute(
        f"SELECT count(*) FROM {spec.table} WHERE {spec.key} IN (SELECT unnest(?))",  # noqa: S608
        [keys],
    ).fetchall()[0][0]
    if spec.table != "activities":
        valid = valid.assign(updated_at=pd.Timestamp(now))
    store.upsert(con, spec.table, valid)
    rejects_file = None
    if len(rejects):
        rejects_dir.mkdir(parents=True, exist_ok=True)
        rejects_file = rejects_dir / f"{path.stem}_rejects.csv"
        rejects[["line", "reason", "raw"]].to_csv(rejects_file, index=False, encoding="utf-8-sig")
    accepted = len(rows) - (len(rejects) - len(ragged))
    return FileResult(
        file=str(path), read=read, inserted=len(valid) - existing,
        updated=existing, unchanged=0, merged=accepted - len(valid), rejected=len(rejects),
        rejects_file=str(rejects_file) if rejects_file else None,
        suppressed=read - len(rows) - len(ragged),
    )


def _without_suppressed(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame,
                        ragged: pd.DataFrame, spec: TableSpec, erased_leads: set[str]
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`rows` and `ragged` without the records of suppressed people: a row whose email is on
    the list (its lead id is added to `erased_leads`), a row of a lead in `erased_leads` or on
    the list, a ragged record that holds an address or a lead id on the list."""
    if not suppression.has_entries(con):
        return rows, ragged
    gone = pd.Series(False, index=rows.index)
    if "email" in spec.names and "email" in rows:
        emails = rows["email"].str.strip()
        gone = emails.isin(suppression.suppressed_among(con, emails))
        if "lead_id" in rows:
            erased_leads.update(rows.loc[gone, "lead_id"].str.strip())
    if "lead_id" in spec.names and "lead_id" in rows:
        ids = rows["lead_id"].str.strip()
        gone |= ids.isin(erased_leads) | ids.isin(suppression.lead_ids_among(con, ids))
    return rows[~gone], ragged[~suppression.mentioning(con, ragged["raw"])]


def import_all(con: duckdb.DuckDBPyConnection, leads: Path, companies: Path, activities: Path,
               rejects_dir: Path, now: datetime) -> list[FileResult]:
    """Load the three CSVs in one transaction: a failure leaves the warehouse untouched."""
    with store.transaction(con):
        firms, people = (import_file(con, path, load_mapping(preset, None), rejects_dir, now,
                                     in_transaction=True)
                         for path, preset in ((companies, "companies"), (leads, "leadpilot")))
        erased_leads = set(people.skipped_ids)  # the leads file's suppressed ids: their
        return [_result(firms), _result(people),  # activities go too
                load_file(con, activities, ACTIVITIES, rejects_dir, now, erased_leads)]


def _result(summary: ImportSummary) -> FileResult:
    """An import's summary as the intake reports it."""
    return FileResult(**{f.name: getattr(summary, f.name) for f in fields(FileResult)})
