"""A table of text written as CSV column by column (Arrow compute), not row by row: byte for
byte what pandas' `to_csv` (Python's csv module, QUOTE_MINIMAL, double quotes doubled) writes,
about ten times faster on a large sheet.

A cell is quoted when it holds the separator, a double quote, a carriage return or a line feed
(the characters Python's csv writer quotes for), or when it is a row's only cell and empty; a
double quote inside it is doubled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scoring.sheet import cell_offsets

# rows quoted and joined at a time: memory stays bounded however many rows a part has (each
# chunk is copied about three times: quoted, its lines ended, joined)
ROWS_PER_CHUNK = 10_000
BOM = "\ufeff"
_EMPTY = pa.scalar("", pa.large_string())


def write_text_csv(columns: Mapping[str, Sequence[str]], path: Path, sep: str = ",",
                   lineterminator: str = "\r\n", bom: bool = True) -> None:
    r"""Write `columns` (header -> one str per row, no null) to `path` as UTF-8 CSV.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> write_text_csv({"a": ["1", 'a "b'], "b;c": ["x\ny", ""]}, folder / "t.csv", ";",
    ...                bom=False)
    >>> (folder / "t.csv").read_bytes()
    b'a;"b;c"\r\n1;"x\ny"\r\n"a ""b";\r\n'
    """
    with open(path, "wb") as out:
        write_header(out, list(columns), sep, lineterminator, bom)
        write_rows(out, columns, sep, lineterminator)


def write_header(out: BinaryIO, headers: list[str], sep: str = ",",
                 lineterminator: str = "\r\n", bom: bool = True) -> None:
    """The header line of a CSV whose columns are `headers` (after the BOM when `bom`)."""
    head = sep.join(_quoted_one(h, sep, len(headers) == 1) for h in headers) + lineterminator
    out.write(((BOM if bom else "") + head).encode("utf-8"))


def write_rows(out: BinaryIO, columns: Mapping[str, Sequence[str]], sep: str = ",",
               lineterminator: str = "\r\n") -> None:
    """Append the rows of `columns` (header -> one str per row, no null) to `out`: a CSV
    written in parts is the same bytes as one written at once."""
    values = [_one_array(v) for v in columns.values()]
    rows = len(values[0]) if values else 0
    if any(v.null_count for v in values):
        raise ValueError("a CSV cell is null: give every cell its text")
    for start in range(0, rows, ROWS_PER_CHUNK):
        cells = [_quoted(v.slice(start, ROWS_PER_CHUNK), sep, len(values) == 1)
                 for v in values]
        cells[-1] = pc.binary_join_element_wise(  # the last cell ends the line: one copy of
            cells[-1], _EMPTY, pa.scalar(lineterminator, pa.large_string()))  # it, not all
        out.write(_bytes(pc.binary_join_element_wise(*cells, pa.scalar(sep, pa.large_string()))))


def _one_array(cells: Sequence[str]) -> pa.Array:
    """`cells` as one large_string array: a column Arrow holds in several chunks (a part sliced
    across the record batches DuckDB returned) is made one, as the byte offsets need."""
    values = pa.array(cells, type=pa.large_string(), from_pandas=True)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _quoted_one(text: str, sep: str, alone: bool) -> str:
    if any(c in text for c in (sep, '"', "\r", "\n")) or (alone and not text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _quoted(values: pa.Array, sep: str, alone: bool) -> pa.Array:
    """Each cell as the csv module writes it; `alone`: the row's only cell, quoted if empty.
    Only what needs it is copied: the double quotes are doubled in a column that holds one, and
    a column whose every cell needs quotes (the sheet's multi-line text) is quoted whole."""
    special, quotes = _holding(values, ('"', sep, "\r", "\n"))
    if alone:
        special |= np.diff(cell_offsets(values)) == 0
    if not special.any():
        return values
    if quotes:
        values = pc.replace_substring(values, '"', '""')
    quote = pa.scalar('"', pa.large_string())
    wrapped = pc.binary_join_element_wise(quote, values, quote, _EMPTY)
    return wrapped if special.all() else pc.if_else(pa.array(special), wrapped, values)


def _holding(values: pa.Array, chars: tuple[str, ...]) -> tuple[np.ndarray, bool]:
    """Whether each cell (large_string, no null) holds any of `chars`, and whether any cell
    holds the first of them.

    ASCII characters are looked for in the column's UTF-8 bytes with numpy (an ASCII byte is
    never part of another character): three times quicker than Arrow's regex, which stays the
    way for any other separator.

    >>> _holding(pa.array(["a,b", "é", "", 'x"'], pa.large_string()).slice(1), ('"', ","))
    (array([False, False,  True]), True)
    >>> _holding(pa.array(["a,b", "é"], pa.large_string()), ('"', ",", "§"))
    (array([ True, False]), False)
    """
    if not all(len(c) == 1 and c.isascii() for c in chars):
        pattern = "|".join(re.escape(c) for c in chars)
        return (pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False),
                pc.any(pc.match_substring(values, chars[0])).as_py() or False)
    ends = cell_offsets(values)
    if ends[-1] == ends[0]:  # no text at all (the data buffer may be missing)
        return np.zeros(len(values), dtype=bool), False
    text = np.frombuffer(values.buffers()[2], dtype=np.uint8, count=int(ends[-1]))[ends[0]:]
    found = text == ord(chars[0])
    first = bool(found.any())
    more = np.empty_like(found) if len(chars) > 1 else None  # one buffer, not one per char
    for char in chars[1:]:
        found |= np.equal(text, ord(char), out=more)
    at = np.flatnonzero(found)  # where the characters are, in the text of the cells
    if not len(at):
        return np.zeros(len(values), dtype=bool), first
    ends = ends - ends[0]
    after = np.minimum(np.searchsorted(at, ends[:-1]), len(at) - 1)  # first at or after a start
    return (at[after] >= ends[:-1]) & (at[after] < ends[1:]), first


def _bytes(lines: pa.Array) -> memoryview:
    """The UTF-8 bytes of all `lines` one after the other (the array's data buffer)."""
    lines = pa.concat_arrays([lines]) if lines.offset else lines
    _, offsets, data = lines.buffers()
    ends = np.frombuffer(offsets, dtype=np.int64, count=len(lines) + 1)
    return memoryview(data)[int(ends[0]):int(ends[-1])] if len(lines) else memoryview(b"")
