"""A step's inserts overlapped with its work: the rows of one chunk go into the warehouse in a
second thread while the step makes the next chunk's (DuckDB lets go of the GIL while it
inserts). The inserting connection must be the thread's own (`con.cursor()`): a DuckDB
connection serves one thread at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import pandas as pd

from flows import store


@contextmanager
def one_behind(add: Callable[..., int]) -> Iterator[Callable[..., None]]:
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


@contextmanager
def staged_behind(con, table: str, run_date, made: Callable[..., pd.DataFrame] | None = None
                  ) -> Iterator[Callable[..., None]]:
    """`store.staged_run` of `table` on a cursor of its own (`con` stays free to read the next
    chunk, and keeps its temporary tables), each frame added one behind (`one_behind`).

    With `made`, `keep(x)` hands over anything `made(writer, x)` turns into the table's rows,
    in the second thread too, on that cursor (`writer`)."""
    with con.cursor() as writer, store.staged_run(writer, table, run_date) as add:
        with one_behind(add if made is None else lambda x: add(made(writer, x))) as keep:
            yield keep
