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
_SEP_HINT = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


def detect_format(path: Path | str) -> CsvFormat:
    """Detect a file's format from its first megabyte.

    Raises:
        LeadpilotError: for a missing, empty, header-less or binary file.
    """
    path = Path(path)
    if not path.is_file():
        raise LeadpilotError(f"The file {path} does not exist.")
    with path.open("rb") as handle:
        sample = handle.read(sniff.SAMPLE_BYTES)
        complete = not handle.read(1)
    if sample.startswith(XLSX_MAGIC):
        from flows.intake.workbooks import xlsx_header

        return CsvFormat(kind="xlsx", columns=tuple(sniff.unique_headers(xlsx_header(path))))
    try:
        encoding, has_bom = sniff.sniff_encoding(sample, complete)
    except ReadError as exc:
        raise LeadpilotError(f"The file {path} is not a CSV file: it holds {exc}.") from exc
    text = _decode_sample(sample, encoding, complete)
    lines = sniff.complete_lines(text, complete)
    if not any(line.strip() for line in lines):
        what = "only a byte-order mark" if has_bom and sample.strip() else "nothing"
        raise LeadpilotError(f"The file {path} is empty ({what}): it needs a header row.")
    header_line = 1 + next(i for i, line in enumerate(lines) if line.strip())
    hint = _SEP_HINT.match(lines[header_line - 1])  # Excel's "sep=;" first line
    if hint:
        lines, header_line = lines[header_line:], header_line + 1
        if not any(line.strip() for line in lines):
            raise LeadpilotError(f"The file {path} has no header row after its sep= line.")
        header_line += next(i for i, line in enumerate(lines) if line.strip())
    delimiter = hint.group(1) if hint else sniff.sniff_delimiter(lines)
    quotechar = sniff.sniff_quotechar(lines, delimiter)
    rows = _records(lines, delimiter, quotechar)
    header_at = next(i for i, row in enumerate(rows) if any(v.strip() for v in row))
    if sniff.binary_header(rows[header_at]):
        raise LeadpilotError(f"The file {path} is not a CSV file: its header holds binary data.")
    # 2,000 records vote on numbers and dates: plenty, and a fifth of a second less per import
    decimal, thousands, order = sniff.sniff_values(rows[header_at + 1:header_at + 2001],
                                                   delimiter)
    return CsvFormat(
        encoding=encoding, delimiter=delimiter, quotechar=quotechar, decimal=decimal,
        thousands=thousands, date_order=order, has_bom=has_bom,
        line_ending=sniff.line_ending(text), columns=tuple(sniff.unique_headers(rows[header_at])),
        header_line=header_line,
    )


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
