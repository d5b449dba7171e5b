"""The rows of every sheet handed to reps, as they were printed: one Parquet file a day in a
folder beside the warehouse (`<warehouse>.sheets/<run date>.parquet`), what `leadpilot export`
rebuilds a past sheet from and what `leadpilot forget` erases a person from.

Why files, not a warehouse table: the publish step keeps a million rows of about 1.5 KB of text
each day. Arrow writes them as Parquet (ZSTD) in 0.54 s per 200,000 rows, letting go of the GIL;
DuckDB took 2.05 s to insert the same rows into a table as JSON, and its commits more, in a
thread the step shares with the sheet's own work (bench/sheet_rows_storage.py). The sheets kept
before are still read from the table sheet_rows, until their day is published again.

A day is written to `<run date>.parquet.partial`, and put in place when whole: a run that fails
leaves the day's sheet as it was. Rewritten without a person, likewise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows import store
from scoring.sheet_layout import KEPT_SCHEMA, conformed, kept_table, sheet_from_rows, typed_sheet

SUFFIX = ".parquet"
COMPRESSION = "zstd"


def folder(warehouse: Path | str) -> Path:
    """Where the sheets of `warehouse` (its file) are kept."""
    return Path(f"{warehouse}.sheets")


def day_file(warehouse: Path | str, day: date) -> Path:
    return folder(warehouse) / f"{day.isoformat()}{SUFFIX}"


@contextmanager
def writing(warehouse: Path | str, day: date) -> Iterator[Callable[[pa.Table], int]]:
    """`add(table)` appends rows (scoring.sheet_layout.kept_table of the sheet's, in sheet
    order) to the sheet kept for `day`; a clean exit puts it in place of the one kept before
    (a day without rows keeps none), an error leaves that one as it was."""
    path = day_file(warehouse, day)
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | None = None

    def add(table: pa.Table) -> int:
        nonlocal writer
        if table.num_rows:
            if writer is None:
                writer = pq.ParquetWriter(partial, KEPT_SCHEMA, compression=COMPRESSION)
            writer.write_table(conformed(table))  # an older file's rows, rewritten by erase
        return table.num_rows

    try:
        yield add
        if writer is not None:
            writer.close()
            writer = None
            os.replace(partial, path)
        else:
            path.unlink(missing_ok=True)
    finally:
        if writer is not None:
            writer.close()
        partial.unlink(missing_ok=True)


def days(warehouse: Path | str) -> list[date]:
    """The days with a sheet kept as a file."""
    where = folder(warehouse)
    found = [date.fromisoformat(p.name.removesuffix(SUFFIX))
             for p in where.glob(f"*{SUFFIX}")] if where.is_dir() else []
    return sorted(found)


def read(warehouse: Path | str, day: date, leaving: Collection[str] = (),
         first: int | None = None) -> pd.DataFrame | None:
    """The sheet kept for `day`, typed again (scoring.sheet_layout.typed_sheet), without the
    rows of the leads in `leaving`; only its `first` rows when given. None when no file."""
    path = day_file(warehouse, day)
    if not path.exists():
        return None
    if first is None:
        table = pq.read_table(path)
    else:
        batches = pq.ParquetFile(path).iter_batches(batch_size=max(first, 1))
        table = pa.Table.from_batches([next(batches)]).slice(0, first)
    if leaving:
        table = table.filter(_keeps(table, leaving))
    return typed_sheet(table.to_pandas())


def kept_parts(parts: list[pd.DataFrame]) -> pa.Table:
    """Sheet parts (frames of the sheet's columns) as `writing`'s `add` takes them."""
    return pa.concat_tables([kept_table(part) for part in parts])


def rows(warehouse: Path | str, day: date) -> int:
    """How many rows the sheet kept for `day` has (0 when none)."""
    path = day_file(warehouse, day)
    return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0


def days_with(warehouse: Path | str, lead_ids: Collection[str]) -> dict[date, int]:
    """The days whose kept sheet holds any of `lead_ids`, with how many of its rows do."""
    found = {}
    for day in days(warehouse) if lead_ids else []:
        held = pq.read_table(day_file(warehouse, day), columns=["lead_id"])
        count = len(held) - pc.sum(_keeps(held, lead_ids)).as_py() if len(held) else 0
        if count:
            found[day] = count
    return found


def erase(warehouse: Path | str, day: date, lead_ids: Collection[str]) -> int:
    """Rewrite the sheet kept for `day` without the rows of `lead_ids` (a row group at a time);
    returns how many rows went."""
    source = pq.ParquetFile(day_file(warehouse, day))
    gone = 0
    with writing(warehouse, day) as add:
        for group in range(source.num_row_groups):
            table = source.read_row_group(group)
            left = table.filter(_keeps(table, lead_ids))
            gone += len(table) - len(left)
            add(left)
    return gone


def legacy_sheet(con: duckdb.DuckDBPyConnection, day: date, first: int | None = None
                 ) -> pd.DataFrame:
    """The sheet of `day` as the warehouse kept it before (JSON rows in table sheet_rows)."""
    found = con.execute("SELECT row FROM sheet_rows WHERE run_date = ? ORDER BY rank LIMIT ?",
                        [day, first if first is not None else 2**62]).fetchall()
    return sheet_from_rows(row for (row,) in found)


def warehouse_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse file of `con`, whose sheets are kept beside it (None: in memory)."""
    path = store.path_of(con)
    return None if path == ":memory:" else path


def _keeps(table: pa.Table, lead_ids: Collection[str]) -> pa.Array:
    """Whether each row's lead is none of `lead_ids`."""
    return pc.invert(pc.is_in(table.column("lead_id"),
                              value_set=pa.array(list(lead_ids), pa.string())))
