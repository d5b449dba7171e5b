"""Inserts overlapped with a step's work, and work made one item ahead
(flows/pipeline/overlap.py): in order, one at a time, and no error lost or hidden."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from flows.pipeline.overlap import one_ahead, one_behind


def test_rows_are_kept_one_frame_behind_in_order_and_never_two_at_once():
    started, finished, busy, most = [], [], [0], [0]
    handed_over = threading.Event()
    lock = threading.Lock()

    def add(frame: pd.DataFrame) -> int:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        started.append(int(frame["n"].iloc[0]))
        if frame["n"].iloc[0] == 0:  # the first frame is added while the caller goes on
            assert handed_over.wait(60), "keep() waited for the frame it had just handed over"
        with lock:
            busy[0] -= 1
        finished.append(int(frame["n"].iloc[0]))
        return len(frame)

    with one_behind(add) as keep:
        keep(pd.DataFrame({"n": [0]}))
        handed_over.set()
        for n in range(1, 6):
            keep(pd.DataFrame({"n": [n]}))
            assert finished == list(range(n))  # the one before is in before this one is given
    assert started == finished == list(range(6)) and most[0] == 1


def test_a_failed_insert_is_raised_by_the_next_keep_or_on_leaving():
    def add(frame: pd.DataFrame) -> int:
        raise ValueError(f"insert {frame['n'].iloc[0]} failed")

    with pytest.raises(ValueError, match="insert 0 failed"), one_behind(add) as keep:
        keep(pd.DataFrame({"n": [0]}))
        keep(pd.DataFrame({"n": [1]}))
    with pytest.raises(ValueError, match="insert 7 failed"), one_behind(add) as keep:
        keep(pd.DataFrame({"n": [7]}))


def test_an_error_while_making_the_sheet_waits_for_the_insert_and_is_the_one_raised():
    done = []

    def add(frame: pd.DataFrame) -> int:
        done.append(len(frame))
        raise OSError("disk full")  # hidden: the caller's error is what stopped the run

    with pytest.raises(KeyError, match="no such column"), one_behind(add) as keep:
        keep(pd.DataFrame({"n": [1, 2]}))
        raise KeyError("no such column")
    assert done == [2]


def test_the_next_item_is_made_in_a_second_thread_while_the_caller_holds_this_one():
    taken, made_in = [], []
    next_made = {n: threading.Event() for n in range(6)}

    def items():
        for n in range(5):
            taken.append(n)
            yield n

    def make(n: int) -> str:
        made_in.append(threading.current_thread().name)
        next_made[n].set()
        return f"made {n}"

    given = []
    for n, made in one_ahead(items(), make):
        given.append((n, made))
        if n < 4:  # the caller holds item n: item n + 1 is taken and made meanwhile
            assert next_made[n + 1].wait(60), f"item {n + 1} was not made while {n} was held"
        assert taken == list(range(min(n + 2, 5)))  # never more than one item ahead
    assert given == [(n, f"made {n}") for n in range(5)]
    assert all(name.startswith("ahead") for name in made_in)
    assert list(one_ahead([], make)) == []


def test_an_error_making_an_item_is_raised_at_its_turn_after_the_items_before_it():
    def make(n: int) -> int:
        if n == 2:
            raise ValueError("item 2 cannot be made")
        return n * 10

    given = []
    with pytest.raises(ValueError, match="item 2 cannot be made"):
        for n, made in one_ahead(range(5), make):
            given.append((n, made))
    assert given == [(0, 0), (1, 10)]
