"""Inserts overlapped with a step's work (flows/pipeline/overlap.py): in order, one at a time,
and no error lost or hidden."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from flows.pipeline.overlap import one_behind


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
