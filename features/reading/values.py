"""A file's format (`CsvFormat`) and its values: numbers and dates read as the file writes them.

Numbers and dates are parsed by DuckDB macros (`sql/values.sql`), the same ones the importer
runs over millions of rows, so a value reads the same everywhere:

    amounts = parse_numbers(frame["Amount"], fmt)
    closed = parse_dates(frame["Close date"], fmt)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from importlib.resources import files

import duckdb
import pandas as pd

_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16",
                   "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "cp1252": "cp1252/latin-1"}
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_DATE_NAMES = {"dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY", "ymd": "YYYY-MM-DD"}
_THOUSANDS_NAMES = {"": "none", " ": "space", ",": "comma", ".": "dot"}


@dataclass(frozen=True)
class CsvFormat:
    """What a CSV file is, as detected on a sample (or as built by hand for a known file).

    Attributes:
        encoding: Python codec name: utf-8, utf-8-sig, utf-16(-le/-be) or cp1252.
        delimiter: `,`, `;`, tab or `|`.
        quotechar: `"` (or `'`); quotes inside a field are doubled.
        decimal: `.` or `,`.
        thousands: "" (none), " " (any space), `,` or `.`.
        date_order: "ymd", "dmy" or "mdy", for dates that are not ISO.
        has_bom: the file starts with a byte-order mark.
        line_ending: CRLF, LF, CR or mixed.
        columns: the header, trimmed, blanks named and repeats numbered.
        kind: "csv", or "xlsx" for an Excel workbook (read from its first sheet).
        header_line: the 1-based line of the header (blank lines before it are skipped).
    """

    encoding: str = "utf-8"
    delimiter: str = ","
    quotechar: str = '"'
    decimal: str = "."
    thousands: str = ""
    date_order: str = "ymd"
    has_bom: bool = False
    line_ending: str = "LF"
    columns: tuple[str, ...] = field(default=())
    kind: str = "csv"
    header_line: int = 1

    def describe(self) -> str:
        """One line for a person, e.g. `UTF-8 with BOM, semicolon-separated, decimal comma…`."""
        if self.kind == "xlsx":
            return f"Excel workbook (first sheet), {len(self.columns)} columns"
        decimal = "decimal comma" if self.decimal == "," else "decimal point"
        return (f"{_ENCODING_NAMES.get(self.encoding, self.encoding)}, "
                f"{_DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated, "
                f"quote {self.quotechar}, {decimal}, thousands separator "
                f"{_THOUSANDS_NAMES.get(self.thousands, repr(self.thousands))}, "
                f"dates {_DATE_NAMES[self.date_order]}, {self.line_ending} line endings, "
                f"{len(self.columns)} columns")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the value macros of `sql/values.sql` on `con` (TEMP)."""
    con.execute(files(__package__).joinpath("sql", "values.sql").read_text(encoding="utf-8"))


_LOCAL = threading.local()  # one in-memory DuckDB with the macros per thread, kept


def _connection() -> duckdb.DuckDBPyConnection:
    """The thread's in-memory DuckDB with the value macros. Opening one and installing the
    macros costs more than parsing a few thousand values, and a history file parses each of its
    columns two or three times (numbers, dates, both date paths), so it is opened once."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = duckdb.connect()
        install_macros(con)
        _LOCAL.con = con
    return con


def _apply(series: pd.Series, inner: str, outer: str, params: dict) -> pd.Series:
    con = _connection()
    frame = pd.DataFrame({"v": series.astype(object).where(series.notna(), None)})
    frame["v"] = frame["v"].astype("str")
    con.register("_values", frame)
    try:
        rows = con.execute(f"SELECT {outer} FROM (SELECT {inner} AS g FROM _values)",  # noqa: S608
                           params).fetchall()
    finally:
        con.unregister("_values")
    return pd.Series([row[0] for row in rows], index=series.index, name=series.name,
                     dtype=object)


def parse_numbers(series: pd.Series, fmt: CsvFormat) -> pd.Series:
    """Text to float64 with the file's decimal and thousands separators; NaN when unreadable.

    Examples:
        >>> parse_numbers(pd.Series(["1 234,50", "1,234.50", "x"]), CsvFormat(decimal=",")).tolist()
        [1234.5, 1234.5, nan]
    """
    values = _apply(series, "lp_clean_number(v)", "lp_number_of(g, $dec)", {"dec": fmt.decimal})
    return values.astype("float64")


def parse_decimals(series: pd.Series, fmt: CsvFormat) -> pd.Series:
    """Text to `decimal.Decimal` (6 places, unrounded) for money; None when unreadable."""
    return _apply(series, "lp_clean_number(v)", "lp_decimal_of(g, $dec)", {"dec": fmt.decimal})


# Two-digit years first: %Y would read "26" as the year 26.
_DAY_FIRST = ("%d/%m/%y", "%d/%m/%y %H:%M", "%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
              "%d.%m.%y", "%d.%m.%Y", "%d-%m-%y", "%d-%m-%Y")
_MONTH_FIRST = ("%m/%d/%y %I:%M %p", "%m/%d/%y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
                "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")
_ISO = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
# English month names (DuckDB's %b and %B know no other language), whatever the file's order;
# two-digit years first again. French names, "Sept" and times after a name go to the macros.
_MONTH_NAMES = ("%d-%b-%y", "%d %b %y", "%b %d, %y", "%d %b %Y", "%d-%b-%Y", "%b %d, %Y",
                "%d %B %Y", "%B %d, %Y")


def date_formats(fmt: CsvFormat) -> list[str]:
    """strptime formats worth trying first for the file's dates (a fast path of lp_timestamp)."""
    return [*_ISO, *(_MONTH_FIRST if fmt.date_order == "mdy" else _DAY_FIRST), *_MONTH_NAMES]


def parse_dates(series: pd.Series, fmt: CsvFormat) -> pd.Series:
    """Text to naive UTC `datetime64`: ISO, or day/month order per `fmt.date_order`, or a
    French or English month name in any order; NaT if not.

    Examples:
        >>> parse_dates(pd.Series(["02/24/26 02:18 AM"]), CsvFormat(date_order="mdy"))[0]
        Timestamp('2026-02-24 02:18:00')
        >>> parse_dates(pd.Series(["24 févr. 2026"]), CsvFormat(date_order="mdy"))[0]
        Timestamp('2026-02-24 00:00:00')
    """
    values = _apply(series, "lp_date_parts(v)", "lp_timestamp_of(g, $ord)",
                    {"ord": fmt.date_order})
    fast = _apply(series, "v", "try_strptime(g, $formats)", {"formats": date_formats(fmt)})
    values = fast.where(fast.notna(), values)
    return pd.to_datetime(values).astype("datetime64[us]")


def with_columns(fmt: CsvFormat, columns: list[str]) -> CsvFormat:
    """A copy of `fmt` with another header (e.g. after renaming)."""
    return replace(fmt, columns=tuple(columns))
