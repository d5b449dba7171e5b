"""Write a lead sheet as a file a rep opens: CSV (English or French Excel) or XLSX.

- CSV, locale ``en``: UTF-8 with BOM, ``,`` between cells, ``1234.50``, dates ``2026-11-29``.
- CSV, locale ``fr``: UTF-8 with BOM, ``;`` between cells, ``1234,50`` (every number, money,
  percent and probability), dates ``29/11/2026``: what Excel set to French opens as columns.
- XLSX: a styled header row with filters, panes frozen below the header and after the lead's
  name, ``#,##0.00 "€"`` on money, ``0.0%`` on the win probability and the discount (the cell
  holds the fraction), widths fitted to the content. Multi-line cells (reasons, talking points,
  any column holding a line break) wrap, and each row is as tall as its longest cell
  (scoring.sheet_fit), since no spreadsheet grows a row by itself. Printed: A4 landscape, one
  page wide, the header row repeated on every page, page numbers in the footer.

No cell can run as a formula (OWASP CSV injection). The sheet arrives neutralised by
scoring.sheet.neutralise (``'`` before ``= + - @``, tab, CR) and CSV keeps that, except for
phone numbers: ``'+33 7 56 04 71 27`` reads badly, so CSV writes ``(+33) 7 56 04 71 27``, which
starts with a parenthesis (no spreadsheet reads a formula from it, and a phone dials it as
``+33756047127``); a phone whose country code cannot be told apart (``+33756047127``) keeps
its ``'``. XLSX writes every text with ``write_string`` (never a formula) and gives a hostile
text the quote-prefix style instead of the ``'``, which is how Excel itself keeps typed
``'=1+1`` as text: the rep reads ``+33 6 12 34 56 78``, and the cell stays text even when edited.

Headers and the sheet's own words follow the locale (scoring.sheet_locale); each locale is its
own file (``lead_sheet.csv``, ``lead_sheet.fr.csv``: see ``localised_name``), so a French export
never overwrites the English sheet. Money cells in XLSX show the row's currency.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import xlsxwriter

from flows.sheets.csv_cells import cell_text, csv_columns
from flows.sheets.csv_table import write_header, write_rows
from flows.sheets.replacement import replace_file
from scoring.arrow_money import decimal_objects
from scoring.rep_view import unquoted
from scoring.sheet import FORMULA_PREFIXES, formula_like, neutralise
from scoring.sheet_fit import (
    line_count,
    multiline_columns,
    row_height,
    row_heights,
    wrapped_width,
)
from scoring.sheet_layout import (
    CHOICES,
    DATE_COLUMNS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    WHOLE_COLUMNS,
)
from scoring.sheet_locale import (
    CURRENCY_SYMBOLS,
    LOCALES,
    OUTCOME_WORDS,
    PRICE_COLUMNS,
    headers,
    localise,
)

FORMATS: tuple[str, ...] = ("csv", "xlsx")
# beside each day's sheet: which talking points reps found useful or wrong (ids and counts only)
PLAYBOOK_STATS = "playbook_stats.csv"
SEPARATOR = {"en": ",", "fr": ";"}
XLSX_DATE_FORMAT = {"en": "yyyy-mm-dd", "fr": "dd/mm/yyyy"}
MONEY_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0%"
HEADERS = headers("en")
MAX_WIDTH, MIN_WIDTH = 45, 6
A4, MARGINS = 9, {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}  # inches


def write_sheet(sheet: pd.DataFrame, path: Path, fmt: str = "csv", locale: str = "en") -> Path:
    """Write `sheet` (internal column names, as scoring.sheet.build_sheet makes it) to `path`.

    Text is neutralised again (idempotent), so no caller can hand a spreadsheet a formula. The
    file appears whole or not at all: it is written next to `path`, then renamed.
    """
    with sheet_writer(path, fmt, locale) as add:
        add(sheet)
    return path


@contextmanager
def sheet_writer(path: Path, fmt: str = "csv", locale: str = "en",
                 delete: Callable[[Path], object] = os.unlink
                 ) -> Iterator[Callable[[pd.DataFrame], None]]:
    """Write a sheet in parts, in rank order: yields `add(part)`, for runs of rows as
    scoring.sheet.sheet_part makes them (the first part gives the header; give an empty one
    for a sheet without rows). The parts make the same file as the whole sheet through
    `write_sheet`.

    CSV appends each part as it comes, so memory follows the part. XLSX fits its columns'
    widths to every row, so it keeps the parts and writes them at the end (a workbook holds at
    most 1,048,576 rows anyway). The file appears whole or not at all; the one it replaces is
    then deleted by `delete` (flows/sheets/replacement.py).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown sheet format {fmt!r}")
    if locale not in LOCALES:
        raise ValueError(f"unknown sheet locale {locale!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if fmt == "csv":
            with open(partial, "wb") as out:
                yield _csv_parts(out, locale)
        else:
            parts: list[pd.DataFrame] = []
            yield parts.append
            _write_xlsx(_disarmed(localise(decimal_objects(pd.concat(parts, ignore_index=True)),
                                           locale)), partial, locale)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    replace_file(partial, path, delete)  # a day run again: without waiting for the disk


def _csv_parts(out: BinaryIO, locale: str) -> Callable[[pd.DataFrame], None]:
    """`add(part)` of a CSV sheet: the header with the first part, then each part's rows."""
    started = False

    def add(part: pd.DataFrame) -> None:
        nonlocal started
        columns = csv_columns(_disarmed(localise(part, locale)), locale)
        if not started:
            write_header(out, list(columns), SEPARATOR[locale])
            started = True
        write_rows(out, columns, SEPARATOR[locale])

    return add


def _disarmed(sheet: pd.DataFrame) -> pd.DataFrame:
    """scoring.sheet.neutralise, vectorised for the all-text columns (most of a sheet)."""
    out = sheet.copy(deep=False)  # copy-on-write: setting a column leaves `sheet` as it was
    for column in out.columns:
        kind = pd.api.types.infer_dtype(out[column], skipna=True)
        if kind == "string":
            values = out[column].astype("str")  # Arrow-backed: read as Arrow
            hostile = formula_like(values)
            # most columns have no hostile cell: prefix only those that do
            out[column] = values.where(~hostile, "'" + values) if hostile.any() else values
        elif kind.startswith("mixed"):
            out[column] = neutralise(out[[column]])[column]
    return out


def localised_name(name: str, locale: str) -> str:
    """The file name of a sheet in `locale`: English keeps `name`, others add the locale.

    >>> localised_name("lead_sheet.csv", "fr"), localised_name("lead_sheet_zoe.xlsx", "en")
    ('lead_sheet.fr.csv', 'lead_sheet_zoe.xlsx')
    """
    if locale == "en":
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{locale}.{ext}" if dot else f"{name}.{locale}"


def unlocalised_name(name: str) -> tuple[str, str | None]:
    """The English file name of a localised one, and its locale (None when it names none).

    >>> unlocalised_name("lead_sheet_zoe.fr.xlsx"), unlocalised_name("lead_sheet.csv")
    (('lead_sheet_zoe.xlsx', 'fr'), ('lead_sheet.csv', None))
    """
    parts = name.split(".")
    if len(parts) >= 3 and parts[-2] in LOCALES:
        return ".".join(parts[:-2] + parts[-1:]), parts[-2]
    return name, None


def _write_xlsx(sheet: pd.DataFrame, path: Path, locale: str) -> None:
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False})
    try:
        page = book.add_worksheet("Fiche des leads" if locale == "fr" else "Lead sheet")
        names = headers(locale)
        columns = list(sheet.columns)
        wrapped = {c: wrapped_width(sheet[c], names.get(c, c)) for c in multiline_columns(sheet)}
        styles = _Styles(book, locale, set(wrapped))
        widths = [wrapped.get(c) or _width(sheet[c], c) for c in columns]
        for j, (column, width) in enumerate(zip(columns, widths, strict=True)):
            page.set_column(j, j, width, styles.column(column))
        page.set_row(0, _header_height([names.get(c, c) for c in columns], widths))
        for j, column in enumerate(columns):
            page.write_string(0, j, names.get(column, column), styles.header)
        heights = row_heights(sheet, wrapped)
        currencies = sheet["currency"] if "currency" in sheet else pd.Series("", sheet.index)
        for i, (row, currency) in enumerate(zip(sheet.itertuples(index=False, name=None),
                                                currencies, strict=True), start=1):
            if heights[i - 1] is not None:  # before the row's cells: constant_memory mode
                page.set_row(i, heights[i - 1])
            for j, (column, value) in enumerate(zip(columns, row, strict=True)):
                _write_cell(page, i, j, column, value, styles, currency)
        frozen = columns.index("lead_name") + 1 if "lead_name" in columns else 0
        page.freeze_panes(1, frozen)
        page.autofilter(0, 0, max(len(sheet), 1), len(columns) - 1)
        _print_layout(page)
        for column, choices in CHOICES.items():  # Outcome, Feedback: drop-down lists
            if column in columns and len(sheet):
                choices = OUTCOME_WORDS[locale] if column == "outcome" else choices
                j = columns.index(column)
                page.data_validation(1, j, len(sheet), j, {
                    "validate": "list", "source": list(choices), "error_type": "warning",
                    "input_title": names.get(column, column),
                    "input_message": ", ".join(choices)})
    finally:
        book.close()


def _print_layout(page) -> None:
    """A4 landscape, every column on one page's width, the header row on every page."""
    page.set_landscape()
    page.set_paper(A4)
    page.fit_to_pages(1, 0)  # one page wide, as many pages tall as the rows need
    page.repeat_rows(0)
    page.set_margins(**MARGINS)
    page.hide_gridlines(0)  # printed too: a row's lines stay with its lead on paper
    page.set_footer("&L&A&RPage &P / &N")


class _Styles:
    """The workbook's cell formats, one per column kind (plus the quote-prefixed text ones)."""

    def __init__(self, book: xlsxwriter.Workbook, locale: str, wrapped: set[str]) -> None:
        top = {"valign": "top"}
        self.wrapped_columns = wrapped
        self._book, self._currencies = book, {}
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

    def money_in(self, currency: object):
        """The money format of `currency` (the reference one, €, when there is none)."""
        if not isinstance(currency, str) or not currency or currency == "EUR":
            return self.money
        if currency not in self._currencies:
            sign = CURRENCY_SYMBOLS.get(currency, currency).replace('"', "")
            self._currencies[currency] = self._book.add_format(
                {"valign": "top", "num_format": f'#,##0.00 "{sign}"'})
        return self._currencies[currency]

    def column(self, column: str):
        if column in MONEY_COLUMNS:
            return self.money
        if column in PERCENT_COLUMNS:
            return self.percent
        if column in WHOLE_COLUMNS:
            return self.whole
        if column in DATE_COLUMNS:
            return self.date
        return self.wrapped if column in self.wrapped_columns else self.text


def _write_cell(page, i: int, j: int, column: str, value: object, styles: _Styles,
                currency: object = None) -> None:
    style = styles.column(column)
    if column in PRICE_COLUMNS:  # expected and deal values stay in the reference currency
        style = styles.money_in(currency)
    if value is None or value is pd.NA or value is pd.NaT or value == "" or (
            isinstance(value, float) and np.isnan(value)):
        page.write_blank(i, j, None, style)
    elif isinstance(value, str):
        text, hostile = _unquoted(value)
        if hostile:
            style = styles.quoted_wrapped if column in styles.wrapped_columns else styles.quoted
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
    text = unquoted(text)
    return text, text.startswith(FORMULA_PREFIXES)


def _header_height(texts: list[str], widths: list[float]) -> float:
    """Points for the header row: its longest wrapped header, in bold (about a tenth wider than
    the cells' text, hence the narrower width counted), and never under 32."""
    lines = max((line_count(t, w * 0.9) for t, w in zip(texts, widths, strict=True)), default=1)
    return max(32.0, row_height(lines) or 0.0)


def _width(values: pd.Series, column: str) -> float:
    """Characters wide: the header's longest word, else the content's 95th percentile line."""
    header = max(len(word) for word in HEADERS.get(column, column).split())
    if column in MONEY_COLUMNS or column in PERCENT_COLUMNS:
        content = 14 if column in MONEY_COLUMNS else 7
    else:
        lengths = values.map(lambda v: len(cell_text(v)), na_action="ignore")
        content = float(lengths.quantile(0.95)) if lengths.notna().any() else 0
    return float(min(max(header, content, MIN_WIDTH) + 2, MAX_WIDTH))
