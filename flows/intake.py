"""Intake: read the leads, companies and activities CSVs into the warehouse, rejects aside."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from flows import store
from flows.errors import LeadpilotError
from flows.validation import ACTIVITIES, COMPANIES, LEADS, TableSpec, validate


@dataclass(frozen=True)
class FileResult:
    file: str
    read: int
    inserted: int
    updated: int
    merged: int  # rows repeating a key seen earlier in the same file
    rejected: int
    rejects_file: str | None


def read_rows(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a UTF-8 (optionally BOM) comma CSV as text, keeping each record's line number.

    Returns:
        (rows with one str column per header plus `line` and `raw`, ragged rows as rejects).
    """
    if not path.exists():
        raise LeadpilotError(f"The file {path} does not exist.")
    records, ragged = [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise LeadpilotError(f"The file {path} is empty: it needs a header row.")
            header = [h.strip() for h in header]
            line = reader.line_num + 1
            for fields in reader:
                raw = ",".join(fields)
                if len(fields) == len(header):
                    records.append([*fields, line, raw])
                elif any(f.strip() for f in fields):
                    ragged.append({"line": line, "raw": raw, "reason":
                                   f"has {len(fields)} fields where the header has {len(header)}"})
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise LeadpilotError(f"The file {path} is not UTF-8 text (byte {exc.start}).") from exc
    except csv.Error as exc:
        raise LeadpilotError(f"The file {path} is not a readable CSV: {exc}.") from exc
    rows = pd.DataFrame(records, columns=[*header, "line", "raw"], dtype=object)
    return rows, pd.DataFrame(ragged, columns=["line", "raw", "reason"])


def load_file(con: duckdb.DuckDBPyConnection, path: Path, spec: TableSpec,
              rejects_dir: Path, now: datetime) -> FileResult:
    """Validate one CSV and upsert its valid rows; invalid rows go to `<stem>_rejects.csv`."""
    rows, ragged = read_rows(path)
    try:
        valid, rejects = validate(rows.drop(columns="raw"), spec)
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
        file=str(path), read=len(rows) + len(ragged), inserted=len(valid) - existing,
        updated=existing, merged=accepted - len(valid), rejected=len(rejects),
        rejects_file=str(rejects_file) if rejects_file else None,
    )


def import_all(con: duckdb.DuckDBPyConnection, leads: Path, companies: Path, activities: Path,
               rejects_dir: Path, now: datetime) -> list[FileResult]:
    """Load the three CSVs in one transaction: a failure leaves the warehouse untouched."""
    with store.transaction(con):
        return [load_file(con, path, spec, rejects_dir, now)
                for path, spec in ((companies, COMPANIES), (leads, LEADS),
                                   (activities, ACTIVITIES))]
