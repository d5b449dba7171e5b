"""What kind of value each sheet column holds, how a stored sheet row comes back typed, and how
a sheet splits into one sheet per owner. The columns themselves are scoring.sheet.SHEET_COLUMNS."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
import pyarrow as pa

from scoring.arrow_money import decimal_texts, is_arrow_decimal
from scoring.sheet import SHEET_COLUMNS

# Amounts as Decimal: expected value in the price book's reference currency (EUR), the others
# in the row's currency.
MONEY_COLUMNS: tuple[str, ...] = ("expected_value", "list_price", "floor_price", "acv",
                                  "deal_value")
# Percentages in points (23.4 means 23.4 %); XLSX stores the fraction and shows it as a percent.
PERCENT_COLUMNS: tuple[str, ...] = ("win_probability", "discount", "approval")
WHOLE_COLUMNS: tuple[str, ...] = ("rank", "account_rank", "seats")
DATE_COLUMNS: tuple[str, ...] = ("close_date",)
# Several lines per cell.
WRAPPED_COLUMNS: tuple[str, ...] = ("reasons", "talking_points", "enriched_facts", "multi_year",
                                    "account_contacts")
UNASSIGNED = "unassigned"  # the slug of the leads without an owner
# What a rep writes in the Outcome column (offered as a drop-down list in XLSX).
OUTCOME_CHOICES: tuple[str, ...] = ("won", "lost", "no answer", "bad fit")
# What a rep writes in the Feedback column (a drop-down list in XLSX too); a move needs a reason.
FEEDBACK_CHOICES: tuple[str, ...] = ("not a fit", "wrong contact", "move up", "move down")
# The drop-down lists of the XLSX sheet, by column.
CHOICES: dict[str, tuple[str, ...]] = {"outcome": OUTCOME_CHOICES,
                                        "feedback": FEEDBACK_CHOICES}


def sheet_from_rows(rows: Iterable[str]) -> pd.DataFrame:
    """Rebuild a sheet from JSON rows, as the warehouse kept them before the sheets were kept
    as Parquet files (table sheet_rows), typed again (`typed_sheet`).

    >>> sheet = sheet_from_rows(['{"rank": 1, "acv": "1879.20", "win_probability": 23.4}'])
    >>> sheet.loc[0, "acv"], sheet.loc[0, "owner"]
    (Decimal('1879.20'), '')
    """
    records = [json.loads(row) for row in rows]
    return typed_sheet(pd.DataFrame.from_records(records,
                                                 columns=[name for name, _ in SHEET_COLUMNS]))


def typed_sheet(stored: pd.DataFrame) -> pd.DataFrame:
    """A kept sheet (`kept_table`'s columns, or JSON rows' fields) typed again, in the sheet's
    columns: those the sheet gained since it was kept come back empty; money and the discount
    come back as Decimal, exactly as they were printed, text as str ("" for none)."""
    sheet = stored.reindex(columns=[name for name, _ in SHEET_COLUMNS])
    for column in sheet.columns:
        if column in MONEY_COLUMNS or column in ("discount", "approval"):
            sheet[column] = sheet[column].astype(object).map(_decimal)
        elif column == "win_probability":
            sheet[column] = pd.to_numeric(sheet[column], errors="coerce").astype(float)
        elif column in WHOLE_COLUMNS:
            sheet[column] = pd.to_numeric(sheet[column], errors="coerce").astype("Int64")
        else:
            sheet[column] = sheet[column].astype(object).where(sheet[column].notna(), "")
    return sheet.reset_index(drop=True)


# How a sheet is kept (kept_table): whole numbers and the probability as numbers, every other
# column as text, money as the digits the sheet printed (exact: "-0.00" stays "-0.00")
KEPT_SCHEMA = pa.schema([
    (name, pa.int64() if name in WHOLE_COLUMNS else
     pa.float64() if name == "win_probability" else pa.string())
    for name, _ in SHEET_COLUMNS])


def kept_table(sheet: pd.DataFrame) -> pa.Table:
    """The rows of `sheet` (its SHEET_COLUMNS) as kept (KEPT_SCHEMA), for `typed_sheet` to type
    again: each column of Python objects (Decimal money) as their text, money held by Arrow as
    the digits str() of its Decimal writes, missing values (None, NA, NaN) as null. A column
    the sheet lacks is kept null.

    >>> table = kept_table(pd.DataFrame({"rank": [1, 2], "acv": [Decimal("9.50"), None]}))
    >>> table.column("acv").to_pylist(), table.column("owner").null_count
    (['9.50', None], 2)
    """
    text = _texts(sheet.reindex(columns=[n for n in KEPT_SCHEMA.names if n in sheet.columns]))
    return conformed(pa.Table.from_pandas(text, preserve_index=False))


def conformed(table: pa.Table) -> pa.Table:
    """`table` in KEPT_SCHEMA: each column cast to its kept type, a column it lacks (a sheet
    kept before the sheet gained it) null."""
    if table.schema.equals(KEPT_SCHEMA):
        return table
    return pa.Table.from_arrays(
        [table.column(f.name).cast(f.type) if f.name in table.column_names
         else pa.nulls(len(table), f.type) for f in KEPT_SCHEMA], schema=KEPT_SCHEMA)


def _texts(sheet: pd.DataFrame) -> pd.DataFrame:
    """`sheet` with each column of Python objects (Decimal money) as their text, missing
    values (None, NA, NaN) as None; money held by Arrow (pd.ArrowDtype decimals) as its text in
    Arrow: the digits str() of its Decimal writes."""
    text = {name: pd.Series([None if value is None or value is pd.NA or value != value
                             else str(value) for value in column], index=column.index,
                            dtype=object)
            for name, column in sheet.items() if column.dtype == object}
    text.update({name: pd.Series(pd.arrays.ArrowExtensionArray(decimal_texts(column)),
                                 index=column.index)
                 for name, column in sheet.items() if is_arrow_decimal(column)})
    return sheet.assign(**text) if text else sheet


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return Decimal(str(value))


def slug(owner: object) -> str:
    """A file-name-safe form of an owner's name.

    >>> slug("Léa Rousseau"), slug("  O'Brien & Co "), slug(None)
    ('lea-rousseau', 'o-brien-co', 'unassigned')
    """
    if not isinstance(owner, str) or not owner.strip():
        return UNASSIGNED
    ascii_text = unicodedata.normalize("NFKD", owner).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "owner"


def owner_values(sheet: pd.DataFrame) -> pd.Series:
    """Each row's owner as `split_by_owner` groups them ("" for none)."""
    owners = sheet["owner"] if "owner" in sheet else pd.Series("", index=sheet.index)
    return owners.astype(object).where(owners.notna(), "")


def split_by_owner(sheet: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One sheet per owner, keyed by the owner's slug, each in the sheet's order.

    Leads without an owner form the sheet `unassigned`. Two owners whose names give the same
    slug (Zoé and Zoe) get `zoe` and `zoe-2`, in the order they first appear.
    """
    parts: dict[str, pd.DataFrame] = {}
    for owner, part in sheet.groupby(owner_values(sheet), sort=False):
        key, n = slug(owner), 1
        while key in parts:
            n += 1
            key = f"{slug(owner)}-{n}"
        parts[key] = part
    return parts
