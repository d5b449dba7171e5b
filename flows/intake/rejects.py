"""The rejects CSV of an import: every row not imported, with its line, reason and original text.

Written next to nothing until the import commits (a temporary file renamed at the end), so a
failed or dry run leaves no rejects file behind.
"""

from __future__ import annotations

import csv
import heapq
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import duckdb

from flows.intake.loading import Loaded, line_breaks_sql, may_span_lines, swallowed_rows_sql
from flows.intake.originals import originals
from flows.intake.records import sheet_rows
from flows.intake.rows import quote
from scoring.sheet import neutral_cell

BATCH = 50_000
COLUMNS = ("line", "reason", "raw")


def _validation_rejects(con: duckdb.DuckDBPyConnection, loaded: Loaded, multiline: bool
                        ) -> Iterator[tuple[int, str, str]]:
    """(line, reason, raw) of the rows validation rejected (`lp_reject_reasons`), in order."""
    multiline = multiline or any("\n" in raw or "\r" in raw for raw in loaded.rejects["raw"])
    result = con.execute("SELECT _rec, reason FROM lp_reject_reasons ORDER BY _rec")
    reasons: dict[int, str] = {}

    def records() -> Iterator[int]:
        while batch := result.fetchmany(BATCH):
            for rec, reason in batch:
                reasons[rec] = reason
                yield rec

    for rec, line, raw in originals(loaded, records(), one_line_records=not multiline):
        yield line, reasons.pop(rec), raw


def has_line_breaks(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether any record of `table` (shaped with `record_checks`) spans lines."""
    return bool(con.execute(f"SELECT bool_or(_breaks > 0) FROM {quote(table)}").fetchone()[0])  # noqa: S608


def record_checks(path: Path, quotechar: str, delimiter: str, columns: tuple[str, ...]
                  ) -> tuple[str, str]:
    """The SQL of a record's `_breaks` (the line breaks its fields hold: LF, CR or CRLF) and
    `_swallows` (a field holds a line that reads as a whole row:
    flows.intake.loading.swallowed_rows_sql).

    A line break can only sit in a quoted field (or be a lone CR): for a file with neither a
    quote character nor a CR, one byte scan tells, and no cell is looked at.
    """
    if not may_span_lines(path, quotechar):
        return "0", "false"
    return line_breaks_sql(columns), swallowed_rows_sql(columns, delimiter)


def all_rejects(con: duckdb.DuckDBPyConnection, loaded: Loaded, multiline: bool
                ) -> Iterator[tuple[int, str, str]]:
    """Reader rejects and validation rejects merged in line order."""
    reader = ((int(r.line), r.reason, r.raw) for r in loaded.rejects.itertuples())
    return heapq.merge(reader, _validation_rejects(con, loaded, multiline))


def numbered(rows: Iterator[tuple[int, str, str]], loaded: Loaded
             ) -> Iterator[tuple[int, str, str]]:
    """The rejects of a workbook numbered by their sheet row (its CSV copy's records), others
    as they are."""
    fmt = loaded.fmt
    if fmt.kind != "xlsx":
        return rows
    row_of = sheet_rows(loaded.source, fmt.delimiter, fmt.quotechar, fmt.header_line)
    return ((row_of.get(line, line), why, raw) for line, why, raw in rows)


def write_rejects(rows: Iterator[tuple[int, str, str]], target: Path) -> int:
    """Write rows to `target` + `.partial` (UTF-8 with BOM, for Excel); returns the count.

    Cells a spreadsheet could run as a formula (`=1+1`, `@SUM(…)`, `-1+1`) are neutralised as
    on the lead sheet (scoring.sheet.neutral_cell)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with partial(target).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([neutral_cell(cell) for cell in row])
            count += 1
    return count


def partial(target: Path) -> Path:
    """Where the rejects are written until the import commits."""
    return target.with_name(target.name + ".partial")


def target(rejects_dir: Path, path: Path) -> Path:
    """The rejects file of the imported file `path`."""
    return rejects_dir / f"{Path(path).stem}_rejects.csv"


def publish(targets: list[Path]) -> None:
    """Once the import committed: each written `.partial` becomes its rejects file."""
    for name in targets:
        if partial(name).exists():
            partial(name).replace(name)


def discard(targets: list[Path]) -> None:
    """After a failed import: no rejects file is left behind."""
    for name in targets:
        partial(name).unlink(missing_ok=True)


def first(rows: Iterator[tuple[int, str, str]], count: int) -> list[dict]:
    """The first `count` rejects as dicts (for a preview)."""
    return [dict(zip(COLUMNS, row, strict=True)) for row in islice(rows, count)]
