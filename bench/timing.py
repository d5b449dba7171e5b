"""What the benchmarks share: the best wall time of a few runs (the least disturbed one)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(run: Callable[[], object], repeat: int = 5) -> float:
    """Seconds of the fastest of `repeat` calls of `run`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best
