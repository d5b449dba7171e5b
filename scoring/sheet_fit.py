"""How wide each sheet column and how tall each row must be for every line of a cell to show.

A spreadsheet never grows a row for wrapped text written by a program (LibreOffice and Excel
keep the default 15 pt), so a cell of five reasons shows one line and spills over the next row.
The sizes are computed here from the text: a line of a cell wraps at the column's width in
characters (word by word, as a spreadsheet wraps), and a row is as tall as its tallest cell.

Widths are in a spreadsheet's units (the width of a digit of the default font, 11 pt), heights
in points. A digit is wider than the average letter: a column of 60 units holds about 72
characters of the sheet's French and English text in DejaVu Sans (LibreOffice's stand-in for
Calibri when Carlito is missing, measured on the demo sheet's PDF) and more in Calibri.
Counting CHARS_PER_UNIT (1.1) characters per unit, less the cell's padding, errs on the side of
one line more; the render test (tests/flows/test_rendering.py) prints the demo sheet through
LibreOffice and finds every line of every cell on the page.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import pandas as pd

from scoring.sheet_layout import WRAPPED_COLUMNS

LINE_HEIGHT = 15.0  # points per line of 11 pt text (Excel's default row height)
ROW_PADDING = 3.0  # points below the last line, so descenders never touch the next row
MAX_ROW_HEIGHT = 409.0  # the tallest row Excel and LibreOffice accept, in points
WRAPPED_WIDTH, MIN_WRAPPED_WIDTH = 60.0, 24.0  # units: widest and narrowest multi-line column
CELL_PADDING = 2  # characters lost to the cell's left and right margins
CHARS_PER_UNIT = 1.1  # characters of text per unit of width, with room to spare


def multiline_columns(sheet: pd.DataFrame) -> list[str]:
    """The columns to wrap: scoring.sheet_layout.WRAPPED_COLUMNS, and any other column of
    `sheet` that holds a line break (a column added later is wrapped without being listed).

    >>> multiline_columns(pd.DataFrame({"rank": [1], "notes": ["a\\nb"], "reasons": [""]}))
    ['notes', 'reasons']
    """
    return [c for c in sheet.columns if c in WRAPPED_COLUMNS or _has_break(sheet[c])]


def _has_break(values: pd.Series) -> bool:
    return bool(values.map(lambda v: isinstance(v, str) and "\n" in v).any())


def wrapped_width(values: Iterable[object], header: str) -> float:
    """Units wide for a multi-line column: its longest line, between the header's longest word
    and WRAPPED_WIDTH (a longer line wraps).

    >>> wrapped_width(["▲ Short\\n▼ A bit longer"], "Why this score")
    24.0
    >>> wrapped_width(["x" * 200], "Notes")
    60.0
    """
    longest = max((len(line) for v in values if isinstance(v, str) for line in v.splitlines()),
                  default=0)
    words = max((len(word) for word in header.split()), default=0)
    return float(min(max(longest + CELL_PADDING, words + CELL_PADDING, MIN_WRAPPED_WIDTH),
                     WRAPPED_WIDTH))


def line_count(text: object, width: float) -> int:
    """Lines `text` takes in a wrapped cell `width` units wide (0 for an empty cell).

    >>> line_count("▲ one\\n▼ two", 40), line_count("word " * 30, 40), line_count(None, 40)
    (2, 4, 0)
    """
    if not isinstance(text, str) or not text:
        return 0
    room = max(int(width * CHARS_PER_UNIT) - CELL_PADDING, 1)
    return sum(max(len(textwrap.wrap(line, room, break_on_hyphens=False)), 1)
               for line in text.splitlines())


def row_height(lines: int) -> float | None:
    """Points for a row whose tallest cell has `lines` lines; None keeps the default height.

    >>> row_height(1), row_height(5), row_height(100)
    (None, 78.0, 409.0)
    """
    if lines <= 1:
        return None
    return min(lines * LINE_HEIGHT + ROW_PADDING, MAX_ROW_HEIGHT)


def row_heights(sheet: pd.DataFrame, widths: dict[str, float]) -> list[float | None]:
    """The height of each row of `sheet` (in order) given the widths of its multi-line columns:
    its tallest wrapped cell's lines, as row_height gives them."""
    lines = pd.Series(0, index=sheet.index)
    for column, width in widths.items():
        lines = lines.combine(sheet[column].map(lambda v, w=width: line_count(v, w)), max)
    return [row_height(int(n)) for n in lines]
