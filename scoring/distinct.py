"""Work once per distinct value: a function of a few columns runs once per distinct combination
of their values, and its results are mapped back to every row that shares it.

Pure: a DataFrame in, arrays out. Two values count as the same only if they have the same type
and are equal (floats by their bits, so 3 and 3.0, 0.0 and -0.0, 1 and True stay apart): a
function cannot tell the rows of one combination apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

VALUE, PRESENCE, DAY = "value", "presence", "day"


class Columns:
    """The columns of a frame as Python values (empty ones as None), factorised on first use.

    Args:
        frame: the rows.
        convert: turns a column into a list of Python values, one per row.
        names: columns a function may read besides the frame's own; they hold None.
    """

    def __init__(self, frame: pd.DataFrame, convert: Callable[[pd.Series], list],
                 names: Iterable[str] = ()) -> None:
        self._frame = frame
        self._convert = convert
        self._absent = {name for name in names if name not in frame.columns}
        self._values: dict[str, np.ndarray] = {}
        self._codes: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._frame)

    def values(self, name: str) -> np.ndarray:
        """The column's Python values (object array; None where empty)."""
        if name not in self._values:
            if name in self._absent:
                values = np.full(len(self), None, dtype=object)
            else:
                values = np.empty(len(self), dtype=object)
                values[:] = self._convert(self._frame[name])
            self._values[name] = values
        return self._values[name]

    def codes(self, name: str, by: str = VALUE) -> np.ndarray:
        """One integer per row, equal for rows whose values are the same: by VALUE (type and
        value), by PRESENCE (None or not), or by DAY (a date-time column's calendar day; any
        other column by value)."""
        if (name, by) not in self._codes:
            if by == PRESENCE:
                codes = (self.values(name) == None).astype(np.int64)  # noqa: E711 (elementwise)
            elif by == DAY and name in self._frame and _is_datetime(self._frame[name]):
                days = self._frame[name].dt.tz_localize(None).dt.floor("D")  # local wall days
                codes = pd.factorize(days, use_na_sentinel=False)[0]
            else:
                codes = _factorise(self.values(name))
            self._codes[name, by] = codes
        return self._codes[name, by]

    def groups(self, names: Sequence[str], rows: np.ndarray,
               by: Mapping[str, str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Group `rows` by their values of `names` (compared as `by` says, else by VALUE).

        Returns:
            The group of each of `rows` (0..k-1), and for each group the first row holding it.
        """
        inverse = np.zeros(len(rows), dtype=np.int64)
        for name in names:
            codes = self.codes(name, (by or {}).get(name, VALUE))[rows]
            inverse = pd.factorize(inverse * (len(self) + 1) + codes)[0]
        if not names and len(rows):
            return inverse, rows[:1]
        first = np.full(inverse.max(initial=-1) + 1, len(rows), dtype=np.int64)
        np.minimum.at(first, inverse, np.arange(len(rows)))
        return inverse, rows[first]

    def context(self, names: Iterable[str], row: int) -> dict[str, object]:
        """The values of `names` in one row, as a template context."""
        return {name: self.values(name)[row] for name in names}


def per_distinct(function: Callable[[dict], object], names: Iterable[str], columns: Columns,
                 rows: np.ndarray, by: Mapping[str, str] | None = None) -> np.ndarray:
    """``function(context)`` for each of `rows`, called once per distinct combination of the
    values of `names` (an object array aligned with `rows`). `by` may say that the function
    only tells some of them apart by PRESENCE, or by DAY: the context then holds the value of
    the first row of the group."""
    names = sorted(names)
    inverse, firsts = columns.groups(names, rows, by)
    results = np.empty(len(firsts), dtype=object)
    results[:] = [function(columns.context(names, row)) for row in firsts]
    return results[inverse]


def _is_datetime(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.DatetimeTZDtype) or np.issubdtype(column.dtype,
                                                                          np.datetime64)


def _factorise(values: np.ndarray) -> np.ndarray:
    types, kinds = pd.factorize(np.fromiter(map(type, values), dtype=object, count=len(values)))
    is_float = np.isin(types, [i for i, kind in enumerate(kinds) if kind is float])
    if is_float.all():  # a float by its bits: 0.0 and -0.0 print differently
        return pd.factorize(np.asarray(values, dtype=np.float64).view(np.int64))[0]
    keys = values.copy()
    if is_float.any():
        keys[is_float] = np.asarray(values[is_float], dtype=np.float64).view(np.int64)
    codes = pd.factorize(keys, use_na_sentinel=False)[0]
    return pd.factorize(codes * len(kinds) + types)[0]
