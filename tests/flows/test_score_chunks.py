"""The scoring step in chunks, in this process: any chunk size stores the same scores, and the
warehouse is read one chunk at a time (one ahead of the scoring), each chunk's rows committed
in turn."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from datetime import timedelta

import pandas as pd
import pytest
from support import ANCHOR, NOW

from flows import store
from flows.models import chunks
from flows.models import scoring as model_scoring
from flows.pipeline import steps

YESTERDAY = ANCHOR - timedelta(days=1)
LEADS = 13  # today's open leads here, the demo's first 13 (a chunk costs 0.1-0.5 s)
ALL = 10**6  # more leads per chunk than there are: one chunk


@pytest.fixture(scope="module")
def scored(demo_env, tmp_path_factory):
    """A copy of the demo warehouse with yesterday's scores (for the movement column) and
    the features of LEADS leads today; the model scorer; today's scores in one chunk and their
    summary."""
    settings = demo_env[0]
    warehouse = tmp_path_factory.mktemp("chunks") / "leadpilot.duckdb"
    shutil.copy(settings.path(settings.warehouse), warehouse)
    local = settings.model_copy(update={"warehouse": warehouse, "chunk_leads": ALL})
    scorer = model_scoring.choose_scorer(local, NOW)
    for day in (YESTERDAY, ANCHOR):
        steps.features(local, day)
    chunks.score_in_chunks(local, YESTERDAY, scorer)
    with store.opened(warehouse) as con:
        con.execute("DELETE FROM lead_features WHERE run_date = $day AND lead_id NOT IN (SELECT "
                    "lead_id FROM lead_features WHERE run_date = $day ORDER BY lead_id LIMIT "
                    "$leads)", {"day": ANCHOR, "leads": LEADS})
    summary = chunks.score_in_chunks(local, ANCHOR, scorer)
    return local, scorer, _scores(local), summary


def _scores(settings) -> pd.DataFrame:
    with store.opened(settings.warehouse) as con:
        return con.execute("SELECT * EXCLUDE (run_date) FROM scores WHERE run_date = ? "
                           "ORDER BY lead_id", [ANCHOR]).df()


def test_one_chunk_scores_every_open_lead_and_says_how_each_moved_since_yesterday(scored):
    settings, scorer, whole, summary = scored
    assert len(whole) == LEADS and whole["lead_id"].is_unique
    assert summary["scored"] == len(whole) and sum(summary["grades"].values()) == len(whole)
    assert whole["movement"].ne("new").sum() > LEADS // 2  # yesterday's scores were read


@pytest.mark.parametrize("size", [1, 4, LEADS - 1, LEADS])
def test_any_chunk_size_stores_the_same_scores_and_summary(scored, size):
    settings, scorer, whole, summary = scored
    chunked = settings.model_copy(update={"chunk_leads": size})
    assert chunks.score_in_chunks(chunked, ANCHOR, scorer) == summary
    pd.testing.assert_frame_equal(_scores(chunked), whole)


def test_a_models_predictions_are_made_a_chunk_ahead_in_a_second_thread(scored, monkeypatch):
    settings, scorer, whole, _ = scored
    predicted_in, predict = [], chunks.pure.predict

    def counted_predict(model, features):
        predicted_in.append((threading.current_thread().name, len(features)))
        return predict(model, features)

    monkeypatch.setattr(chunks.pure, "predict", counted_predict)
    chunks.score_in_chunks(settings.model_copy(update={"chunk_leads": 5}), ANCHOR, scorer)
    assert [n for _, n in predicted_in] == [5, 5, LEADS - 10]  # each chunk predicted once
    assert all(name.startswith("ahead") for name, _ in predicted_in)
    pd.testing.assert_frame_equal(_scores(settings), whole)


def test_the_warehouse_is_read_a_chunk_at_a_time_and_each_chunk_committed_one_behind(
        scored, monkeypatch):
    settings, scorer, whole, _ = scored
    events: list[tuple[str, int]] = []
    read, staged_run = chunks.load_features, store.staged_run

    def counted_read(con, run_date, **bounds):
        frame = read(con, run_date, **bounds)
        events.append(("read", len(frame)))
        readers.add(threading.current_thread().name)
        return frame

    @contextmanager
    def counted_stage(con, table, run_date):
        with staged_run(con, table, run_date) as add:
            def counted_add(frame):
                add(frame)
                # committed: another connection to the file sees it
                [(staged,)] = con.cursor().execute(
                    "SELECT count(*) FROM scores WHERE run_date = ?", [store.PENDING]).fetchall()
                events.append(("write", staged))
            yield counted_add

    previous_per_chunk: list[int] = []
    readers: set[str] = set()

    def runner(job, pieces):
        for chunk in pieces:
            seen = chunk.previous["lead_id"]
            assert seen.isin(chunk.features["lead_id"]).all()  # only this chunk's leads
            previous_per_chunk.append(len(seen))
            yield chunks.score_chunk(job, chunk)

    monkeypatch.setattr(chunks, "load_features", counted_read)
    monkeypatch.setattr(store, "staged_run", counted_stage)
    chunks.score_in_chunks(settings.model_copy(update={"chunk_leads": 3}), ANCHOR,
                           scorer, run=runner)

    # a chunk's rows are stored in a second thread while the next chunk is scored
    # (overlap.one_behind), and the chunk after it is read in a third (overlap.one_ahead), so
    # reads and writes may come in any order; what holds: chunks are read one at a time, each
    # committed in turn, never more than three waiting (one read ahead, one scored, one stored)
    assert [n for kind, n in events if kind == "read"] == [3, 3, 3, 3, 1]
    assert [n for kind, n in events if kind == "write"] == [3, 6, 9, 12, LEADS]
    assert len(readers) == 1 and readers.pop().startswith("ahead")
    waiting = [sum(1 if kind == "read" else -1 for kind, _ in events[:i + 1])
               for i in range(len(events))]
    assert max(waiting) <= 3 and events[-1] == ("write", LEADS)
    pd.testing.assert_frame_equal(_scores(settings), whole)
    with store.opened(settings.warehouse) as con:
        [(yesterday,)] = con.execute(
            "SELECT count(*) FROM scores s JOIN scores t ON t.lead_id = s.lead_id "
            "AND t.run_date = ? WHERE s.run_date = ?", [ANCHOR, YESTERDAY]).fetchall()
    assert sum(previous_per_chunk) == yesterday > 0  # each previous score read once, in its chunk


def test_a_chunk_that_cannot_be_read_stops_the_step_and_leaves_the_day_as_it_was(
        scored, monkeypatch):
    """The next chunk is read ahead, in a second thread: its error is raised when its turn
    comes, the chunks before it scored, and the staged rows go with the step."""
    settings, scorer, whole, _ = scored
    read, calls = chunks.load_features, []

    def failing_read(con, run_date, **bounds):
        calls.append(bounds)
        if len(calls) == 3:
            raise OSError("disk gone")
        return read(con, run_date, **bounds)

    monkeypatch.setattr(chunks, "load_features", failing_read)
    with pytest.raises(OSError, match="disk gone"):
        chunks.score_in_chunks(settings.model_copy(update={"chunk_leads": 3}), ANCHOR, scorer)
    assert len(calls) <= 4  # at most the chunk after it, read ahead
    pd.testing.assert_frame_equal(_scores(settings), whole)
    with store.opened(settings.warehouse) as con:
        assert con.execute("SELECT count(*) FROM scores WHERE run_date = ?",
                           [store.PENDING]).fetchall() == [(0,)]
