"""How long the demo generator takes, and whether it grows linearly with the number of leads.

    .venv/bin/python bench/demo_data.py

Prints, best of 3, the seconds of flows.demo.data.generate at the default size (3,000 closed
and 300 open leads) and at three times that (about the most distinct company domains it can
make), beside a floor measured in the same run: numpy drawing the same number of random rows
into a DataFrame of the same width. The tests only check what generation produces; how fast it
is belongs here.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from timing import best_of

from flows.demo.data import generate

ANCHOR = date(2026, 11, 27)


def _floor(rows: int, columns: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.random((rows, columns)))


def main() -> None:
    previous = None
    for scale in (1, 3):
        n_history, n_open = 3000 * scale, 300 * scale
        data = generate(ANCHOR, seed=3, n_history=n_history, n_open=n_open)
        rows = len(data.leads) + len(data.companies) + len(data.activities)
        seconds = best_of(lambda h=n_history, o=n_open: generate(
            ANCHOR, seed=3, n_history=h, n_open=o), repeat=3)
        width = len(data.leads.columns)
        floor = best_of(lambda r=rows, c=width: _floor(r, c), repeat=3)
        growth = f", {seconds / previous:.1f}x the default size's time" if previous else ""
        print(f"generate {n_history + n_open:>6} leads ({rows} rows in all): {seconds:.2f} s, "
              f"floor {floor:.3f} s, ratio {seconds / floor:.0f}x{growth}")
        previous = seconds


if __name__ == "__main__":
    main()
