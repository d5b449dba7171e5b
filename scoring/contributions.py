"""A model's contributions as the scores table keeps them: each nonzero one rounded to 4 places,
as JSON text per lead ({"events_7d": 0.8123, ...}), worked out over the whole matrix.

Pure: arrays in, text out. Rounding is Python's ``round(v, 4)`` to the bit (numpy's own
rounding differs near ties, so those few values go through ``round``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

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


def as_json(raw: pd.DataFrame, kept_values: pd.DataFrame) -> list[str]:
    """Each lead's nonzero contributions as JSON text, in the columns' order: what
    ``json.dumps({k: round(float(v), 4) for k, v in row.items() if v})`` writes."""
    kept = raw.to_numpy(dtype=np.float64) != 0
    values = kept_values.to_numpy(dtype=np.float64)
    bits = values.view(np.int64)  # 0.0 and -0.0 print differently
    distinct, which = np.unique(bits[kept], return_inverse=True)
    texts = [json.dumps(float(v)) for v in distinct.view(np.float64)]
    keys = np.array([json.dumps(str(name)) + ": " for name in raw.columns], dtype=object)
    pieces = np.full(values.shape, None, dtype=object)
    pieces[kept] = np.broadcast_to(keys, values.shape)[kept] + np.asarray(texts, dtype=object
                                                                          )[which]
    return ["{" + ", ".join(piece for piece in row if piece is not None) + "}"
            for row in pieces.tolist()]
