"""Open any CSV a sales team hands over: detect its format and read it as text.

The public contract shared by `leadpilot import`, `leadpilot outcomes` and `train --history`:

    fmt = detect_format(path)            # what the file is: encoding, delimiter, numbers, dates
    frame, fmt = read_table(path)        # every column as text (None for empty cells)
    amounts = parse_numbers(frame["Amount"], fmt)   # features.reading (pure)
    closed = parse_dates(frame["Close date"], fmt)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import duckdb
import pandas as pd

from features.reading import sniffing as sniff
from features.reading.errors import ReadError
from features.reading.values import CsvFormat
from flows.errors import LeadpilotError

XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 2000  # a wider header is refused before DuckDB reads a row (memory grows with it)
_SEP_HINT = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


def detect_format(path: Path | str) -> CsvFormat:
    """Detect a file's format from its first megabyte.

    Raises:
        LeadpilotError: for a missing, empty, header-less, binary or too wide file, or a
            folder.
    """
    path = Path(path)
    _check_is_file(path)
    try:
        with path.open("rb") as handle:
            sample = handle.read(sniff.SAMPLE_BYTES)
            complete = not handle.read(1)
    except OSError as exc:
        raise LeadpilotError(f"The file {path} cannot be read: {exc.strerror or exc}.") from exc
    if sample.startswith(XLSX_MAGIC):
        from flows.intake.workbooks import xlsx_header

        return CsvFormat(kind="xlsx", columns=_checked_width(
            path, sniff.unique_headers(xlsx_header(path))))
    try:
        encoding, has_bom = sniff.sniff_encoding(sample, complete)
    except ReadError as exc:
        raise LeadpilotError(f"The file {path} is not a CSV file: it holds {exc}.") from exc
    text = _decode_sample(sample, encoding, complete)
    lines = sniff.complete_lines(text, complete)
    if not any(line.strip() for line in lines):
        what = "only a byte-order mark" if has_bom and sample.strip() else "nothing"
        raise LeadpilotError(f"The file {path} is empty ({what}): it needs a header row.")
    if not any(_named(line) for line in lines):
        raise LeadpilotError(f"The file {path} holds only delimiters: it needs a header row "
                             "with column names.")
    start = next(i for i, line in enumerate(lines) if _named(line))
    header_line = 1 + start
    hint = _SEP_HINT.match(lines[start])  # Excel's "sep=;" first line
    if hint:
        lines = lines[start + 1:]
        if not any(_named(line) for line in lines):
            raise LeadpilotError(f"The file {path} has no header row after its sep= line.")
        start = next(i for i, line in enumerate(lines) if _named(line))
        header_line += 1 + start
    lines = lines[start:]  # from the header on: lines of only delimiters before it are skipped
    delimiter = hint.group(1) if hint else sniff.sniff_delimiter(lines)
    quotechar = sniff.sniff_quotechar(lines, delimiter)
    rows = _records(lines, delimiter, quotechar)
    if sniff.binary_header(rows[0]):
        raise LeadpilotError(f"The file {path} is not a CSV file: its header holds binary data.")
    # 2,000 records vote on numbers and dates: plenty, and a fifth of a second less per import
    decimal, thousands, order = sniff.sniff_values(rows[1:2001], delimiter)
    return CsvFormat(
        encoding=encoding, delimiter=delimiter, quotechar=quotechar, decimal=decimal,
        thousands=thousands, date_order=order, has_bom=has_bom,
        line_ending=sniff.line_ending(text),
        columns=_checked_width(path, sniff.unique_headers(rows[0])),
        header_line=header_line,
    )


def _named(line: str) -> bool:
    """Whether a line holds more than delimiters, quotes and spaces (a header can start there)."""
    return bool(line.strip(sniff.DELIMITERS_AND_SPACES))


def _check_is_file(path: Path) -> None:
    """A missing path, a folder or a device, said in one sentence."""
    if path.is_dir():
        raise LeadpilotError(f"{path} is a folder, not a file: give the path of one CSV or "
                             "XLSX file in it.")
    if not path.exists():
        raise LeadpilotError(f"The file {path} does not exist.")
    if not path.is_file():
        raise LeadpilotError(f"{path} is not a regular file (a device, pipe or socket): save "
                             "the data to a file and import that.")


def _checked_width(path: Path, columns: list[str]) -> tuple[str, ...]:
    """The header's columns, at most MAX_COLUMNS of them."""
    if len(columns) > MAX_COLUMNS:
        raise LeadpilotError(f"The file {path} has {len(columns):,} columns, more than the "
                             f"{MAX_COLUMNS:,} leadpilot reads: remove the unused columns "
                             "and import it again.")
    return tuple(columns)


def stamp(path: Path) -> tuple[int, int]:
    """(size, modification time) of a file, to tell whether it changed while it was read."""
    info = Path(path).stat()
    return info.st_size, info.st_mtime_ns


def check_unchanged(path: Path, before: tuple[int, int]) -> None:
    """Raise when the file changed since `before` (its `stamp` when reading began).

    Raises:
        LeadpilotError: the file grew or was rewritten while it was read.
    """
    after = stamp(path)
    if after != before:
        raise LeadpilotError(f"The file {path} changed while it was read ({before[0]:,} bytes "
                             f"then {after[0]:,}): import it again once it is complete.")


def _decode_sample(sample: bytes, encoding: str, complete: bool) -> str:
    if encoding == "cp1252" and sample.startswith(codecs.BOM_UTF8):
        sample = sample[len(codecs.BOM_UTF8):]  # a UTF-8 BOM in front of cp1252 text
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=complete)
    return text.lstrip("\ufeff")


def _records(lines: list[str], delimiter: str, quotechar: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter,
                        quotechar=quotechar, strict=False)
    try:
        return [row for row in reader if row]
    except csv.Error:
        return [line.split(delimiter) for line in lines if line]


def read_table(path: Path | str, fmt: CsvFormat | None = None) -> tuple[pd.DataFrame, CsvFormat]:
    """Read a whole CSV (or XLSX) as text: one `str` column per header, None for empty cells.

    Rows that do not fit the header (ragged, broken quotes) are left out; use
    `flows.intake.loading.load_csv` to get them as rejects with their line numbers.

    Raises:
        LeadpilotError: when the file cannot be read, in one sentence.
    """
    from flows.intake.loading import load_csv

    fmt = fmt or detect_format(path)
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    try:
        loaded = load_csv(con, Path(path), fmt, "_table")
        frame = con.execute("SELECT * FROM _table ORDER BY rowid").df().dropna(how="all")
    finally:
        con.close()
    frame.columns = list(loaded.fmt.columns)
    return frame.astype(object).where(frame.notna(), None), loaded.fmt


__all__ = ["detect_format", "read_table"]
