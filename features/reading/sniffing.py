"""Guess a CSV's dialect from a sample of its bytes: encoding, delimiter, quoting, numbers, dates.

Pure functions over bytes and strings; `flows/intake/reading.py` opens the file and calls them.
They raise `ReadError` (features.reading), which the flows word with the file's name.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter

from features.reading.errors import ReadError

DELIMITERS = (",", ";", "\t", "|")
DELIMITERS_AND_SPACES = "".join(DELIMITERS) + " \r\n\ufeff\"'"  # a line of only these: no header
SAMPLE_BYTES = 1 << 20
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}(?:[T\s]|$)")
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[T\s]|$)")
_AM_PM = re.compile(r"\d\s*[AaPp]\.?[Mm]\.?\s*$")
_SPACES = "\u00a0\u202f "
_NUMBER_SHAPES = (  # (pattern, decimal, thousands) from the most to the least telling
    (re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+\.\d+$"), ".", ","),
    (re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+,\d+$"), ",", "."),
    (re.compile(r"^[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+,\d+$"), ",", " "),
    (re.compile(r"^[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?$"), ".", " "),
    (re.compile(r"^[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+$"), "", " "),
    (re.compile(r"^[-+]?\d+,(?:\d{1,2}|\d{4,})$"), ",", ""),
    (re.compile(r"^[-+]?\d+\.(?:\d{1,2}|\d{4,})$"), ".", ""),
    (re.compile(r"^[-+]?\d{1,3}(?:,\d{3}){2,}$"), ".", ","),
    (re.compile(r"^[-+]?\d{1,3}(?:\.\d{3}){2,}$"), ",", "."),
)


def sniff_encoding(sample: bytes, complete: bool) -> tuple[str, bool]:
    """(Python codec name, has_bom) for a sample of a file; `complete` when it is the whole file.

    UTF-16 is told by its BOM or by NUL bytes on every other position; UTF-8 by decoding
    cleanly; anything else is read as cp1252 (Excel's "CSV" on Windows), a superset of latin-1
    for letters. A UTF-8 BOM over bytes that are not UTF-8 (a wrong declared encoding) is read
    as cp1252 too.

    Raises:
        ReadError: for binary data (NUL bytes or control characters outside UTF-16).
    """
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    head = sample[:4096]
    if len(head) >= 4 and head.count(0) * 3 > len(head):
        if head[1::2].count(0) > len(head) // 4:
            return "utf-16-le", False
        if head[0::2].count(0) > len(head) // 4:
            return "utf-16-be", False
    has_bom = sample.startswith(codecs.BOM_UTF8)
    body = sample[3:] if has_bom else sample
    if 0 in body:
        raise ReadError("binary data (NUL bytes) where text was expected")
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(body, final=complete)
        encoding = "utf-8-sig" if has_bom else "utf-8"
    except UnicodeDecodeError:
        text, encoding = body.decode("cp1252", errors="replace"), "cp1252"
    if len(_CONTROL.findall(text[:65536])) > max(2, len(text[:65536]) // 1000):
        raise ReadError("binary data (control characters) where text was expected")
    return encoding, has_bom


def binary_header(names: list[str]) -> bool:
    """Whether a header holds control characters: binary data, not column names."""
    return bool(_CONTROL.search("".join(names).replace("\ufeff", "")))


def complete_lines(text: str, complete: bool) -> list[str]:
    """The sample's lines, without the last one when the sample was cut in the middle of it."""
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]
    return lines


def sniff_delimiter(lines: list[str], quotechar: str = '"') -> str:
    """The candidate delimiter that splits the most lines into the same number of fields (>1)."""
    best, best_score = ",", -1.0
    text = "\n".join(lines[:500])
    for delimiter in DELIMITERS:
        rows = _split(text, delimiter, quotechar)
        widths = Counter(len(row) for row in rows if row)
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        header_width = len(rows[0]) if rows else 0
        if width < 2 and header_width < 2:
            continue
        score = count / max(1, len(rows)) + (0.5 if header_width == width else 0) + width / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _split(text: str, delimiter: str, quotechar: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar))
    except csv.Error:
        return [line.split(delimiter) for line in text.splitlines()]


def sniff_quotechar(lines: list[str], delimiter: str) -> str:
    """`"` unless single quotes visibly wrap fields and double quotes never do."""
    text = "\n".join(lines[:500])
    wraps = {q: len(re.findall(rf"(?:^|{re.escape(delimiter)}){q}", text, re.M)) for q in "\"'"}
    return "'" if wraps["'"] > 0 and wraps['"'] == 0 and text.count("'") % 2 == 0 else '"'


def sniff_values(rows: list[list[str]], delimiter: str) -> tuple[str, str, str]:
    """(decimal, thousands, date_order) voted from the values of the sample rows.

    Args:
        rows: the sample's records after the header, split into fields.
        delimiter: the file's delimiter; a `;` file leans to decimal commas and European dates
            when the values themselves do not tell.
    """
    decimals, thousands, orders = Counter(), Counter(), Counter()
    for row in rows:
        for value in row:
            value = value.strip()
            if not value or len(value) > 40:
                continue
            if _ISO_DATE.match(value):
                orders["ymd"] += 1
                continue
            date = _SLASH_DATE.match(value)
            if date:
                first, second = int(date.group(1)), int(date.group(2))
                if first > 12 >= second:
                    orders["dmy"] += 1
                elif second > 12 >= first:
                    orders["mdy"] += 1
                elif _AM_PM.search(value):
                    orders["mdy*"] += 1
                continue
            for pattern, decimal, separator in _NUMBER_SHAPES:
                if pattern.match(value):
                    if decimal:
                        decimals[decimal] += 1
                    if separator:
                        thousands[separator] += 1
                    break
    european = delimiter == ";"
    decimal = decimals.most_common(1)[0][0] if decimals else ("," if european else ".")
    separator = thousands.most_common(1)[0][0] if thousands else ""
    if separator == decimal:
        separator = ""
    if orders["dmy"] or orders["mdy"]:
        order = "dmy" if orders["dmy"] >= orders["mdy"] else "mdy"
    elif orders["mdy*"]:
        order = "mdy"
    else:  # only ISO dates, or none: day first for European-looking files
        order = "dmy" if european or decimal == "," else "ymd"
    return decimal, separator, order


def unique_headers(names: list[str]) -> list[str]:
    """Trimmed header names, with blanks named `column_N` and repeats suffixed ` (2)`, ` (3)`…"""
    seen: Counter[str] = Counter()
    result = []
    for position, name in enumerate(names, start=1):
        name = name.replace("\ufeff", "").strip() or f"column_{position}"
        key = name.lower()
        seen[key] += 1
        while seen[key] > 1 and f"{name} ({seen[key]})".lower() in {r.lower() for r in result}:
            seen[key] += 1
        result.append(name if seen[key] == 1 else f"{name} ({seen[key]})")
    return result


def line_ending(sample: str) -> str:
    """`CRLF`, `LF`, `CR` or `mixed`."""
    crlf = sample.count("\r\n")
    lf = sample.count("\n") - crlf
    cr = sample.count("\r") - crlf
    kinds = [name for name, count in (("CRLF", crlf), ("LF", lf), ("CR", cr)) if count]
    return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "LF")
