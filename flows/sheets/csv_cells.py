"""How each value of a lead sheet reads in its CSV: text as it is, money and numbers as plain
digits (a comma before the decimals in French), dates as the locale writes them, phones made
readable. Worked out a column at a time (flows/sheets/files.py writes the columns).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.arrow_money import decimal_texts, is_arrow_decimal
from scoring.sheet_locale import headers

DATE_FORMAT = {"en": "%Y-%m-%d", "fr": "%d/%m/%Y"}
# A phone whose country code is followed by a separator: "+33 7 56 04 71 27", "+1-212-555-0100".
_PHONE = re.compile(r"'?\+(\d{1,3})([ .\-/].*)", re.DOTALL)
# The same match for Arrow (RE2): a whole cell, \p{Nd} being what Python's \d matches in text.
_PHONE_RE2 = r"(?s)^'?\+(\p{Nd}{1,3})([ .\-/].*)$"


def phone_text(value: object) -> object:
    """A phone as CSV writes it: readable, and no spreadsheet runs it as a formula.

    >>> phone_text("'+33 7 56 04 71 27"), phone_text("+1-212-555-0100"), phone_text("06 12")
    ('(+33) 7 56 04 71 27', '(+1)-212-555-0100', '06 12')
    >>> phone_text("'+33756047127")  # where does the country code end? it stays neutralised
    "'+33756047127"
    """
    if isinstance(value, str) and (match := _PHONE.fullmatch(value)):
        return f"(+{match.group(1)}){match.group(2)}"
    return value


def phone_texts(phones: pd.Series) -> pd.Series:
    """`phone_text` of each cell; over a text column (dtype str) in one pass of Arrow's regex
    replace, several times quicker than a Python call per cell.

    >>> phone_texts(pd.Series(["'+33 7 56", "+33756047127", None], dtype="str")).tolist()
    ['(+33) 7 56', '+33756047127', nan]
    """
    if phones.dtype != "str":
        return phones.map(phone_text)
    texts = pc.replace_substring_regex(phones.array.__arrow_array__(), _PHONE_RE2,
                                       r"(+\1)\2")
    return pd.Series(texts, index=phones.index, dtype="str", name=phones.name)


def csv_columns(sheet: pd.DataFrame, locale: str) -> dict[str, pd.Series | list[str]]:
    """Header -> the column's CSV text, for each column of a neutralised, localised sheet."""
    names = headers(locale)
    if "phone" in sheet:
        sheet = sheet.assign(phone=phone_texts(sheet["phone"]))
    return {names.get(c, c): _column_text(sheet[c], locale) for c in sheet.columns}


def _column_text(values: pd.Series, locale: str) -> pd.Series | list[str]:
    """A column as CSV text (`cell_text` of each value): plain text columns as they are, whole
    numbers at once, floats once per distinct value, money and anything else cell by cell."""
    if is_arrow_decimal(values):  # money held by Arrow: its digits, written by Arrow
        texts = decimal_texts(values).fill_null("")
        return _text_column(pc.replace_substring(texts, ".", ",") if locale == "fr" else texts,
                            values)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        return values.astype("str").fillna("")  # Arrow-backed: handed to Arrow as it is
    if kind == "decimal":  # money: format(value, "f") as cell_text does, without its checks
        texts = [_plain(v) if type(v) is Decimal else cell_text(v, locale)
                 for v in values.tolist()]
        return [t.replace(".", ",") for t in texts] if locale == "fr" else texts
    if pd.api.types.is_integer_dtype(values.dtype) and not values.hasnans:
        # Arrow writes a whole number's digits as str() does, not a Python string per cell
        return _text_column(pc.cast(pa.array(values.to_numpy()), pa.large_string()), values)
    if values.dtype == np.float64:  # by bit pattern: -0.0 and 0.0 stay apart
        bits, where = np.unique(values.to_numpy().view(np.int64), return_inverse=True)
        texts = pa.array([_float_text(v, locale) for v in bits.view(np.float64).tolist()],
                         pa.large_string())
        return _text_column(texts.take(pa.array(where.ravel())), values)
    return [cell_text(v, locale) for v in values.tolist()]


def _text_column(texts: pa.Array, like: pd.Series) -> pd.Series:
    """`texts` (Arrow text, one per cell of `like`) as a text column on `like`'s index."""
    return pd.Series(texts, index=like.index, dtype="str")


def _plain(value: Decimal) -> str:
    """format(value, "f"), twice as quick: str() writes the same digits unless it chooses an
    exponent (1E+2, 1.23E-7).

    >>> _plain(Decimal("1879.20")), _plain(Decimal("1E+2")), _plain(Decimal("-0.00"))
    ('1879.20', '100', '-0.00')
    """
    text = str(value)
    return format(value, "f") if "E" in text else text


def _float_text(value: float, locale: str) -> str:
    """cell_text of a float, quicker: repr writes the same shortest digits unless it chooses an
    exponent (1e-05) or the value is not finite (nan, inf).

    >>> _float_text(0.125, "fr"), _float_text(1e-05, "en"), _float_text(float("nan"), "en")
    ('0,125', '0.00001', '')
    """
    text = repr(value)
    if "e" in text or "n" in text:
        return cell_text(value, locale)
    return text.replace(".", ",") if locale == "fr" else text


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
