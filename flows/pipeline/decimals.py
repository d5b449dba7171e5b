"""Exact money read from the warehouse without a Python Decimal per cell: DuckDB's DECIMAL kept
as Arrow decimals in pandas (pd.ArrowDtype), which Arrow compares, ranks and prints in C.
scoring.accounts.value_order ranks such a column as it ranks Decimal objects, and
scoring.arrow_money writes it and gives its Decimal objects back."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def exact_decimals(kind: pa.DataType) -> pd.ArrowDtype | None:
    """A `types_mapper` for pyarrow's `to_pandas`: decimals stay Arrow decimals (exact, no
    Decimal object per cell); every other type converts as it would.

    >>> exact_decimals(pa.decimal128(18, 2)), exact_decimals(pa.float64()) is None
    (decimal128(18, 2)[pyarrow], True)
    """
    return pd.ArrowDtype(kind) if pa.types.is_decimal(kind) else None
