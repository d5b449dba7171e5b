"""Write a lead sheet as a file a rep opens: CSV (English or French Excel) or XLSX.

- CSV, locale ``en``: UTF-8 with BOM, ``,`` between cells, ``1234.50``, dates ``2026-11-29``.
- CSV, locale ``fr``: UTF-8 with BOM, ``;`` between cells, ``1234,50`` (every number, money,
  percent and probability), dates ``29/11/2026``: what Excel set to French opens as columns.
- XLSX: a styled header row with filters, panes frozen below the header and after the lead's
  name, ``#,##0.00 "€"`` on money, ``0.0%`` on the win probability and the discount (the cell
  holds the fraction), wrapped reasons and talking points, widths fitted to the content.

No cell can run as a formula (OWASP CSV injection). The sheet arrives neutralised by
scoring.sheet.neutralise (``'`` before ``= + - @``, tab, CR) and CSV keeps that. XLSX writes
every text with ``write_string`` (never a formula) and gives a hostile text the quote-prefix
style instead of the ``'``, which is how Excel itself keeps typed ``'=1+1`` as text: the rep reads
``+33 6 12 34 56 78``, and the cell stays text even when edited.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from scoring.sheet import FORMULA_PREFIXES, SHEET_COLUMNS, neutralise
from scoring.sheet_layout import (
    CHOICES,
    DATE_COLUMNS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    WHOLE_COLUMNS,
    WRAPPED_COLUMNS,
)

FORMATS: tuple[str, ...] = ("csv", "xlsx")
LOCALES: tuple[str, ...] = ("en", "fr")
SEPARATOR = {"en": ",", "fr": ";"}
DATE_FORMAT = {"en": "%Y-%m-%d", "fr": "%d/%m/%Y"}
XLSX_DATE_FORMAT = {"en": "yyyy-mm-dd", "fr": "dd/mm/yyyy"}
MONEY_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0%"
HEADERS = dict(SHEET_COLUMNS)
WRAPPED_WIDTH, MAX_WIDTH, MIN_WIDTH = 60, 45, 6


def write_sheet(sheet: pd.DataFrame, path: Path, fmt: str = "csv", locale: str = "en") -> Path:
    """Write `sheet` (internal column names, as scoring.sheet.build_sheet makes it) to `path`.

    Text is neutralised again (idempotent), so no caller can hand a spreadsheet a formula. The
    file appears whole or not at all: it is written next to `path`, then renamed.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown sheet format {fmt!r}")
    if locale not in LOCALES:
        raise ValueError(f"unknown sheet locale {locale!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    (_write_csv if fmt == "csv" else _write_xlsx)(_disarmed(sheet), partial, locale)
    partial.replace(path)
    return path


def _disarmed(sheet: pd.DataFrame) -> pd.DataFrame:
    """scoring.sheet.neutralise, vectorised for the all-text columns (most of a sheet)."""
    out = sheet.copy()
    for column in out.columns:
        kind = pd.api.types.infer_dtype(out[column], skipna=True)
        if kind == "string":
            values = out[column].astype(object)
            hostile = values.str.startswith(FORMULA_PREFIXES, na=False).astype(bool)
            out[column] = values.where(~hostile, "'" + values.where(hostile, ""))
        elif kind.startswith("mixed"):
            out[column] = neutralise(out[[column]])[column]
    return out


def _write_csv(sheet: pd.DataFrame, path: Path, locale: str) -> None:
    text = pd.DataFrame({HEADERS.get(c, c): _column_text(sheet[c], locale)
                         for c in sheet.columns})
    text.to_csv(path, index=False, sep=SEPARATOR[locale], encoding="utf-8-sig",
                lineterminator="\r\n")


def _column_text(values: pd.Series, locale: str) -> pd.Series:
    """A column as CSV text: plain text columns as they are, anything else cell by cell."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values.astype(object).where(values.notna(), "")
    return values.map(lambda v: cell_text(v, locale))


def cell_text(value: object, locale: str = "en") -> str:
    """How one value reads in a CSV of `locale`.

    >>> cell_text(Decimal("1879.20"), "fr"), cell_text(23.4, "fr")
    ('1879,20', '23,4')
    >>> cell_text(date(2026, 11, 9), "fr"), cell_text(date(2026, 11, 9), "en")
    ('09/11/2026', '2026-11-09')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, datetime | pd.Timestamp) and (value.hour or value.minute):
        return value.strftime(DATE_FORMAT[locale] + " %H:%M")
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT[locale])
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, Decimal):
        number = format(value, "f")
    elif isinstance(value, int | np.integer):
        number = str(int(value))
    elif isinstance(value, float | np.floating):
        if np.isnan(value):
            return ""
        number = np.format_float_positional(value, trim="0")
    else:
        return str(value)
    return number.replace(".", ",") if locale == "fr" else number


def _write_xlsx(sheet: pd.DataFrame, path: Path, locale: str) -> None:
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False})
    try:
        page = book.add_worksheet("Lead sheet")
        styles = _Styles(book, locale)
        columns = list(sheet.columns)
        for j, column in enumerate(columns):
            page.set_column(j, j, _width(sheet[column], column), styles.column(column))
        page.set_row(0, 32)
        for j, column in enumerate(columns):
            page.write_string(0, j, HEADERS.get(column, column), styles.header)
        for i, row in enumerate(sheet.itertuples(index=False, name=None), start=1):
            for j, (column, value) in enumerate(zip(columns, row, strict=True)):
                _write_cell(page, i, j, column, value, styles)
        frozen = columns.index("lead_name") + 1 if "lead_name" in columns else 0
        page.freeze_panes(1, frozen)
        page.autofilter(0, 0, max(len(sheet), 1), len(columns) - 1)
        for column, choices in CHOICES.items():  # Outcome, Feedback: drop-down lists
            if column in columns and len(sheet):
                j = columns.index(column)
                page.data_validation(1, j, len(sheet), j, {
                    "validate": "list", "source": list(choices), "error_type": "warning",
                    "input_title": HEADERS[column], "input_message": ", ".join(choices)})
    finally:
        book.close()


class _Styles:
    """The workbook's cell formats, one per column kind (plus the quote-prefixed text ones)."""

    def __init__(self, book: xlsxwriter.Workbook, locale: str) -> None:
        top = {"valign": "top"}
        self.header = book.add_format({"bold": True, "font_color": "#FFFFFF",
                                       "bg_color": "#1F4E78", "text_wrap": True,
                                       "valign": "vcenter", "bottom": 1})
        self.money = book.add_format({**top, "num_format": MONEY_FORMAT})
        self.percent = book.add_format({**top, "num_format": PERCENT_FORMAT})
        self.whole = book.add_format({**top, "num_format": "0"})
        self.date = book.add_format({**top, "num_format": XLSX_DATE_FORMAT[locale]})
        self.text = book.add_format(top)
        self.wrapped = book.add_format({**top, "text_wrap": True})
        self.quoted = book.add_format({**top, "quote_prefix": True})
        self.quoted_wrapped = book.add_format({**top, "text_wrap": True, "quote_prefix": True})

    def column(self, column: str):
        if column in MONEY_COLUMNS:
            return self.money
        if column in PERCENT_COLUMNS:
            return self.percent
        if column in WHOLE_COLUMNS:
            return self.whole
        if column in DATE_COLUMNS:
            return self.date
        return self.wrapped if column in WRAPPED_COLUMNS else self.text


def _write_cell(page, i: int, j: int, column: str, value: object, styles: _Styles) -> None:
    style = styles.column(column)
    if value is None or value is pd.NA or value is pd.NaT or value == "" or (
            isinstance(value, float) and np.isnan(value)):
        page.write_blank(i, j, None, style)
    elif isinstance(value, str):
        text, hostile = _unquoted(value)
        if hostile:
            style = styles.quoted_wrapped if column in WRAPPED_COLUMNS else styles.quoted
        page.write_string(i, j, text, style)
    elif isinstance(value, datetime | date):
        page.write_datetime(i, j, value, style)
    elif isinstance(value, Decimal | int | float | np.integer | np.floating):
        number = float(value) / 100 if column in PERCENT_COLUMNS else float(value)
        page.write_number(i, j, number, style)
    else:
        page.write_string(i, j, str(value), style)


def _unquoted(text: str) -> tuple[str, bool]:
    """The text without the neutralising ', and whether a spreadsheet could run it."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:], True
    return text, text.startswith(FORMULA_PREFIXES)


def _width(values: pd.Series, column: str) -> float:
    """Characters wide: the header's longest word, else the content's 95th percentile line."""
    if column in WRAPPED_COLUMNS:
        return WRAPPED_WIDTH
    header = max(len(word) for word in HEADERS.get(column, column).split())
    if column in MONEY_COLUMNS or column in PERCENT_COLUMNS:
        content = 14 if column in MONEY_COLUMNS else 7
    else:
        lengths = values.map(lambda v: len(cell_text(v)), na_action="ignore")
        content = float(lengths.quantile(0.95)) if lengths.notna().any() else 0
    return float(min(max(header, content, MIN_WIDTH) + 2, MAX_WIDTH))
