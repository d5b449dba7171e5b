"""The scoring step's chunks on a Dask cluster, through Prefect's Dask task runner (prefect-dask).

This process still reads each chunk from the warehouse and stores its rows
(flows/models/chunks.py): DuckDB lets one process at a time hold the file, so the workers never
open it. They get each chunk's rows with the scorer, the model and the parsed files, and send
back its scores. Only flows/models/scoring.py imports this module, when the settings name a
scheduler: a run without one never imports Dask.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect_dask import DaskTaskRunner

from flows.models import chunks
from flows.settings import Settings
from scoring.scorer import Scorer

__all__ = ["score_on_cluster"]

# Pure computation: no retries (a lost worker's chunk is rescheduled by Dask itself).
_score_chunk = task(chunks.score_chunk, name="score-chunk", cache_policy=NO_CACHE)


def score_on_cluster(settings: Settings, run_date: date, scorer: Scorer) -> dict[str, Any]:
    """chunks.score_in_chunks with each chunk a Prefect task run on the Dask scheduler
    `settings.dask_address`, in a `score-chunks` flow run of its own. The settings stay out of
    the flow run's parameters, which Prefect stores and shows (a webhook URL is a secret)."""

    def score_chunks(run_date: date, scorer: Scorer) -> dict[str, Any]:
        return chunks.score_in_chunks(settings, run_date, scorer, run=_submitted)

    runner = DaskTaskRunner(address=settings.dask_address)
    return flow(score_chunks, name="score-chunks", task_runner=runner,
                validate_parameters=False)(run_date, scorer)


def _submitted(job: chunks.Job, pieces: Iterable[chunks.Chunk]) -> Iterator[pd.DataFrame]:
    """A chunks.Runner: submit each chunk, keeping one more in flight than the cluster has
    threads (the next chunk waits in the warehouse, not in memory), and give back the results
    in the order of the chunks."""
    client = FlowRunContext.get().task_runner.client
    room = sum(client.nthreads().values()) + 1
    pending: deque = deque()
    for chunk in pieces:
        pending.append(_score_chunk.submit(job, chunk))
        if len(pending) >= room:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
