"""The daily run's last step: the ranked lead sheet, written a part at a time.

Ranking needs every lead, but only a few of its columns (scoring.sheet.order_leads: grade,
probability, expected value, names and company); everything else on a row depends on its lead
alone. So the step ranks the day on those columns, keeps the order in a temporary table, and
then reads the sheet's rows in that order, READ_CHUNKS chunks of `settings.chunk_leads` at a
time (in Arrow), and turns them into pandas frames BATCH rows at a time (their text and money
still held by Arrow): each such part is turned into sheet rows (scoring.sheet.sheet_part),
appended to the file, kept beside the warehouse (flows/sheets/kept.py: a Parquet file, put in
place at the end; a second thread writes a chunk's rows while the next chunk is made) and
offered to the rep pages, which keep each rep's first cards.
What the step holds is the order (a temporary table), two reads in Arrow (one taken, one being
read) and at most two chunks' rows in pandas (one gathered, one being stored), not the day;
DuckDB keeps to its share of settings.duckdb_memory_limit (duckdb_share), spilling beyond it
beside the warehouse.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from flows import store
from flows.pipeline import owners
from flows.pipeline.decimals import exact_decimals
from flows.pipeline.overlap import one_ahead, one_behind
from flows.settings import Settings
from flows.sheets import files as sheet_files
from flows.sheets import kept as kept_sheets
from flows.sheets.rep_pages import RepCards, write_rep_pages
from scoring.arrow_money import decimal_objects
from scoring.sheet import BULLET, DOWN, UP, order_leads, sheet_part

TOP = 10  # rows of the run's top-leads artifact
# rows of a part made at a time. Its text columns stay Arrow's (dtype str); each part costs the
# same few dozen pandas and Arrow calls whatever its size: at a million leads, parts of 25,000
# rows took 2.9 s less of CPU than parts of 10,000, and the step 1.3 s less (27.9 s against
# 29.2 s, the mean of 5 alternating runs), for 0.05 GB more at its peak (1.66-1.70 GB against
# 1.61-1.64). (When parts were Python objects, a 50,000-row part made the peak: 2.2 GB.)
BATCH = 25_000
# chunks of settings.chunk_leads read at a time: each read joins its leads to the whole day's
# tables (a read's leads are spread over the day by rank), so two at once halve those scans (at
# a million leads: 61.5 s of CPU instead of 73.8 s, publish 35.8 s instead of 41.0 s)
READ_CHUNKS = 2
# a read's size in Arrow per lead (the sheet's text: talking points, reasons, offers; 1.7 KB
# at the bench's million leads): the step holds two reads (one taken, one being read) beside
# DuckDB, whose limit leaves room for them (duckdb_share)
ARROW_BYTES_PER_LEAD = 1_700
_UNITS = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
# what sheet_order_table.sql keeps of the ranking, and makes each row's account contacts of
ORDER_COLUMNS = ("lead_id", "rank", "account_rank", "primary", "move_note", "priority",
                 "first_name", "last_name", "title", "win_probability")
# what sheet_parts.sql puts before each reason and enriched fact, as scoring.sheet does
LIST_MARKS = {"up": UP, "down": DOWN, "bullet": BULLET}
# what Python's str.strip() strips (sheet_order_table.sql strips the same from a name)
WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


class Published(NamedTuple):
    path: Path  # the sheet's file
    leads: int  # its rows
    top: pd.DataFrame  # its first TOP rows


def publish(settings: Settings, run_date: date) -> Published:
    """Write data/out/<run_date>/lead_sheet.<csv|xlsx> and keep its rows in the warehouse;
    beside it, each rep's page and e-mail (reps/<rep-slug>.html and .eml). The reps' active moves
    reorder it, and playbook_stats.csv beside it counts the talking points reps marked useful or
    wrong.

    The format and locale are the settings' sheet_format and sheet_locale (CSV, en by default);
    a French sheet is lead_sheet.fr.<csv|xlsx>.
    """
    path = (settings.path(settings.out_dir) / run_date.isoformat()
            / sheet_files.localised_name(f"lead_sheet.{settings.sheet_format}",
                                         settings.sheet_locale))
    # the sheet a day run again replaces, deleted in a second thread while the rep pages are
    # written (0.74-1.05 s at a million leads): leaving waits for it and raises its error
    with one_behind(os.unlink) as delete:
        cards, top, leads, stats = _sheet_written(settings, run_date, path, delete)
        addresses = {rep.name: rep.email for rep in owners.load_territories(settings).reps}
        write_rep_pages(decimal_objects(cards.sheet()), path.parent, run_date,
                        settings.sheet_locale, addresses, cards.totals)
        # for sales ops: which talking points reps found useful or wrong (ids and counts only)
        stats.to_csv(path.with_name(sheet_files.PLAYBOOK_STATS), index=False,
                     encoding="utf-8-sig", lineterminator="\r\n")
    return Published(path, leads, decimal_objects(pd.concat(top, ignore_index=True)))


def _sheet_written(settings: Settings, run_date: date, path: Path,
                   delete: Callable[[Path], object]
                   ) -> tuple[RepCards, list[pd.DataFrame], int, pd.DataFrame]:
    """The sheet ranked, written to `path` and kept beside the warehouse (the file it replaces
    deleted by `delete`); returns the rep cards, the first rows, the rows and the playbook's
    stats."""
    cards, top, leads = RepCards(), [], 0
    with store.opened(settings.path(settings.warehouse),
                      duckdb_share(settings.duckdb_memory_limit, settings.chunk_leads)) as con:
        with (ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats") as side,
              con.cursor() as reader):  # counted by DuckDB while Python ranks the day
            counted = side.submit(_shown_and_counted, reader, run_date)
            order_sheet(con, run_date, settings.move_days)
            stats = counted.result()
        warehouse = settings.path(settings.warehouse)
        with (sheet_files.sheet_writer(path, settings.sheet_format, settings.sheet_locale,
                                       delete) as write,  # `con` keeps the order: read first
              kept_sheets.writing(warehouse, run_date) as add,
              one_behind(lambda parts: add(kept_sheets.kept_parts(parts))) as keep,
              closing(sheet_parts(con, run_date, READ_CHUNKS * settings.chunk_leads)
                      ) as parts):
            kept: list[pd.DataFrame] = []  # parts to keep, handed over a chunk at a time
            for part in parts:
                write(part)
                cards.add(part)
                if leads < TOP:  # taken, not sliced: a slice keeps the whole part alive
                    top.append(part.take(range(min(TOP - leads, len(part)))))
                leads += len(part)
                kept.append(part)  # handed over once this thread is done with it (pandas
                if sum(map(len, kept)) >= settings.chunk_leads:  # is not thread-safe)
                    keep(kept)
                    kept = []
            if kept:
                keep(kept)
        con.execute("DELETE FROM sheet_rows WHERE run_date = ?", [run_date])  # kept before
    return cards, top, leads, stats


def duckdb_share(limit: str, chunk_leads: int) -> str:
    """DuckDB's memory limit while publishing: `limit` (settings.duckdb_memory_limit) less the
    two reads the step holds in Arrow beside it, and never under a quarter of `limit`. With the
    full limit, the step's peak at a million leads was 2.02 GB; with this share, 1.67 GB.

    >>> duckdb_share("1.25GB", 50_000), duckdb_share("1GiB", 10_000), duckdb_share("1GB", 10**6)
    ('910MB', '1006MB', '250MB')
    """
    number, unit = re.fullmatch(r"([0-9.]+)(\D+)", limit).groups()
    total = float(number) * _UNITS[unit]
    held = 2 * READ_CHUNKS * chunk_leads * ARROW_BYTES_PER_LEAD
    return f"{max(total - held, total / 4) / 10**6:.0f}MB"


def order_sheet(con, run_date: date, move_days: int) -> int:
    """Rank the leads of `run_date` (scoring.sheet.order_leads, the reps' active moves
    included) into the temporary table sheet_order of `con`; returns how many there are."""
    scored = con.sql(store.sql("sheet_order", __package__), params=[run_date]).to_arrow_table(
    ).to_pandas(types_mapper=exact_decimals)  # ranked by Arrow, no Decimal objects
    moves = con.execute(store.sql("active_moves", __package__),
                        {"run_date": run_date, "days": move_days}).df()
    ranked = order_leads(scored, moves)[list(ORDER_COLUMNS)]
    con.register("_order", ranked)
    try:
        con.execute(store.sql("sheet_order_table", __package__), {"whitespace": WHITESPACE})
    finally:
        con.unregister("_order")
    return len(ranked)


def sheet_parts(con, run_date: date, size: int, batch: int = BATCH) -> Iterator[pd.DataFrame]:
    """The sheet's rows of the leads `order_sheet` ranked, in its order: read from the warehouse
    `size` at a time, and made into Python rows at most `batch` at a time (one empty part when
    there is none: the file still gets its header).

    Each read after the first is made by `con` in a second thread while the caller takes the
    rows of the one before (overlap.one_ahead): the caller must leave `con` alone until the
    parts are all taken or closed (`contextlib.closing`: closing waits for the read)."""
    leads = con.execute("SELECT count(*) FROM sheet_order").fetchall()[0][0]
    step = max(1, min(size, batch))

    def read(after: int):  # through Arrow, DECIMAL money arrives as Decimal (exact), 2x .df()
        return con.sql(store.sql("sheet_parts", __package__), params={
            "run_date": run_date, "after": after, "last": after + size, **LIST_MARKS,
        }).to_arrow_table()

    with closing(one_ahead(range(0, max(leads, 1), size), read)) as tables:
        for _, table in tables:
            for start in range(0, max(table.num_rows, 1), step):
                yield sheet_part(table.slice(start, step).to_pandas(  # money stays Arrow's
                    types_mapper=exact_decimals))


def playbook_stats(con) -> pd.DataFrame:
    """Per talking point (playbook entry id): the leads it was shown to (as of the last sheet
    published: `note_points_shown`), and how many leads' reps marked it useful or wrong; the
    most often wrong first."""
    return con.execute(store.sql("playbook_stats", __package__)).df()


def note_points_shown(con, run_date: date) -> None:
    """Count the talking points of `run_date` in points_shown (one row per point and lead, with
    the first day it was shown), in one transaction. A new day costs its own points against the
    pairs kept (1.8 s at a million leads), where counting every kept day's points cost 0.7 s per
    day kept; a day without leads costs nothing. Run again, a day drops the pairs it no longer
    shows, and only then reads the days after it; an earlier day run again dates the pairs it
    shows from that day. Neither reads the day's points on a new day (points_shown_dated: at a
    million leads, 0.4-0.7 s and 0.6-1.1 s)."""
    day = {"run_date": run_date}
    with store.transaction(con):
        [(on_the_day, after_it)] = con.execute(store.sql("points_shown_dated", __package__),
                                               day).fetchall()
        dropped = 0
        if on_the_day:
            [(dropped,)] = con.execute(store.sql("points_shown_drop", __package__),
                                       day).fetchall()
        if dropped:
            con.execute(store.sql("points_shown_later", __package__),
                        {**day, "pending": store.PENDING})
        con.execute(store.sql("points_shown_add", __package__), day)
        if after_it:  # (the pairs points_shown_later dates after the day: the day shows none)
            con.execute(store.sql("points_shown_earlier", __package__), day)


def _shown_and_counted(con, run_date: date) -> pd.DataFrame:
    note_points_shown(con, run_date)
    return playbook_stats(con)
