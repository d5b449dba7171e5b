"""Exact money held by Arrow: DuckDB's DECIMAL columns kept as Arrow decimals in pandas
(pd.ArrowDtype), which Arrow ranks, prints and stores in C, instead of a Python Decimal per
cell; and the Decimal objects again where a reader takes a few rows as Python values."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def is_arrow_decimal(values: pd.Series) -> bool:
    """Whether `values` are exact decimals held by Arrow.

    >>> from decimal import Decimal
    >>> is_arrow_decimal(pd.Series([Decimal("9.50")], dtype=pd.ArrowDtype(pa.decimal128(18, 2)))
    ...                  ), is_arrow_decimal(pd.Series([Decimal("9.50")], dtype=object))
    (True, False)
    """
    kind = values.dtype
    return isinstance(kind, pd.ArrowDtype) and pa.types.is_decimal(kind.pyarrow_dtype)


def decimal_texts(money: pd.Series) -> pa.Array:
    """Money held by Arrow as text, null where missing: the digits str() writes of the same
    Decimal for a scale of at most six places, where str() never chooses an exponent (the
    warehouse's amounts have two, its rates four).

    >>> from decimal import Decimal
    >>> decimal_texts(pd.Series([Decimal("9.50"), None, Decimal("-12")],
    ...                         dtype=pd.ArrowDtype(pa.decimal128(18, 2)))).to_pylist()
    ['9.50', None, '-12.00']
    """
    return pc.cast(pa.array(money.array), pa.string())


def decimal_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its money held by Arrow as Decimal objects again (None where missing), as
    the sheet's readers of a few rows (rep pages, XLSX, the run's artifact) take it.

    >>> from decimal import Decimal
    >>> money = pd.Series([Decimal("9.50"), None], dtype=pd.ArrowDtype(pa.decimal128(18, 2)))
    >>> back = decimal_objects(pd.DataFrame({"acv": money}))["acv"]
    >>> back.tolist(), back.dtype
    ([Decimal('9.50'), None], dtype('O'))
    """
    return frame.assign(**{
        name: pd.Series(column.to_numpy(dtype=object, na_value=None), index=column.index,
                        dtype=object)
        for name, column in frame.items() if is_arrow_decimal(column)})
