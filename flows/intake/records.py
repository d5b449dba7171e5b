"""The records of a file `leadpilot import` sets aside before DuckDB reads it again, and a
workbook copy's records as sheet rows: features.reading.records over a file on disk."""

from __future__ import annotations

import re
from pathlib import Path

from features.reading.reasons import REASONS
from features.reading.records import UNCLOSED, split_records, strict


def broken_lines(source: Path, delimiter: str, quotechar: str, header_line: int
                 ) -> tuple[dict[int, tuple[str, str]], set[int], int]:
    """({first line: (text, reason)} of the records to set aside, the lines they cover, the
    number of other records after the header, blank lines left out) of a UTF-8 file, read
    with `split_records`.

    Set aside: a line whose quote is never closed, and a record with text after a closing
    quote (`"abc"def`), which Python's reader takes but DuckDB's strict reader rejects, naming
    at times the line before it and giving part of its text: set aside here, it is reported
    with its own line and text, and both readers agree on what is left.
    """
    broken: dict[int, tuple[str, str]] = {}
    lines: set[int] = set()
    count = 0
    with source.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
        for line, fields, raw in split_records(handle, delimiter, quotechar, header_line):
            if line <= header_line:
                continue
            if fields is None:
                broken[line] = raw, UNCLOSED
                lines.add(line)
            elif fields and quotechar in raw and not strict(raw, delimiter, quotechar):
                broken[line] = raw, REASONS["quote_text"]
                lines.update(range(line, line + 1 + len(_LINE_BREAK.findall(raw))))
            elif fields:
                count += 1
    return broken, lines, count


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def sheet_rows(source: Path, delimiter: str, quotechar: str, header_line: int
               ) -> dict[int, int]:
    """{first line: record number} of a workbook's CSV copy, where record n is sheet row n."""
    with source.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
        return {line: row for row, (line, _, _) in enumerate(
            split_records(handle, delimiter, quotechar, header_line), start=1)}
