"""Grades A-D from the calibrated win probability; the cut-offs live in data/grades.yaml."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.editable import Editable

GRADES: tuple[str, ...] = ("A", "B", "C", "D")


@dataclass(frozen=True)
class GradeBands:
    """Minimum win probability for A, B and C; anything lower is D."""

    a: float
    b: float
    c: float

    @classmethod
    def from_file(cls, editable: Editable) -> GradeBands:
        """Validate `minimum_probability: {A: .., B: .., C: ..}` from an edited YAML file."""
        data = editable.data if isinstance(editable.data, dict) else {}
        bands = data.get("minimum_probability")
        if not isinstance(bands, dict):
            raise editable.error("minimum_probability", "must list A, B and C")
        values = []
        for grade in GRADES[:3]:
            value = bands.get(grade)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
                raise editable.error(f"minimum_probability.{grade}",
                                     f"must be a probability between 0 and 1, got {value!r}")
            values.append(float(value))
        if not values[0] > values[1] > values[2]:
            raise editable.error("minimum_probability", "A must be above B, and B above C")
        return cls(*values)


def grade(probability: pd.Series | np.ndarray, bands: GradeBands) -> pd.Series:
    """Grade each probability.

    >>> grade(np.array([0.6, 0.3, 0.12, 0.01]), GradeBands(0.45, 0.25, 0.10)).tolist()
    ['A', 'B', 'C', 'D']
    """
    p = np.asarray(probability, dtype=float)
    labels = np.select([p >= bands.a, p >= bands.b, p >= bands.c], ["A", "B", "C"], default="D")
    index = probability.index if isinstance(probability, pd.Series) else None
    return pd.Series(labels, index=index, dtype=object)
