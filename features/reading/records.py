"""Split a CSV's text into records the way a person reads it: a quote never closed costs its
line only.

Python's csv reader (like DuckDB's) lets a quote that is never closed run over every line after
it. `split_records` gives such a line back alone, marked broken, and reads the lines after it
again; `leadpilot import` uses it to find the lines to set aside when DuckDB's reader went
astray on a quote. Pure: a text handle in, records out.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator
from typing import TextIO

from features.reading.reasons import REASONS

UNCLOSED = REASONS["unclosed"]

# A field may be as long as the CRM import allows (16 MB, a pasted 10 MB note), not csv's
# 128 KB. The limit is process-wide: raised once here and never lowered, because a set-and-
# restore around each read races when two reads share the process (Prefect runs tasks in
# threads: one read's restore would fail the other mid-file), while a higher limit only lets
# the project's other csv readers take the same long fields DuckDB already takes.
MAX_FIELD = 1 << 24
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD))


def split_records(handle: TextIO, delimiter: str, quotechar: str, header_line: int = 1,
                  by_record: bool = False) -> Iterator[tuple[int, list[str] | None, str]]:
    """(first line, fields, original text without its line end) of each record, in file order.

    A record spans lines only when its first line leaves a quote open. The quote was never
    meant to span lines (a missing closing quote swallowed the lines after it) when the record
    does not have the header's field count, when a line inside it reads alone as a whole record
    (`_swallowed`), or when it outgrows csv's field limit: its first line then comes back alone
    with fields None, and the lines after it are read again. So does a last line whose quote is
    still open at the end of the file (its last field holds the line end). `by_record` numbers
    records 1, 2, 3… rather than by their first line (a workbook's CSV copy: record n is sheet
    row n). Lines before `header_line` are read as records too (the caller skips them).
    """
    back: deque[str] = deque()  # lines given back: read again before the file's next line
    taken: list[str] = []  # the lines of the record being read

    def lines() -> Iterator[str]:
        while back:
            taken.append(text := back.popleft())
            yield text
        for text in handle:
            taken.append(text)
            yield text

    def broken() -> tuple[int, None, str]:
        back.extendleft(reversed(taken[1:]))
        first = taken[0].rstrip("\r\n")
        taken.clear()
        return line, None, first

    width, line = None, 1
    while True:  # one csv reader per stretch of the file read without giving lines back
        reader = csv.reader(lines(), delimiter=delimiter, quotechar=quotechar)
        try:
            for fields in reader:
                if width is None:
                    width = len(fields) if line >= header_line else None  # the header
                elif len(taken) > 1 and (len(fields) != width or _swallowed(
                        taken, width, delimiter, quotechar)) or (
                        len(fields) != width and fields and fields[-1].endswith(("\n", "\r"))):
                    yield broken()
                    line += 1
                    break  # a new reader, pulling the lines given back first
                count, raw = len(taken), "".join(taken).rstrip("\r\n")
                taken.clear()
                yield line, fields, raw
                line += 1 if by_record else count
            else:
                return
        except csv.Error:
            if len(taken) < 2:
                raise
            yield broken()  # a quote left open over more than csv's field limit
            line += 1


def _swallowed(taken: list[str], width: int, delimiter: str, quotechar: str) -> bool:
    """Whether a record of several lines is rows a stray quote swallowed, not a field's lines.

    Its last line holds an even number of quotes and reads alone as a whole record: in a well
    formed file the last line of a record of several lines closes the quoted field, so it holds
    an odd number. Or a line inside it (neither first nor last) reads alone as a whole record
    (for a header of 4 columns or more, so that a note's commas are not taken for fields).
    """
    def fields(text: str) -> int:
        return len(next(csv.reader([text], delimiter=delimiter, quotechar=quotechar), []))

    last = taken[-1]
    if last.count(quotechar) % 2 == 0 and fields(last) == width:
        return True
    return width >= 4 and any(fields(text) == width for text in taken[1:-1])



def strict(raw: str, delimiter: str, quotechar: str) -> bool:
    """Whether a record's text reads as CSV with no text after a closing quote."""
    try:
        list(csv.reader(io.StringIO(raw + "\n", newline=""), delimiter=delimiter,
                        quotechar=quotechar, strict=True))
    except csv.Error:
        return False
    return True
