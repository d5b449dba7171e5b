"""Benchmark: the publish step's reads of the sheet (flows/pipeline/sql/sheet_parts.sql) under
DuckDB memory limits, with what each costs the machine beyond its wall time.

Run by hand on a home `bench/daily.py --keep DIR` set up and ran:
`.venv/bin/python bench/publish_reads.py DIR [--reads 4] [--limit 1.25GB --limit 1.6GB]`.

Each limit runs in a fresh process: `order_sheet` ranks the day, then `--reads` reads of
READ_CHUNKS x chunk_leads leads, in sheet order, each timed alone (no other thread): wall, user
and system CPU, and the minor page faults it took (memory the process touched fresh). The
baseline, first, is the limit publish gives DuckDB (publishing.duckdb_share of the settings).

Measured at a million bench leads, 100,000 leads a read (2 cores): under the 868 MiB share a
read took 0.87-0.98 s, 1.5-1.6 s of CPU (0.46-0.59 s of it system time) and 203,000-244,000
page faults (0.8-1.0 GB touched for a 167 MB Arrow result); under 1.6 GB, 0.78-0.91 s, 1.3-1.5 s
of CPU (0.22-0.39 s system) and 96,000-170,000 faults, the process's peak 1.75 GB instead of
1.55 GB. Near its limit DuckDB flushes its allocators (jemalloc's purge and glibc's
malloc_trim, seen with `strace -k`), so the next read's memory is new to the process again;
its settings allocator_flush_threshold, allocator_bulk_deallocation_flush_threshold and
DUCKDB_JE_MALLOC_CONF's decay did not change the count. A larger limit raises publish's peak,
which is the 2 GB goal's margin at a million leads (issue 14).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

from daily import REPO, RUN_DATE, environment


def reads(limit: str | None, count: int) -> None:
    """In this process (LEADPILOT_HOME set): rank the day, then time `count` reads."""
    sys.path.insert(0, str(REPO))
    from flows import store
    from flows.pipeline import publishing
    from flows.settings import Settings

    settings = Settings()
    share = publishing.duckdb_share(settings.duckdb_memory_limit, settings.chunk_leads)
    size = publishing.READ_CHUNKS * settings.chunk_leads
    query = store.sql("sheet_parts", "flows.pipeline")
    with store.opened(settings.path(settings.warehouse), limit or share) as con:
        leads = publishing.order_sheet(con, RUN_DATE, settings.move_days)
        shown = con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]
        print(f"DuckDB limit {shown} ({'the publish share' if limit is None else 'set'}),"
              f" {leads} leads, {size} a read")
        for after in range(0, min(count * size, leads), size):
            before, started = _usage(), time.perf_counter()
            table = con.sql(query, params={"run_date": RUN_DATE, "after": after,
                                           "last": after + size, **publishing.LIST_MARKS}
                            ).to_arrow_table()
            wall, after_use = time.perf_counter() - started, _usage()
            user, system, faults = (a - b for a, b in zip(after_use, before, strict=True))
            print(f"  read of ranks {after + 1}-{after + table.num_rows}: {wall:.2f} s, "
                  f"CPU {user:.2f} s user + {system:.2f} s system, {faults:,.0f} page "
                  f"faults, {table.nbytes / 1e6:.0f} MB in Arrow")
            del table
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"  peak RSS of the process {peak:.2f} GB")


def _usage() -> tuple[float, float, int]:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime, used.ru_stime, used.ru_minflt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("home", type=Path, help="a home bench/daily.py --keep set up")
    parser.add_argument("--reads", type=int, default=4)
    parser.add_argument("--limit", action="append", default=[],
                        help="a DuckDB memory limit to compare with publish's share")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child's limit ("" = share)
    args = parser.parse_args()
    if args.one is not None:
        reads(args.one or None, args.reads)
        return
    if not (args.home / "data" / "warehouse").exists():
        parser.error(f"{args.home} has no warehouse: set it up with bench/daily.py --keep")
    env = environment(args.home.resolve())
    for limit in ["", *args.limit]:
        subprocess.run([sys.executable, __file__, str(args.home), "--reads", str(args.reads),
                        "--one", limit], env=env, check=True)


if __name__ == "__main__":
    main()
