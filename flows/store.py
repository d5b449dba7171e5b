"""The one module that opens the DuckDB warehouse: connect, apply the schema, read and write."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import duckdb
import pandas as pd

from flows.errors import UNWRITABLE, LeadpilotError, damaged, explain, raise_explained, unwritable
from scoring.arrow_money import exact

# Tables whose rows belong to one run date and are replaced when the same day runs again.
RUN_TABLES = ("lead_features", "scores", "talking_points", "quotes", "sheet_rows",
              "owner_assignments")
# The run date a staged run's rows carry until they are put in place (staged_run): no run is
# dated so late, and the queries of earlier runs ask for dates before their own.
PENDING = date(9999, 12, 31)
_staging: Counter[str] = Counter()  # the run tables this process is staging now
_staging_lock = threading.Lock()  # a sweep and a stage's start: steps run side by side
# Tables that intake upserts into, with their key.
UPSERT_KEYS = {"companies": "company_id", "leads": "lead_id", "activities": "event_id",
               "lead_enrichment": "lead_id"}
# Of those, the ones whose key has no index (migration 006): their upsert deletes and inserts.
UNINDEXED = ("leads", "activities")  # and the RUN_TABLES (migrations 006, 016, 017)
# What DuckDB may hold while migrations run: they copy whole tables (020 the sheet rows of a
# million-lead day: 16.4 s and a 3.8 GB peak without a limit, 9.0 s and 1.2 GB under 1 GB).
MIGRATION_MEMORY = "1GB"
# Another process holding the file (a `forget` typed during the morning run, or the run's next
# step after it) is waited for: each command holds it only while a step works, so both go on,
# where the second used to fail at once. Past this, the second fails naming the first.
WAIT_SECONDS = 600
POLL_SECONDS = 0.25
_log = logging.getLogger(__name__)


def sql(name: str, package: str = "flows") -> str:
    """The text of `<package>/sql/<name>.sql`: each sub-package of flows/ keeps its own SQL
    (call with `__package__`); the schema and migrations are the store's."""
    return files(package).joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (created on first use) with the schema applied.

    Raises:
        LeadpilotError: when another process holds the file, naming that process; when the
            file or its folder cannot be written; when the file is damaged.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = _duckdb(path, read_only=False)
    try:
        con.execute("SET TimeZone = 'UTC'")
        migrate(con)
    except duckdb.Error as exc:
        con.close()
        if isinstance(exc, duckdb.IOException) and explain(exc, path) is None:
            raise damaged(path, exc) from exc  # a truncated file fails on its first read
        raise_explained(exc, path)
    if str(path) != ":memory:":
        from flows.privacy.suppression import put_back  # it needs this module

        try:
            con = put_back(con, Path(path))  # a rebuilt or restored file gets the list back
            sweep_pending(con)
        except BaseException:
            con.close()
            raise
    return con


def sweep_pending(con: duckdb.DuckDBPyConnection) -> None:
    """Delete the rows a killed run left staged (PENDING), but those this process stages now:
    a stage holds the file until it ends, so the next to open it sweeps them before any read.
    A stage another thread begins meanwhile waits for the sweep (steps run side by side)."""
    with _staging_lock:
        for table in RUN_TABLES:
            if not _staging[table]:
                con.execute(f"DELETE FROM {table} WHERE run_date = ?", [PENDING])  # noqa: S608


def _duckdb(path: Path | str, read_only: bool, wait: float | None = None,
            clock: Callable[[], float] = time.monotonic,
            sleep: Callable[[float], object] = time.sleep) -> duckdb.DuckDBPyConnection:
    """duckdb.connect without extension downloads. While another process holds the file (DuckDB
    lets one process write it), wait for it up to `wait` seconds (WAIT_SECONDS), then raise
    LeadpilotError naming that process."""
    wait = WAIT_SECONDS if wait is None else wait
    deadline = None
    while True:
        try:
            return _connected(path, read_only)
        except _Held as held:
            if deadline is None:
                deadline = clock() + wait
                _log.warning("The warehouse %s is in use by %s: waiting for it (up to %g s).",
                             path, held.who, wait)
            elif clock() >= deadline:
                raise LeadpilotError(
                    f"The warehouse {path} is in use by {held.who} (waited {wait:g} s for it); "
                    "stop it or run again once it finishes.") from held.__cause__
            sleep(POLL_SECONDS)


class _Held(Exception):
    def __init__(self, who: str) -> None:
        super().__init__(who)
        self.who = who


def _connected(path: Path | str, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(path), read_only=read_only,
                             config={"autoinstall_known_extensions": False,
                                     "autoload_known_extensions": False})
    except duckdb.IOException as exc:
        if any(word in str(exc) for word in UNWRITABLE):
            raise unwritable(path, exc) from exc
        if "lock" not in str(exc).lower():  # not valid, cannot be read: damaged, not busy
            raise damaged(path, exc) from exc
        holder = re.search(r"\(PID (\d+)\)", str(exc))
        raise _Held(f"process {holder.group(1)}" if holder else "another process") from exc
    con.execute("SET enable_progress_bar_print = false")  # progress is ours to show (rich)
    return con


def path_of(con: duckdb.DuckDBPyConnection) -> str:
    """The file behind `con` (":memory:" for an in-memory warehouse), to name it in errors."""
    row = con.execute("SELECT path FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchall()[0]
    return row[0] if row and row[0] else ":memory:"


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the base schema, then each `sql/migrations/NNN_name.sql` not applied yet, in order,
    with DuckDB held to MIGRATION_MEMORY meanwhile (it spills beyond it).

    An older warehouse file is brought up to date, never rebuilt. Returns the versions applied.
    """
    con.execute(sql("schema"))
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    folder = files("flows").joinpath("sql", "migrations")
    named = sorted((e for e in folder.iterdir() if e.name.endswith(".sql")), key=lambda e: e.name)
    pending = [(version, entry) for entry in named
               if (version := int(entry.name.split("_", 1)[0])) not in done]
    if not pending:
        return []
    [(limit,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
    con.execute(f"SET memory_limit = '{MIGRATION_MEMORY}'")
    try:
        for version, entry in pending:
            with transaction(con):
                con.execute(entry.read_text(encoding="utf-8"))
                con.execute("INSERT INTO schema_version VALUES (?, now()::TIMESTAMP)",
                            [version])
    finally:  # DuckDB shows a limit rounded down (3 GB: "2.7 GiB"): its default is reset
        con.execute("RESET memory_limit" if limit == _default_memory_limit()
                    else f"SET memory_limit = '{limit}'")
    return [version for version, _ in pending]


@cache
def _default_memory_limit() -> str:
    """DuckDB's own memory limit on this machine, as current_setting shows it."""
    with duckdb.connect() as con:
        return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction per step: everything or nothing is written."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def opened(path: Path | str, memory_limit: str | None = None
           ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect, yield, and always close. With `memory_limit` (e.g. "1GB"), DuckDB holds at
    most that much in memory and spills the rest of its work to its temp directory (beside the
    warehouse file: `<file>.tmp`); without, up to 80 % of the machine's memory."""
    con = connect(path)
    try:
        if memory_limit is not None:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        yield con
    except duckdb.OutOfMemoryException as exc:
        if memory_limit is None:
            raise
        raise LeadpilotError(
            f"DuckDB needed more memory than the {memory_limit} leadpilot lets it hold here "
            f"(LEADPILOT_DUCKDB_MEMORY_LIMIT); raise it, e.g. to {_doubled(memory_limit)}, and "
            "run again.") from exc
    except duckdb.Error as exc:  # a commit that cannot write the file, a block cut off
        raise_explained(exc, path)
    finally:
        con.close()


def _doubled(limit: str) -> str:
    """Twice a DuckDB memory size (settings.duckdb_memory_limit's form).

    >>> _doubled("512MB"), _doubled("1GB"), _doubled("1.5GB"), _doubled("100MiB")
    ('1024MB', '2GB', '3GB', '200MiB')
    """
    number, unit = re.fullmatch(r"([0-9.]+)(\D+)", limit).groups()
    return f"{float(number) * 2:g}{unit}"


@contextmanager
def opened_read_only(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for a dry run: read-only and not migrated (temp tables still work).

    When the file does not exist yet, an empty in-memory warehouse stands in, so a preview
    never creates it.
    """
    if not Path(path).exists():
        with opened(":memory:") as con:
            yield con
        return
    con = _duckdb(path, read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    except duckdb.Error as exc:  # a truncated file fails when a read reaches the cut
        raise_explained(exc, path)
    finally:
        con.close()


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert or replace `frame`'s rows in `table` by its key; returns the number of rows.

    Run it inside `transaction` (the delete and the insert land together). `frame` holds each
    key once.
    """
    if table not in UPSERT_KEYS:
        raise ValueError(f"{table} is not an upsert table")
    if frame.empty:
        return 0
    key = UPSERT_KEYS[table]
    con.register("_incoming", frame)
    try:
        if table in UNINDEXED:  # no key index to replace by: delete, then insert
            con.execute(f"DELETE FROM {table} WHERE {key} IN "  # noqa: S608
                        f"(SELECT {key} FROM _incoming)")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")  # noqa: S608
        else:  # a delete + insert on an indexed table makes DuckDB's commit several times slower
            con.execute(f"INSERT OR REPLACE INTO {table} BY NAME "  # noqa: S608
                        "SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")
    return len(frame)


def replace_run(con: duckdb.DuckDBPyConnection, table: str, run_date: date,
                frame: pd.DataFrame) -> int:
    """Replace the rows of `run_date` in `table` with `frame` (which must hold no run_date)."""
    if frame.empty:
        clear_run(con, table, run_date)
        return 0
    con.register("_incoming", exact(frame).assign(run_date=run_date))
    try:
        put_run(con, table, run_date, "_incoming")
    finally:
        con.unregister("_incoming")
    return len(frame)


def put_run(con: duckdb.DuckDBPyConnection, table: str, run_date: date, source: str) -> None:
    """Make the rows of `run_date` in `table` those of the relation named `source` (a table or
    a registered frame, every row of `run_date`): the day's rows are deleted, then inserted.
    The run tables have no key index (migration 016: it made DuckDB's commit of a day run again
    4-10 s per table at 100k), so rows naming a lead twice are refused here, before any change.
    """
    _refuse_twice(con, table, f"SELECT lead_id FROM {source}")  # noqa: S608
    clear_run(con, table, run_date)  # refuses a table that is not a run table
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source}")  # noqa: S608


def refuse_leads_twice(con: duckdb.DuckDBPyConnection, table: str, run_date: date) -> None:
    """Raise ValueError when the rows of `run_date` in `table` name a lead twice: for rows
    inserted straight from a query, inside the transaction that inserted them (so the error
    leaves nothing written)."""
    _refuse_twice(con, table, f"SELECT lead_id FROM {table} WHERE run_date = ?",  # noqa: S608
                  run_date)


def _refuse_twice(con: duckdb.DuckDBPyConnection, table: str, lead_ids: str, *params) -> None:
    twice = con.execute(f"SELECT count(*) - count(DISTINCT lead_id) FROM ({lead_ids})",  # noqa: S608
                        list(params)).fetchall()[0][0]
    if twice:
        raise ValueError(f"{twice} rows for {table} name a lead already named: nothing written")


def clear_run(con: duckdb.DuckDBPyConnection, table: str, run_date: date) -> None:
    """Delete the rows of `run_date` from `table`."""
    if table not in RUN_TABLES:
        raise ValueError(f"{table} is not a per-run table")
    con.execute(f"DELETE FROM {table} WHERE run_date = ?", [run_date])  # noqa: S608


@contextmanager
def staged_run(con: duckdb.DuckDBPyConnection, table: str, run_date: date
               ) -> Iterator[Callable[[pd.DataFrame], int]]:
    """Write the rows of `run_date` in `table` in chunks: `add(frame)` commits each into `table`
    dated PENDING (one transaction of many inserts holds them all in memory: 1M sheet rows grew
    to 2.2 GB under a 400MB limit, against 0.77 GB). At a clean exit, one transaction deletes
    the day's rows and re-dates the staged ones, writing only their run_date again (a stage
    table copied: 20 s for a million sheet rows). A failure leaves the day as it was."""
    if run_date >= PENDING:
        raise ValueError(f"{run_date} is not a run date")
    with _staging_lock:  # no sweep of another thread's connection between the two
        clear_run(con, table, PENDING)  # refuses a table that is not a run table
        _staging[table] += 1
    try:
        def add(frame: pd.DataFrame) -> int:
            if frame.empty:
                return 0
            if "run_date" in frame.columns:  # the insert dates them
                frame = frame.drop(columns="run_date")
            con.register("_incoming", exact(frame))
            try:  # unregistered after the rollback of a failed insert, whose error is raised
                with transaction(con):
                    con.execute(f"INSERT INTO {table} BY NAME "  # noqa: S608
                                "SELECT *, ? AS run_date FROM _incoming", [PENDING])
            finally:
                con.unregister("_incoming")
            return len(frame)

        try:
            yield add
            with transaction(con):
                _refuse_twice(con, table, f"SELECT lead_id FROM {table} WHERE run_date = ?",  # noqa: S608
                              PENDING)
                clear_run(con, table, run_date)
                con.execute(f"UPDATE {table} SET run_date = ? WHERE run_date = ?",  # noqa: S608
                            [run_date, PENDING])
        except BaseException:
            with suppress(duckdb.Error):  # the error raised is the one that stopped the run
                clear_run(con, table, PENDING)
            raise
    finally:
        _staging[table] -= 1


def chunk_starts(con: duckdb.DuckDBPyConnection, run_date: date, size: int) -> list[str]:
    """The first lead_id of each chunk of `size` leads of `run_date`'s stored features (the
    open leads of that day, in lead_id order)."""
    return [row[0] for row in con.execute(sql("chunk_starts"),
                                          {"run_date": run_date, "size": size}).fetchall()]


def chunk_bounds(starts: list[str]) -> Iterator[dict[str, str | None]]:
    """The bind parameters `first` and `after` of each chunk that `starts` begins: its leads
    are those from `first` up to (not including) `after`. The first chunk begins at '' and the
    last ends at None, so together they cover every lead_id, whichever table a step reads."""
    if not starts:  # a day without an open lead: no chunk
        return
    for first, after in zip(["", *starts[1:]], [*starts[1:], None], strict=True):
        yield {"first": first, "after": after}


def compact(path: Path | str) -> None:
    """Rewrite the warehouse into a fresh file and swap it in.

    DuckDB leaves deleted rows in the file's freed blocks until they are reused, where a disk
    image would still show them; after an erasure (`leadpilot forget`) they must really be gone.
    """
    path = Path(path)
    fresh = path.with_name(path.name + ".compact")
    fresh.unlink(missing_ok=True)
    with opened(path) as con:
        name = con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
        con.execute("ATTACH ? AS compacted", [str(fresh)])
        con.execute(f'COPY FROM DATABASE "{name}" TO compacted')
        con.execute("DETACH compacted")
    fresh.replace(path)
