"""Load a CSV into a DuckDB table of text columns, in bounded memory, rejects kept aside.

DuckDB reads the file with the dialect `detect_format` found (no sniffing of its own, so a
broken line cannot stop it). Encodings DuckDB cannot read (cp1252, UTF-16, UTF-8 with stray
cp1252 bytes) are transcoded in chunks to a temporary UTF-8 file first. Lines DuckDB cannot
split into the header's columns become rejects with their line number and original text.
"""

from __future__ import annotations

import csv
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from features.reading.reasons import REASONS, reason
from features.reading.records import MAX_FIELD
from features.reading.values import CsvFormat
from flows.errors import LeadpilotError
from flows.intake.records import broken_lines
from flows.intake.transcoding import CHUNK, transcode

SCAN_CHUNK = 1 << 24
_EMPTY_LINE = re.compile(rb"\n(?=\r?\n)")  # a line end that an empty line follows
MAX_RECORD_BREAKS = 20  # more line breaks in one record: a quote may have swallowed lines
MAX_LINE = MAX_FIELD  # 16 MB: a single 10 MB field still fits (Python's csv reads as much)
_REASONS = {"MISSING COLUMNS": REASONS["fewer_fields"],
            "TOO MANY COLUMNS": REASONS["more_fields"],
            "UNQUOTED VALUE": REASONS["quote_text"],
            "LINE SIZE OVER MAXIMUM": REASONS["too_long_line"],
            "INVALID UNICODE": REASONS["not_text"], "INVALID ENCODING": REASONS["not_text"]}
Progress = Callable[[float], None]
# Builds the SELECT that shapes the rows while DuckDB reads them: given the connection, the
# name of a table holding the file's first SAMPLE records as text and the format they were read
# with, it returns the query (with `{csv}` where the read_csv call goes) and its parameters.
Query = Callable[[duckdb.DuckDBPyConnection, str, CsvFormat], tuple[str, dict]]
SAMPLE = 1000


@dataclass(frozen=True)
class Loaded:
    """A file loaded into `table` (one VARCHAR column per header, in file order).

    Attributes:
        fmt: the format used, `columns` naming the table's columns.
        rows: records loaded (blank records included; the caller decides what blank means).
        rejects: records the reader could not split (`line`, `raw`, `reason`).
        source: the UTF-8 file DuckDB read (the original, or its transcoded copy).
        first_rowid: `rowid - first_rowid` numbers the records from 0 (temporary tables
            number their rows from a large offset).
    """

    fmt: CsvFormat
    table: str
    rows: int
    rejects: pd.DataFrame
    source: Path
    first_rowid: int = 0


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, fmt: CsvFormat, table: str,
             workdir: Path | None = None, progress: Progress | None = None,
             query: Query | None = None) -> Loaded:
    """Create `table` (replacing it) from the file; see the module docstring.

    Args:
        query: shapes the records as they are read (one pass, no table of raw text); the
            table then holds one row per record, in file order, as the query makes them.
        workdir: where a transcoded copy may be written (kept for `locate`); a temporary
            folder removed on return when None.
        progress: called with the fraction done (0..1) while DuckDB reads.

    Raises:
        LeadpilotError: when the file cannot be read at all.
    """
    if fmt.kind == "xlsx":
        from flows.intake.workbooks import xlsx_to_csv

        with tempfile.TemporaryDirectory() as tmp:
            folder = workdir or Path(tmp)
            # the bar: converting the sheet (slow: openpyxl) to 80 %, DuckDB's read the rest
            converted, fmt = xlsx_to_csv(path, folder / "sheet.csv", progress and (
                lambda done: progress(0.8 * done)))
            return replace(load_csv(con, converted, fmt, table, folder, progress and (
                lambda done: progress(0.8 + 0.2 * done)), query), fmt=replace(fmt, kind="xlsx"))
    if workdir is None:
        with tempfile.TemporaryDirectory() as tmp:
            return load_csv(con, path, fmt, table, Path(tmp), progress, query)
    source = path
    if fmt.encoding not in ("utf-8", "utf-8-sig") or fmt.line_ending in ("mixed", "CR"):
        source = transcode(path, fmt.encoding, workdir / "utf8.csv", fmt.has_bom)
    try:
        try:
            rejects = _read(con, source, fmt, table, progress, query)
        except duckdb.InvalidInputException as exc:
            if source != path:
                raise
            rejects = pd.DataFrame({"reason": [_REASONS["INVALID UNICODE"]
                                               if "unicode" in str(exc).lower() else "?"]})
        if source == path and (rejects["reason"] == _REASONS["INVALID UNICODE"]).any():
            # Bytes that are not UTF-8 past the sample: decode line by line, cp1252 fallback.
            source = transcode(path, "utf-8-or-cp1252", workdir / "utf8.csv", fmt.has_bom)
            fmt = replace(fmt, encoding="utf-8 with cp1252 lines")
            rejects = _read(con, source, fmt, table, progress, query)
        elif source == path and (rejects["reason"] == "?").any():
            source = transcode(path, fmt.encoding, workdir / "utf8.csv", fmt.has_bom)
            rejects = _read(con, source, fmt, table, progress, query)
        source, rejects = _every_line_read(con, path, source, fmt, table, rejects, workdir,
                                           progress, query)
    except duckdb.Error as exc:
        raise _unreadable(path, exc) from exc
    rows, first = con.execute(
        f'SELECT count(*), coalesce(min(rowid), 0) FROM "{table}"').fetchone()  # noqa: S608
    return Loaded(fmt, table, rows, rejects, source, first)


def may_span_lines(source: Path, quotechar: str) -> bool:
    """Whether a record of the file may span lines: it holds the quote character or a CR
    (one byte scan; without either, every line is one record)."""
    quote_byte = quotechar.encode("utf-8")
    with source.open("rb") as handle:
        while chunk := handle.read(SCAN_CHUNK):
            if quote_byte in chunk or b"\r" in chunk:
                return True
    return False


def _every_line_read(con: duckdb.DuckDBPyConnection, path: Path, source: Path, fmt: CsvFormat,
                     table: str, rejects: pd.DataFrame, workdir: Path,
                     progress: Progress | None, query: Query | None
                     ) -> tuple[Path, pd.DataFrame]:
    """(the file read, its reader rejects) once no record swallowed the lines after a quote
    that is never closed.

    DuckDB's reader (2.x, strict mode, parallel) reads such a quote in one of three ways: one
    reject holding the lines that follow; a record of many lines; or, after dropping the lines
    that follow without a word (tens of thousands of rows of a 200,000-row file), a reject
    naming another line. So when a record may span lines, a record of many lines, or holding a
    line that reads as a row (`swallowed_rows_sql`), is looked at, and after any reader error,
    a reject of several lines, or the lines the table and the rejects hold counted against the
    file's.
    Then the file is split with Python's csv reader (flows.intake.records), the lines whose quote
    is never closed and the records with text after a closing quote are set aside as rejects
    and blanked in a copy, and the copy is read again.
    If the records still do not add up, the import stops rather than lose rows.
    """
    if not may_span_lines(source, fmt.quotechar):
        return source, rejects
    held, most, suspect = _lines_held(con, table, fmt, query is not None)
    held += sum(1 + count_newlines(raw) for raw in rejects["raw"])
    if not suspect and most <= MAX_RECORD_BREAKS and (
            rejects.empty  # DuckDB loses lines only while recovering from an error
            or (not rejects["raw"].str.contains("[\r\n]", regex=True).any()
                and held == _lines_after_header(source, fmt.header_line))):
        return source, rejects
    broken, covered, expected = broken_lines(source, fmt.delimiter, fmt.quotechar,
                                             fmt.header_line)
    if broken:
        repaired = workdir / ("repaired.csv" if source.name != "repaired.csv" else "again.csv")
        source = _blank_lines(source, covered, repaired)
        found = _read(con, source, fmt, table, progress, query)
        rejects = pd.concat([found, pd.DataFrame({
            "line": list(broken), "raw": [raw for raw, _ in broken.values()],
            "reason": [why for _, why in broken.values()]})], ignore_index=True)
        rejects = rejects.sort_values("line", ignore_index=True)
        expected += len(broken)
    rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    if rows + len(rejects) != expected:
        raise LeadpilotError(
            f"The file {path} cannot be read reliably: its quotes leave {expected} records "
            f"but {rows + len(rejects)} were read; check the quotes near line "
            f"{min(broken, default=fmt.header_line + 1)}.")
    return source, rejects


def _lines_held(con: duckdb.DuckDBPyConnection, table: str, fmt: CsvFormat,
                shaped: bool) -> tuple[int, int, bool]:
    """(the lines after the header the records of `table` hold: one per record plus the line
    breaks inside fields; the most one record holds; whether a record looks like it swallowed
    rows): the `_breaks` and `_swallows` of a shaped table."""
    feeds = "_breaks" if shaped else line_breaks_sql(fmt.columns)
    swallows = "_swallows" if shaped else swallowed_rows_sql(fmt.columns, fmt.delimiter)
    held, most, suspect = con.execute(
        f"SELECT count(*) + coalesce(sum({feeds}), 0), coalesce(max({feeds}), 0), "  # noqa: S608
        f'coalesce(bool_or({swallows}), false) FROM "{table}"').fetchone()
    return int(held), int(most), bool(suspect)


def swallowed_rows_sql(columns: tuple[str, ...], delimiter: str) -> str:
    """SQL true when a field of a record holds a line with as many delimiters as a whole row
    has (one less than the header's columns): rows a quote never closed ran into, read as a
    note (for a header of 4 columns or more, so that a note's commas are not taken for rows)."""
    if len(columns) < 4:
        return "false"
    fields = "concat_ws(chr(10), " + ", ".join(_quoted(c) for c in columns) + ")"
    pattern = r"(?m)^(?:[^\n]*" + re.escape(delimiter) + "){" + str(len(columns) - 1) + "}"
    return (f"CASE WHEN {_any_line_break_sql(columns)} "
            f"THEN regexp_matches({fields}, '{pattern}') ELSE false END")


def line_breaks_sql(columns: tuple[str, ...]) -> str:
    """SQL counting the line breaks (LF, CR or CRLF) in a record's fields."""
    fields = "concat(" + ", ".join(_quoted(c) for c in columns) + ")"
    return (f"CASE WHEN {_any_line_break_sql(columns)} "
            f"THEN (2 * length({fields}) - length(replace({fields}, chr(10), '')) "  # LF + CR
            f"- length(replace({fields}, chr(13), '')) "  # - CRLF
            f"- (length({fields}) - length(replace({fields}, chr(13) || chr(10), ''))) // 2) "
            f"ELSE 0 END")


def _any_line_break_sql(columns: tuple[str, ...]) -> str:
    """SQL true when a field holds LF or CR: one memchr per cell, and the same expression in
    both SQL above, so that DuckDB computes it once per record."""
    return "(" + " OR ".join(f"contains({_quoted(c)}, chr(10)) OR contains({_quoted(c)}, chr(13))"
                             for c in columns) + ")"


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _lines_after_header(source: Path, header_line: int) -> int:
    """The lines after the header that hold any text (DuckDB skips empty lines), counted at C
    speed in chunks cut at line ends: line ends, less the empty lines (a line end right after a
    line end)."""
    lines = empty = 0
    with source.open("rb") as handle:
        for _ in range(header_line):
            handle.readline()
        chunk = b""
        while block := handle.read(SCAN_CHUNK):
            chunk = block + handle.readline()
            lines += chunk.count(b"\n")
            empty += chunk.startswith((b"\n", b"\r\n")) + len(_EMPTY_LINE.findall(chunk))
        if chunk and not chunk.endswith(b"\n"):
            lines += 1  # a last line without a line end
    return lines - empty


def _blank_lines(source: Path, lines: set[int], target: Path) -> Path:
    """A copy of `source` with the given lines emptied (their line end kept, so every line
    keeps its number); line ends as Python's csv reader counts them (LF, CRLF or CR)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open(encoding="utf-8", errors="surrogateescape", newline="") as handle, \
            target.open("w", encoding="utf-8", errors="surrogateescape", newline="") as out:
        for number, text in enumerate(handle, 1):
            out.write(text[len(text.rstrip("\r\n")):] if number in lines else text)
    return target


def _unreadable(path: Path, exc: Exception) -> LeadpilotError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return LeadpilotError(f"The file {path} cannot be read as CSV ({first.rstrip('.')}).")


def _read(con: duckdb.DuckDBPyConnection, source: Path, fmt: CsvFormat, table: str,
          progress: Progress | None, query: Query | None = None) -> pd.DataFrame:
    options = {"path": str(source), "columns": {name: "VARCHAR" for name in fmt.columns},
               "delim": fmt.delimiter, "quote": fmt.quotechar, "skip": fmt.header_line - 1,
               "max_line": MAX_LINE, "buffer": 2 * MAX_LINE}
    con.execute("DROP TABLE IF EXISTS lp_reject_errors; DROP TABLE IF EXISTS lp_reject_scans")
    reader = ("read_csv($path, auto_detect = false, header = true, columns = $columns, "
              "delim = $delim, quote = $quote, escape = $quote, skip = $skip, "
              "max_line_size = $max_line, buffer_size = $buffer, encoding = 'utf-8'")
    select, params = "SELECT * FROM {csv}", {}
    if query is not None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE lp_sample AS SELECT * FROM {reader}, "  # noqa: S608
                    f"ignore_errors = true) LIMIT {SAMPLE}", options)
        select, params = query(con, "lp_sample", fmt)
        con.execute("DROP TABLE lp_sample")
    statement = f'CREATE OR REPLACE TEMP TABLE "{table}" AS ' + select.replace(
        "{csv}", reader + ", store_rejects = true, rejects_table = 'lp_reject_errors', "
        "rejects_scan = 'lp_reject_scans', strict_mode = true)")
    options = {**options, **params}
    _run(con, statement, options, progress)
    found = con.execute(
        "SELECT line_byte_position - 1 AS byte_offset, first(csv_line) AS raw, "
        "string_agg(DISTINCT error_type, ', ') AS kinds FROM lp_reject_errors "
        "GROUP BY line_byte_position ORDER BY byte_offset").df()
    if found.empty:
        return pd.DataFrame(columns=["line", "raw", "reason"])
    lines = _lines_at(source, found["byte_offset"].tolist())
    lead_lines = found["raw"].map(lambda text: count_newlines(text[:len(text) -
                                                                      len(text.lstrip("\r\n"))]))
    return pd.DataFrame({
        "line": [line + extra for line, extra in zip(lines, lead_lines, strict=True)],
        "raw": found["raw"].str.lstrip("\r\n").str.rstrip("\r\n"),
        "reason": [_reader_reason(kinds, raw, fmt)
                   for kinds, raw in zip(found["kinds"], found["raw"], strict=True)],
    })


def _reader_reason(kinds: str, raw: str, fmt: CsvFormat) -> str:
    """The reason of a record DuckDB's reader rejected: a wrong field count says both counts
    (`has 3 fields where the header has 11`), as the record's own text splits."""
    reasons = []
    for kind in (k.strip() for k in kinds.split(",")):
        if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            found = next(csv.reader([raw.strip("\r\n")], delimiter=fmt.delimiter,
                                    quotechar=fmt.quotechar), [])
            if len(found) != len(fmt.columns):
                reasons.append(reason("field_count", len(fmt.columns), len(found)))
                continue
        if kind == "UNQUOTED VALUE" and raw.count(fmt.quotechar) % 2:
            reasons.append(REASONS["unclosed"])
            continue
        reasons.append(_REASONS.get(kind, kind.lower()))
    return "; ".join(dict.fromkeys(reasons))


def count_newlines(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _lines_at(source: Path, offsets: list[int]) -> list[int]:
    """1-based line numbers of byte offsets (sorted), counting LF, CRLF and lone CR."""
    result, line, position, previous_cr = [], 1, 0, False
    wanted = iter(offsets)
    target = next(wanted, None)
    with source.open("rb") as handle:
        while target is not None:
            chunk = handle.read(CHUNK)
            if not chunk:
                break
            end = position + len(chunk)
            while target is not None and target < end:
                part = chunk[: target - position]
                result.append(line + _newlines(part, previous_cr))
                target = next(wanted, None)
            line += _newlines(chunk, previous_cr)
            previous_cr = chunk.endswith(b"\r")
            position = end
    result.extend([line] * (len(offsets) - len(result)))
    return result


def _newlines(chunk: bytes, previous_cr: bool) -> int:
    count = chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
    return count - (1 if previous_cr and chunk.startswith(b"\n") else 0)


def _run(con: duckdb.DuckDBPyConnection, statement: str, params: dict,
         progress: Progress | None) -> None:
    if progress is None:
        con.execute(statement, params)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(statement, params)
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        done = con.query_progress()
        if done >= 0:
            progress(min(done, 100.0) / 100)
    if failure:
        raise failure[0]
    progress(1.0)
