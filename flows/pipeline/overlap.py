"""A step's inserts overlapped with its work: the rows of one chunk go into the warehouse in a
second thread while the step makes the next chunk's (DuckDB lets go of the GIL while it
inserts). The inserting connection must be the thread's own (`con.cursor()`): a DuckDB
connection serves one thread at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import pandas as pd


@contextmanager
def one_behind(add: Callable[[pd.DataFrame], int]) -> Iterator[Callable[[pd.DataFrame], None]]:
    """`add` in a second thread, a frame at a time: `keep(frame)` waits until the frame before
    it is added, hands this one over and returns, so the next part is made while DuckDB
    inserts (it lets go of the GIL meanwhile). Leaving waits for the last frame and raises its
    error; leaving on an error waits too, and raises that error."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="insert") as worker:
        pending: list[Future] = []

        def keep(frame: pd.DataFrame) -> None:
            if pending:
                pending.pop().result()
            pending.append(worker.submit(add, frame))

        try:
            yield keep
        except BaseException:
            for future in pending:  # `add`'s connection is free again before the rollback
                future.exception()
            raise
        for future in pending:
            future.result()
