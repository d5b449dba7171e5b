"""A model's contributions as the scores table keeps them: each nonzero one rounded to 4 places,
as JSON text per lead ({"events_7d": 0.8123, ...}), worked out over the whole matrix.

Pure: arrays in, text out. Rounding is Python's ``round(v, 4)`` to the bit (numpy's own
rounding differs near ties, so those few values go through ``round``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PLACES = 4
_TIE = 1e-6  # how close to a rounding tie numpy's scaled value may be before `round` decides
_LARGE = 1e5  # above this, x * 10**4 is not exact enough to judge the tie
_TEXT = pa.large_string()
# where Arrow's shortest text of a float reads as Python's repr (json.dumps), but for a whole
# number's ".0": magnitudes in [_LOWEST, _HIGHEST), and zero (outside, Python writes exponents
# Arrow does not, and the other way round)
_LOWEST, _HIGHEST = 1e-4, 1e9


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


def as_json(raw: pd.DataFrame, kept_values: pd.DataFrame) -> pd.api.extensions.ExtensionArray:
    """Each lead's nonzero contributions as JSON text, in the columns' order: what
    ``json.dumps({k: round(float(v), 4) for k, v in row.items() if v})`` writes.

    Built over the kept values only, in Arrow: each distinct value is printed once by
    ``json.dumps``, each kept value becomes its ``"name": value`` pair, and each lead's pairs
    (row after row, as numpy's mask reads them) are joined by ", " between braces: a few passes
    over the kept values, not three over the whole matrix per column. Positional (a text
    array, no index).
    """
    kept = raw.to_numpy(dtype=np.float64) != 0
    values = kept_values.to_numpy(dtype=np.float64)[kept]  # row after row, columns in order
    which, distinct = pd.factorize(values.view(np.int64))  # by bits: -0.0 prints apart
    texts = json_numbers(distinct.view(np.float64))
    names = pa.array([json.dumps(str(name)) + ": " for name in raw.columns], _TEXT)
    pairs = pc.binary_join_element_wise(names.take(np.nonzero(kept)[1]), texts.take(which),
                                        pa.scalar("", _TEXT))
    ends = np.concatenate([[0], np.cumsum(kept.sum(axis=1))]).astype(np.int64)
    lines = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(ends), pairs),
                           pa.scalar(", ", _TEXT))
    return pd.array(pc.binary_join_element_wise(pa.scalar("{", _TEXT), lines,
                                                pa.scalar("}", _TEXT), pa.scalar("", _TEXT)),
                    dtype="str")


def json_numbers(values: np.ndarray) -> pa.Array:
    """``json.dumps`` of each float (large_string): Arrow's shortest round-trip digits, which
    are Python's, with ".0" after a whole number; Python's own text outside the magnitudes
    where the two write numbers alike (and for NaN and infinities).

    >>> json_numbers(np.array([0.1234, -0.0, 12.0, 1e-05, np.nan, 0.30000000000000004])).to_pylist()
    ['0.1234', '-0.0', '12.0', '1e-05', 'NaN', '0.30000000000000004']
    """
    values = np.asarray(values, dtype=np.float64)
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        alike = ((size >= _LOWEST) & (size < _HIGHEST)) | (size == 0)
        whole = alike & (values == np.floor(values))
    texts = pc.cast(pa.array(values), _TEXT)
    texts = pc.if_else(pa.array(whole), pc.binary_join_element_wise(
        texts, pa.scalar(".0", _TEXT), pa.scalar("", _TEXT)), texts)
    if alike.all():
        return texts
    others = pa.array([json.dumps(float(v)) for v in values[~alike]], _TEXT)
    return pc.replace_with_mask(texts, pa.array(~alike), others)
