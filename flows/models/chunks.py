"""The daily scoring step in chunks of leads, so its memory follows the chunk, not the run.

This process reads one chunk at a time from the warehouse (the leads' features, and the
previous run's scores of those leads only), one chunk ahead of the scoring in a second thread;
a runner scores each chunk with the pure scoring.scorer (here, or on a Dask cluster:
flows/models/cluster.py), and each chunk's rows are stored as they come back, in a third
thread while the next chunk is scored (flows/pipeline/overlap.py; store.staged_run: committed
chunk by chunk into the scores table, dated PENDING, then put in place of the run's earlier
scores in one transaction). score_leads treats each lead on its own (fixed grade bands), so
any chunk size gives the same rows. The chunks' lead_id ranges (store.chunk_starts,
store.chunk_bounds) are those of the price and talking-points steps too
(flows/pipeline/steps.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import scoring.scorer as pure
from features.columns import FEATURE_NAMES
from flows import store
from flows.editable_files import load_yaml
from flows.models import registry
from flows.pipeline.overlap import one_ahead, staged_behind
from flows.pipeline.steps import load_features
from flows.settings import Settings
from scoring.grades import GradeBands
from scoring.rules import RuleBook
from scoring.scorer import RULES, Scorer

if TYPE_CHECKING:
    from scoring.model import Model

__all__ = ["Chunk", "Job", "Runner", "in_process", "read_chunks", "rule_book", "score_chunk",
           "score_in_chunks"]


@dataclass(frozen=True)
class Job:
    """What scoring any chunk of a run needs besides its rows; sent to a worker with each."""

    scorer: Scorer
    bands: GradeBands
    phrases: Mapping
    rules: RuleBook | None = None
    model: Model | None = None
    language: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A run's leads from one lead_id up to the next chunk's first: their feature rows, and the
    previous run's scores of those leads."""

    features: pd.DataFrame
    previous: pd.DataFrame


# what scoring.scorer.score_leads reads of a lead's stored features (the model's, the rules'
# and the reasons' are FEATURE_NAMES; the language comes from the country)
SCORED_COLUMNS = ("lead_id", "country", *FEATURE_NAMES)
# what it reads of the last earlier run's scores, for the movement: not every stored feature
# (at a million leads, 65 of them made into Python objects took most of the step's reading),
# and the contributions as kept (two lists a lead, migration 023), not their JSON text
CONTRIBUTION_LISTS = ("contribution_names", "contribution_values")
PREVIOUS_COLUMNS = ("lead_id", "win_probability", "scored_by", *CONTRIBUTION_LISTS,
                    *FEATURE_NAMES)

# Scores each chunk of an iterable (read lazily: take the next only when there is room) and
# gives back its rows, chunk after chunk in the same order.
Runner = Callable[[Job, Iterable[Chunk]], Iterable[pd.DataFrame]]


def score_chunk(job: Job, chunk: Chunk, predicted: pure.Predicted | None = None
                ) -> pd.DataFrame:
    """The scores table's rows of one chunk (pure.score_leads); `predicted`: the model's
    `pure.predict` of the chunk, when it was made apart."""
    return pure.score_leads(chunk.features, job.scorer, chunk.previous, job.bands, job.phrases,
                            rules=job.rules, model=job.model, language=job.language,
                            predicted=predicted)


def in_process(job: Job, chunks: Iterable[Chunk]) -> Iterator[pd.DataFrame]:
    """The runner without a cluster: each chunk scored here, one after the other. A model's
    predictions (LightGBM: half the step, on every core) are made a chunk ahead in a second
    thread, while this one explains and phrases the chunk before (Python, one core)."""
    if job.model is None:
        return (score_chunk(job, chunk) for chunk in chunks)
    model = job.model
    return (score_chunk(job, chunk, predicted)
            for chunk, predicted in one_ahead(chunks, lambda c: pure.predict(model, c.features)))


def score_in_chunks(settings: Settings, run_date: date, scorer: Scorer,
                    run: Runner = in_process) -> dict[str, Any]:
    """Score the open leads of `run_date` in chunks of `settings.chunk_leads`, each by
    `run`, and store them in place of the run's earlier scores; returns the run summary's
    scoring entry."""
    bands = GradeBands.from_file(load_yaml(settings.path(settings.grades)))
    phrases = load_yaml(settings.path(settings.reasons)).data
    grades: Counter[str] = Counter()
    with store.opened(settings.path(settings.warehouse), settings.duckdb_memory_limit) as con:
        starts = store.chunk_starts(con, run_date, settings.chunk_leads)
        rules, model = None, None  # loaded only when there are leads to score
        if starts and scorer.kind == RULES:
            rules = rule_book(settings)
        elif starts:
            model = registry.load(con, scorer.version)
        job = Job(scorer, bands, phrases, rules, model, settings.language)
        with staged_behind(con, "scores", run_date) as keep:  # stored while the next is scored
            for rows in run(job, read_chunks(con, run_date, starts)):
                keep(rows)
                grades.update(rows["grade"].value_counts().to_dict())
    return pure.summarise_grades(grades, scorer)


def read_chunks(con, run_date: date, starts: list[str]) -> Iterator[Chunk]:
    """Each chunk of `run_date` that `starts` begins, read from the warehouse on a cursor of
    its own, one chunk ahead (overlap.one_ahead): DuckDB reads the next chunk while the caller
    scores this one (its Python left a core half idle on a second day at a million leads)."""
    with con.cursor() as reader, closing(one_ahead(  # closing waits for the read under way
            store.chunk_bounds(starts), lambda bounds: _chunk(reader, run_date, bounds))
            ) as ahead:
        for _, chunk in ahead:
            yield chunk


def _chunk(con, run_date: date, bounds: dict) -> Chunk:
    """The chunk of `run_date` from bounds["first"] up to bounds["after"]."""
    return Chunk(load_features(con, run_date, **bounds, columns=SCORED_COLUMNS),
                 previous_scores(con, run_date, **bounds, columns=PREVIOUS_COLUMNS).to_pandas(
                     types_mapper=_lists_kept))


def previous_scores(con, run_date: date, first: str = "", after: str | None = None,
                    columns: Sequence[str] | None = None) -> pa.Table:
    """The last earlier run's scores of the leads of `run_date` from `first` up to (not
    including) `after`, in lead_id order, with the feature values each had then
    (previous_scores.sql) and the contributions kept (CONTRIBUTION_LISTS); only `columns` when
    given. The contributions are read by the range alone (previous_contributions.sql) and put
    beside the rows by lead_id: carried through the join and its sort, they took 0.22-0.30 s of
    CPU a chunk of 50,000 leads at a million, against 0.13-0.17 s read apart."""
    params = {"run_date": run_date, "first": first, "after": after}
    rows = con.sql(store.sql("previous_scores", __package__), params=params)
    if columns is None:
        at = rows.columns.index("scored_by") + 1
        columns = [*rows.columns[:at], *CONTRIBUTION_LISTS, *rows.columns[at:]]
    read = [c for c in dict.fromkeys(["lead_id", *columns]) if c not in CONTRIBUTION_LISTS]
    table = rows.select(*map(duckdb.ColumnExpression, read)).to_arrow_table()
    lists = [c for c in columns if c in CONTRIBUTION_LISTS]
    if lists:
        kept = con.sql(store.sql("previous_contributions", __package__),
                       params=params).to_arrow_table()
        place = pc.index_in(table["lead_id"], value_set=kept["lead_id"])  # each row's one
        for name in lists:
            table = table.append_column(name, kept[name].take(place))
    return table.select(list(columns))


def _lists_kept(kind: pa.DataType) -> pd.ArrowDtype | None:
    """A list column stays Arrow's (no Python list or array per lead); the rest as pandas'."""
    listed = pa.types.is_list(kind) or pa.types.is_large_list(kind)
    return pd.ArrowDtype(kind) if listed else None


def rule_book(settings: Settings) -> RuleBook:
    """The parsed data/rules.yaml (an error names the file, the line and the field)."""
    return RuleBook.from_file(load_yaml(settings.path(settings.rules)))
