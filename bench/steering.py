"""Benchmark: what the reps' moves cost the ranking of a large sheet.

Run by hand: `.venv/bin/python bench/steering.py [--leads 1000000] [--moves 3] [--repeat 3]`.

scoring.steering.steer puts moved-up leads first and moved-down leads last, each tier in the
ranked order, and notes each move. Timed against the least any such code does in the same run:
one stable sort of the leads by tier (numpy) and the rows taken in that order. Prints both
times (best of `--repeat`) and their ratio.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from timing import best_of

from scoring.steering import MOVES, steer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--moves", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    ranked = pd.DataFrame({"lead_id": pd.array([f"L{i:07d}" for i in range(args.leads)],
                                               dtype="str"),
                           "rank": np.arange(1, args.leads + 1),
                           "win_probability": rng.random(args.leads)})
    picked = rng.choice(args.leads, args.moves, replace=False)
    moves = pd.DataFrame({"lead_id": ranked["lead_id"].to_numpy()[picked],
                          "kind": rng.choice(list(MOVES), args.moves), "rep": "Zoé Martin",
                          "marked_on": "2026-11-27", "until": "2026-12-04",
                          "reason": "asked for a call"})

    def floor() -> pd.DataFrame:
        tier = np.ones(len(ranked), dtype=np.int64)
        tier[picked] = moves["kind"].map(MOVES).to_numpy()
        return ranked.iloc[np.argsort(tier, kind="stable")].reset_index(drop=True)

    steered = best_of(lambda: steer(ranked, moves), args.repeat)
    plain = best_of(floor, args.repeat)
    print(f"{args.leads} leads, {args.moves} moves: steer {steered:.2f} s, "
          f"floor (a stable sort and a take) {plain:.2f} s, ratio {steered / plain:.1f}x")


if __name__ == "__main__":
    main()
