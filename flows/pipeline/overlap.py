"""A step's inserts overlapped with its work: the rows of one chunk go into the warehouse in a
second thread while the step makes the next chunk's (DuckDB lets go of the GIL while it
inserts). The inserting connection must be the thread's own (`con.cursor()`): a DuckDB
connection serves one thread at a time. And `one_ahead`: work that lets go of the GIL (LightGBM)
done on the next item while the caller works on this one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

import pandas as pd

from flows import store

Item = TypeVar("Item")
Made = TypeVar("Made")


@contextmanager
def one_behind(add: Callable[[Item], object]) -> Iterator[Callable[[Item], None]]:
    """`add` in a second thread, an item at a time: `keep(item)` waits until the item before
    it is added, hands this one over and returns, so the caller goes on while `add` works
    (DuckDB inserting a frame, the kernel deleting a file: both let go of the GIL). What `add`
    returns is dropped. Leaving waits for the last item and raises its error; leaving on an
    error waits too, and raises that error."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="insert") as worker:
        pending: list[Future] = []

        def keep(item: Item) -> None:
            if pending:
                pending.pop().result()
            pending.append(worker.submit(add, item))

        try:
            yield keep
        except BaseException:
            for future in pending:  # `add`'s connection is free again before the rollback
                future.exception()
            raise
        for future in pending:
            future.result()


@contextmanager
def staged_behind(con, table: str, run_date) -> Iterator[Callable[[pd.DataFrame], None]]:
    """`store.staged_run` of `table` on a cursor of its own (`con` stays free to read the next
    chunk, and keeps its temporary tables), each frame added one behind (`one_behind`)."""
    with con.cursor() as writer, store.staged_run(writer, table, run_date) as add:
        with one_behind(add) as keep:
            yield keep


def one_ahead(items: Iterable[Item], make: Callable[[Item], Made]
              ) -> Iterator[tuple[Item, Made]]:
    """Each item with `make(item)`, in order; `make` runs in a second thread, one item ahead:
    while the caller works on an item, the next is taken (in the caller's thread, as `items`
    gives it) and made. Worth it when `make` lets go of the GIL (LightGBM's predict does) and
    the caller's work does not; at most two items and their results are held at once. An error
    in `make` is raised when its item's turn comes, the item before it given first."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ahead") as worker:
        before: tuple[Item, Future] | None = None
        for item in items:
            now = (item, worker.submit(make, item))
            if before is not None:
                yield before[0], before[1].result()
            before = now
        if before is not None:
            yield before[0], before[1].result()
