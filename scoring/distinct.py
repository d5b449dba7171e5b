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
import pyarrow as pa

VALUE, PRESENCE, DAY = "value", "presence", "day"


class Columns:
    """The columns of a frame as Python values, factorised on first use.

    Text is converted once per distinct text and date-times only for the rows a function reads,
    so the cost per row is numpy's, not Python's.

    Args:
        frame: the rows.
        convert: turns a column into a list of Python values, value by value (e.g. empty ones
            to None, text stripped).
        names: columns a function may read besides the frame's own; they hold None.
    """

    def __init__(self, frame: pd.DataFrame, convert: Callable[[pd.Series], list],
                 names: Iterable[str] = ()) -> None:
        self._frame = frame
        self._convert = convert
        self._absent = {name for name in names if name not in frame.columns}
        self._values: dict[str, np.ndarray] = {}
        self._codes: dict[tuple[str, str], np.ndarray] = {}

    @classmethod
    def of_groups(cls, groups: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> Columns:
        """Columns of `per_group`'s results (name -> the result of each group, each row's
        group): a row's value is its group's result, and its code by value is that result's,
        so no row's value is hashed again (at a million priced leads, the price book's keys
        made 3,000,000 Python values and factorised them, for 493 distinct seats, 4 grades and a
        few currencies).

        >>> groups = {"n": (np.array([3, 3.0, 3], dtype=object), np.array([0, 1, 2, 0]))}
        >>> columns = Columns.of_groups(groups)
        >>> columns.values("n").tolist(), columns.codes("n").tolist()
        ([3, 3.0, 3, 3], [0, 1, 0, 0])
        """
        values = {name: results[inverse] for name, (results, inverse) in groups.items()}
        columns = cls(pd.DataFrame(values, dtype=object), list)
        for name, (results, inverse) in groups.items():
            columns._values[name] = values[name]
            columns._codes[name, VALUE] = _factorise(results)[inverse]
        return columns

    def __len__(self) -> int:
        return len(self._frame)

    def values(self, name: str) -> np.ndarray:
        """The column's Python values (an object array)."""
        if name not in self._values:
            column = None if name in self._absent else self._frame[name]
            values = np.full(len(self), None, dtype=object)
            if column is not None and isinstance(column.dtype, pd.StringDtype):
                raw, distinct = pd.factorize(column)  # empty as -1: the None appended last
                values = self._once(name, raw, [*self._convert(pd.Series(distinct)), None])
            elif column is not None and _numbers(column.dtype):
                # numbers too (floats told apart by their bits, as _factorise tells them)
                numbers = column.to_numpy()
                floats = numbers.dtype == np.float64
                raw, distinct = pd.factorize(numbers.view(np.int64) if floats else numbers)
                values = self._once(name, raw, self._convert(pd.Series(
                    distinct.view(np.float64) if floats else distinct, dtype=column.dtype)))
            elif column is not None:
                values = _objects(self._convert(column))
            self._values[name] = values
        return self._values[name]

    def _once(self, name: str, raw: np.ndarray, converted: list) -> np.ndarray:
        """Each row's value of `name`, from its distinct values converted once (`converted`,
        numbered as `raw` numbers the rows), and the column's codes by value from them too:
        no Python object made per row, no row's value hashed again."""
        once = _objects(converted)
        self._codes[name, VALUE] = _factorise(once)[raw]
        return once[raw]

    def take(self, name: str, rows: np.ndarray) -> np.ndarray:
        """The Python values of some rows (a date-time column is only converted there)."""
        if name in self._values or not self._is_datetime(name):
            return self.values(name)[rows]
        return _objects(self._convert(self._frame[name].iloc[rows]))

    def codes(self, name: str, by: str = VALUE) -> np.ndarray:
        """One integer per row, equal for rows whose values are the same: by VALUE (type and
        value), by PRESENCE (None or not), or by DAY (a date-time column's calendar day; any
        other column by value)."""
        if (name, by) not in self._codes:
            column = self._frame[name] if self._is_datetime(name) else None
            if column is not None and by == PRESENCE:  # a date-time is only empty when NaT
                codes = column.isna().to_numpy().astype(np.int64)
            elif by == PRESENCE:
                codes = (self.values(name) == None).astype(np.int64)  # noqa: E711 (elementwise)
            elif column is not None and by == DAY:
                days = column.dt.tz_localize(None).dt.floor("D")  # the wall clock's day
                codes = pd.factorize(days, use_na_sentinel=False)[0]
            elif column is not None:  # one time zone per column: equal instants print the same
                codes = pd.factorize(column.to_numpy().view(np.int64))[0]
            else:
                values = self.values(name)  # may have made the codes by value already
                codes = self._codes.get((name, VALUE))
                codes = _factorise(values) if codes is None else codes
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

    def _is_datetime(self, name: str) -> bool:
        if name in self._absent:
            return False
        return pd.api.types.is_datetime64_any_dtype(self._frame[name].dtype)


def per_distinct(function: Callable[[dict], object], names: Iterable[str], columns: Columns,
                 rows: np.ndarray, by: Mapping[str, str] | None = None) -> np.ndarray:
    """``function(context)`` for each of `rows`, called once per distinct combination of the
    values of `names` (an object array aligned with `rows`). `by` may say that the function
    only tells some of them apart by PRESENCE, or by DAY: the context then holds the value of
    the first row of the group."""
    results, inverse = per_group(function, names, columns, rows, by)
    return results[inverse]


def per_group(function: Callable[[dict], object], names: Iterable[str], columns: Columns,
              rows: np.ndarray, by: Mapping[str, str] | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """`per_distinct` before mapping back: the result of each group, and each row's group."""
    names = sorted(names)
    inverse, firsts = columns.groups(names, rows, by)
    picked = [columns.take(name, firsts) for name in names]
    contexts = ([dict(zip(names, values, strict=True)) for values in zip(*picked, strict=True)]
                if names else [{} for _ in firsts])
    return _objects([function(context) for context in contexts]), inverse


def _numbers(dtype) -> bool:
    """A numpy column of whole numbers, booleans or float64 (no missing value but NaN)."""
    return isinstance(dtype, np.dtype) and (dtype.kind in "biu" or dtype == np.float64)


def _objects(values: list) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _factorise(values: np.ndarray) -> np.ndarray:
    types, kinds = pd.factorize(np.fromiter(map(type, values), dtype=object, count=len(values)))
    if len(kinds) == 1 and kinds[0] is type(None):  # a column no row fills: one group
        return np.zeros(len(values), dtype=np.int64)
    is_float = np.isin(types, [i for i, kind in enumerate(kinds) if kind is float])
    if is_float.all():  # a float by its bits: 0.0 and -0.0 print differently
        return pd.factorize(np.asarray(values, dtype=np.float64).view(np.int64))[0]
    keys = values.copy()
    if is_float.any():
        keys[is_float] = np.asarray(values[is_float], dtype=np.float64).view(np.int64)
    codes = pd.factorize(keys, use_na_sentinel=False)[0]
    return pd.factorize(codes * len(kinds) + types)[0]


def text_lists(counts: np.ndarray, numbers: np.ndarray, texts: list[str]) -> pa.LargeListArray:
    """Each row's list of `texts[number]`: row i holds the next `counts[i]` of `numbers` (row
    after row). The values are dictionary-encoded: the numbers point into the distinct texts,
    so no text is copied per row (at a million leads' talking points, under py-spy, 0.12 s
    instead of 2.24 s); they read as the texts, and DuckDB stores them as VARCHAR.

    >>> text_lists(np.array([2, 0, 1]), np.array([1, 0, 1]), ["a", "b"]).to_pylist()
    [['b', 'a'], [], ['b']]
    """
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return pa.LargeListArray.from_arrays(
        pa.array(offsets), pa.DictionaryArray.from_arrays(
            pa.array(np.asarray(numbers, dtype=np.int64)), pa.array(texts, pa.large_string())))
