"""A model's contributions as the scores table keeps them: each nonzero one rounded to 4 places,
as two lists per lead, the features' names and their values (contribution_names and
contribution_values, migration 023), worked out over the whole matrix.

Pure: arrays in, arrays out. Rounding is Python's ``round(v, 4)`` to the bit (numpy's own
rounding differs near ties, so those few values go through ``round``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from scoring.distinct import text_lists

PLACES = 4
_TIE = 1e-6  # how close to a rounding tie numpy's scaled value may be before `round` decides
_LARGE = 1e5  # above this, x * 10**4 is not exact enough to judge the tie


def rounded(raw: pd.DataFrame) -> pd.DataFrame:
    """``round(float(v), 4)`` of every contribution, 0.0 where it is 0 (not kept)."""
    x = raw.to_numpy(dtype=np.float64)
    kept = x != 0  # NaN too: `if v` keeps it
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 10 ** PLACES
        plain = (np.isfinite(scaled) & (np.abs(x) < _LARGE)
                 & (np.abs(scaled - np.floor(scaled) - 0.5) > _TIE))
        out = np.where(plain, np.rint(scaled) / 10 ** PLACES, 0.0)
    for i, j in zip(*np.nonzero(kept & ~plain), strict=True):
        out[i, j] = round(float(x[i, j]), PLACES)
    return pd.DataFrame(np.where(kept, out, 0.0), index=raw.index, columns=raw.columns)


def as_lists(raw: pd.DataFrame, kept_values: pd.DataFrame) -> tuple[pa.Array, pa.Array]:
    """Each lead's nonzero contributions as the scores table keeps them: two Arrow lists a lead,
    the features' names (dictionary-encoded: each name held once, not once per lead) and their
    values from `kept_values` (`rounded`), in the columns' order. A lead without a nonzero
    contribution has two empty lists. Positional (no index).

    They are what the JSON text kept before held (``{k: round(float(v), 4) for k, v in
    row.items() if v}``), its keys and values, as migration 023 made the JSON of earlier days:
    a day's scores are no longer printed as 465 MB of JSON text at a million leads, and the
    next day does not parse them back.

    >>> raw = pd.DataFrame({"a": [0.123456, 0.0], "b": [-1e-5, 0.0]})
    >>> [column.to_pylist() for column in as_lists(raw, rounded(raw))]
    [[['a', 'b'], []], [[0.1235, -0.0], []]]
    """
    kept = np.ascontiguousarray(raw.to_numpy(dtype=np.float64) != 0)  # NaN too: `if v` keeps it
    flat = np.flatnonzero(kept)  # the kept values, row after row, columns in order
    counts = kept.sum(axis=1)
    names = text_lists(counts, flat % max(kept.shape[1], 1), [str(c) for c in raw.columns])
    values = np.ascontiguousarray(kept_values.to_numpy(dtype=np.float64)).ravel()[flat]
    return names, pa.LargeListArray.from_arrays(names.offsets, pa.array(values, pa.float64()))


def lists_of(found: Sequence[Mapping[str, float]]) -> tuple[pa.Array, pa.Array]:
    """`as_lists` of contributions given as one dict per lead (the rules' points), in each
    dict's order.

    >>> [column.to_pylist() for column in lists_of([{"events_7d": 0.3}, {}])]
    [[['events_7d'], []], [[0.3], []]]
    """
    counts = np.fromiter((len(one) for one in found), dtype=np.int64, count=len(found))
    numbers, distinct = pd.factorize(pd.Series([str(name) for one in found for name in one],
                                               dtype=object))
    values = pa.array([float(v) for one in found for v in one.values()], pa.float64())
    listed = text_lists(counts, numbers, [str(name) for name in distinct])
    return listed, pa.LargeListArray.from_arrays(listed.offsets, values)
