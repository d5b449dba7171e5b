"""How much reading CRM country names as codes adds to owner assignment, on 1M leads.

    .venv/bin/python bench/countries.py [rows]

Prints seconds (best of 5) for features.countries.normalise_countries over a str column of
country names, codes and unknown values (300 distinct), for the strip + upper the territory
match did before (floor, measured in the same run), and for scoring.assignment.assign on the
same leads against the committed data/reps.yaml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from timing import best_of

from features.countries import normalise_countries
from flows.editable_files import load_yaml
from scoring.assignment import Territories, assign

REPS = Path(__file__).resolve().parents[1] / "data" / "reps.yaml"
VALUES = ["France", "FR", "fr ", "Allemagne", "Germany", "Deutschland", "United States", "USA",
          "U.K.", "Royaume-Uni", "Belgique", "Schweiz", "España", "Ireland", None] + [
    f"Unknown place {i}" for i in range(286)]


def main(rows: int) -> None:
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(VALUES), rows)
    country = pd.Series(np.array(VALUES, dtype=object)[picks], dtype="str")
    leads = pd.DataFrame({"lead_id": np.arange(rows).astype(str), "owner": None,
                          "country": country, "industry": "retail"})
    territories = Territories.from_file(load_yaml(REPS))
    normalise_countries(country.head(10))  # the name table is built once per process
    floor = best_of(lambda: country.astype("string").str.strip().str.upper())
    timings = {
        "strip + upper (floor)": floor,
        "normalise_countries": best_of(lambda: normalise_countries(country)),
        "assign (whole)": best_of(lambda: assign(leads, territories)),
    }
    for name, seconds in timings.items():
        print(f"{name:24s} {seconds:6.3f} s  {seconds / floor:5.1f}x floor  ({rows:,} leads, "
              f"{country.nunique()} distinct countries)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
