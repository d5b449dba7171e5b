"""The original text of the records an import rejects: the file scanned once, in line order,
as DuckDB read it (blank lines and the reader's own rejects skipped)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from features.reading.values import CsvFormat
from flows.intake.loading import Loaded, count_newlines


def originals(loaded: Loaded, records: Iterator[int],
              one_line_records: bool) -> Iterator[tuple[int, int, str]]:
    """(record, line number, original text) of the wanted records, in file order.

    `records` are record numbers (`rowid - first_rowid`) in increasing order. The file is
    scanned once, up to the last record wanted, skipping blank lines and the records the
    reader rejected, as DuckDB skipped them. With `one_line_records` (no field holds a line
    break) lines are counted directly; otherwise the scan splits records with the dialect.
    """
    fmt = loaded.fmt
    skipped: set[int] = set()
    for line, raw in zip(loaded.rejects["line"], loaded.rejects["raw"], strict=True):
        skipped.update(range(int(line), int(line) + count_newlines(raw) + 1))
    target = next(records, None)
    if target is None:
        return
    if one_line_records:
        with loaded.source.open("rb") as raw:
            yield from _one_line_originals(raw, fmt.header_line, skipped, target, records)
        return
    with loaded.source.open(encoding="utf-8-sig", newline="") as handle:
        lines = _Lines(handle)
        for _ in range(fmt.header_line - 1):
            next(lines, None)
        texts = _split_records(lines, fmt)
        record = -1
        for start, fields_count, text in texts:
            if fields_count == 0 or start in skipped:
                continue
            record += 1
            if record == target:
                yield record, start, text.rstrip("\r\n")
                target = next(records, None)
                if target is None:
                    return


def _one_line_originals(handle, header_line: int, skipped: set[int], target: int,
                        records: Iterator[int]) -> Iterator[tuple[int, int, str]]:
    """`originals` when each record is one line: line number = physical line, in one tight
    loop over bytes (a million lines in a fraction of a second); only the wanted lines are
    decoded (the source is UTF-8)."""
    record = -1
    for line, text in enumerate(handle, 1):
        if line <= header_line or not text.strip(b"\r\n") or line in skipped:
            continue
        record += 1
        if record == target:
            yield record, line, text.rstrip(b"\r\n").decode("utf-8", errors="replace")
            target = next(records, None)
            if target is None:
                return


def _split_records(lines: _Lines, fmt: CsvFormat) -> Iterator[tuple[int, int, str]]:
    reader = csv.reader(lines, delimiter=fmt.delimiter, quotechar=fmt.quotechar, strict=False)
    next(_safe(reader), None)  # the header
    lines.take()
    for fields in _safe(reader):
        start, text = lines.take()
        yield start, len(fields), text


def _safe(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error:
        return


class _Lines:
    """Iterates a file's physical lines, remembering where the current record started."""

    def __init__(self, handle) -> None:
        self._handle, self._line, self._start, self._parts = handle, 0, 1, []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        text = self._handle.readline()
        if not text:
            raise StopIteration
        self._line += 1
        self._parts.append(text)
        return text

    def take(self) -> tuple[int, str]:
        text, start = "".join(self._parts), self._line - len(self._parts) + 1
        self._parts = []
        return start, text
