"""Exact money read from the warehouse without a Python Decimal per cell: DuckDB's DECIMAL kept
as Arrow decimals in pandas (pd.ArrowDtype), which Arrow compares, ranks and prints in C.
scoring.accounts.value_order ranks such a column as it ranks Decimal objects."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

MONEY = pa.decimal128(18, 2)  # the warehouse's money columns (flows/sql/schema.sql)


def exact_decimals(kind: pa.DataType) -> pd.ArrowDtype | None:
    """A `types_mapper` for pyarrow's `to_pandas`: decimals stay Arrow decimals (exact, no
    Decimal object per cell); every other type converts as it would.

    >>> exact_decimals(MONEY), exact_decimals(pa.float64()) is None
    (decimal128(18, 2)[pyarrow], True)
    """
    return pd.ArrowDtype(kind) if pa.types.is_decimal(kind) else None


def decimal_column(texts: pd.Series, kind: pa.DataType = MONEY) -> pd.Series:
    """Money the warehouse gave as text (CAST(... AS VARCHAR) of a DECIMAL: "1879.20"), as
    exact Arrow decimals; None stays missing (NA).

    >>> decimal_column(pd.Series(["1879.20", None], dtype=object)).tolist()
    [Decimal('1879.20'), <NA>]
    """
    values = pa.array(texts.to_numpy(dtype=object, na_value=None), type=pa.string())
    return pd.Series(pd.arrays.ArrowExtensionArray(values.cast(kind)), index=texts.index,
                     name=texts.name)
