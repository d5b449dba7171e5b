"""Excel workbooks in: the first sheet streamed (openpyxl read-only) to a UTF-8 CSV.

The CSV then goes through the same loader and value parsing as any other file. Cells Excel
typed are written in an unambiguous form: dates and times as ISO, numbers with a decimal point.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path

from flows.errors import LeadpilotError

PROGRESS_EVERY = 1000  # rows


MAX_UNPACKED = 1 << 30  # bytes a workbook may unpack to
MAX_RATIO = 200  # unpacked / packed: real workbooks stay far below, zip bombs far above


def _check_unpacked(path: Path, data: bytes) -> None:
    """Refuse a zip bomb before openpyxl inflates it."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > MAX_UNPACKED or (unpacked > (50 << 20) and unpacked > MAX_RATIO * len(data)):
        raise LeadpilotError(f"The file {path} is not a readable Excel workbook: it would "
                             f"unpack to {unpacked / (1 << 20):,.0f} MB from "
                             f"{len(data) / (1 << 20):,.1f} MB.")


def _workbook(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:  # a file object: the workbook may be named .csv by mistake
        data = path.read_bytes()
        _check_unpacked(path, data)
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
        raise LeadpilotError(f"The file {path} is not a readable Excel workbook.") from exc


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_header(path: Path) -> list[str]:
    """The first non-empty row of the first sheet, as text."""
    book = _workbook(path)
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            if any(cell is not None and str(cell).strip() for cell in row):
                return [_text(cell) for cell in row]
    finally:
        book.close()
    raise LeadpilotError(f"The workbook {path} is empty: its first sheet needs a header row.")


def xlsx_to_csv(path: Path, target: Path, progress: Callable[[float], None] | None = None):
    """Write the first sheet to `target` (UTF-8, comma) and return (target, its CsvFormat).

    One CSV record per sheet row from row 1 (blank rows before the header as blank lines),
    so the n-th record is row n even when cells hold line breaks. `progress` is called with
    the fraction of the sheet's rows done (about 7,000 rows a second), when the workbook says
    how many rows its sheet has.
    """
    from flows.intake.reading import detect_format

    book = _workbook(path)
    try:
        sheet = book.worksheets[0]
        total = sheet.max_row if progress is not None else None
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            width = None
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
                if total and number % PROGRESS_EVERY == 0:
                    progress(min(number / total, 1.0))
                cells = [_text(cell) for cell in row]
                if width is None:
                    if not any(c.strip() for c in cells):
                        writer.writerow([])  # a blank line: CSV record n stays sheet row n
                        continue
                    while cells and not cells[-1].strip():
                        cells.pop()
                    width = len(cells)
                if any(c.strip() for c in cells[width:]):  # text beyond the header: a
                    while not cells[-1].strip():  # ragged row, rejected like a CSV's
                        cells.pop()
                else:
                    cells = (cells + [""] * width)[:width]
                writer.writerow(cells)
    finally:
        book.close()
    if width is None:
        raise LeadpilotError(f"The workbook {path} is empty: its first sheet needs a header row.")
    return target, detect_format(target)
