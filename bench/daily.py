"""Benchmark: `leadpilot run` (the daily lead sheet) at N open leads against a bare script.

Run by hand: `.venv/bin/python bench/daily.py [--leads 100000] [--repeat 3] [--keep DIR]`.

Set-up, once, in a temporary LEADPILOT home (the committed editable files copied into its
data/, the clock pinned by LEADPILOT_TODAY, Prefect's own temporary server as a user gets it):
`leadpilot demo --open-leads N` generates the demo CSVs (3,000 closed leads and N open ones with
their companies and activities), imports them, trains the champion and runs the day once.

Then, alternating, `--repeat` times each, in fresh subprocesses (each peak RSS is its own):
  1. `leadpilot run`: the same day again, as a user re-runs it (intake finds the CSVs unchanged);
  2. the floor, bench/daily_floor.py: one DuckDB query for the features over the same
     warehouse, LightGBM predicts and explains (pred_contrib) every lead, one CSV.
  3. `leadpilot run --date 2000-01-03`: a day before the demo's first lead, no lead open, so
     what any run costs before its first lead (imports, Prefect's server and runs, the checks).
It prints the best seconds of each, the ratio, the peak RSS, the day without leads against the
room the 1.5x goal leaves, and where the leadpilot run spent its time: each Prefect task run's
duration (from Prefect's database), the flow's own time outside them (the runs row, the
artifacts), and the process's time outside the flow (imports, Prefect's temporary server,
printing the top leads from the stored sheet). With --prefect-server the rounds run against
`prefect server start` (the home's database; started before the rounds, not timed), as the
scheduled runs of `leadpilot serve` do. With --second-day the rounds run the day after the
set-up's (the set-up's day run once more first, untimed), as every morning after the first: the
runs read yesterday's scores and lists.

Measured at 100,000 open leads (1 round each, 2 cores shared with other jobs: +-30 %):
before issue 14's work 686 s, 5.4 GB against a 25 s, 0.6 GB floor (27.8x); with columnar
features, vectorised talking points, prices and reasons, unchanged CSVs not read again and rep
pages capped: 110.9 s, 3.4 GB against 5.6 s, 0.7 GB (19.9x; set-up 102 s instead of 990 s).
At 30,000: 155 s against 6.8 s (22.7x) before, 41.5 s against 3.3 s (12.6x) after.
At the end of the next session, on a quiet machine (best of 3): 50.4 s, 2.8 GB against
8.0 s, 0.7 GB (6.3x): per-run tables without a key index (migration 016), publish and owners
column-wise, no task run tagged, Prefect's server started first. At 300,000 (best of 2):
125.9 s, 6.8 GB against 15.8 s, 1.5 GB (8.0x). What is left at 100k: publish 15.7 s, scores
10.2 s, imports and Prefect's server outside the flow 9.1 s.
The session after, on a quiet machine: at 100,000, 56.9 s and 2.0 GB against 8.2 s (6.9x, best
of 3: prices, talking points and the sheet in chunks, DuckDB capped at 1GB: less memory, a
slower publish); at 300,000, 139.7 s and 2.9 GB against 18.6 s (7.5x, 1 round); at 1,000,000,
352.2 s and 5.3 GB against 64.9 s and 4.3 GB (5.4x, 1 round; the publish step's peak), with
8.2 s (2.3 %) outside the tasks.
This session, best of 3 on a quiet machine: at 100,000, 44.1 s and 1.4 GB against 6.1 s (7.2x);
at 300,000, 105.9 s and 1.7 GB against 16.9 s (6.3x); at 1,000,000, 397.0 s and 1.96 GB
against 57.5 s and 4.0 GB (6.9x; peaks 1.93-1.96 GB in the three rounds), 7.5 s (1.9 %) outside
the tasks: the run's top rows no longer slices keeping every part of the sheet alive, the sheet
made into Python rows 10,000 at a time, owners ranked on a narrow frame with DuckDB closed.
The session after (a slower machine: the 100k floor's best 7.9 s against 6.1 s), best of 3: at
100,000, 47.1 s and 1.42 GB against 7.9 s (5.9x), a day without open leads 12.8 s (1.6x the
floor); against a running Prefect server 38.3 s against 6.3 s (6.1x), the empty day 8.1 s
(1.3x); at 300,000, 90.7 s against 15.4 s (5.9x); at 1,000,000, 331.8 s and 1.76 GB against
47.7 s and 4.3 GB (7.0x; peaks 1.71-1.76 GB), publish 141.2 s instead of 185.0 s: the stored
rows' JSON and each row's account contacts made by DuckDB.
The session after (a quicker machine: the 100k floor's best 6.2 s), best of 3: at 100,000,
31.8 s and 1.38 GB against 6.2 s (5.1x), the empty day 9.7 s (1.6x; against a running Prefect
server 31.5 s against 6.5 s, 4.8x, the empty day 8.0 s, 1.2x); at 300,000, 79.6 s against 13.6 s
(5.8x); at 1,000,000, 256.7 s and
1.81 GB against 43.3 s (5.9x; peaks 1.79-1.81 GB), publish 90.2 s instead of 141.2 s: staged
rows re-dated in place instead of copied, and each part of the sheet the side its joins build.
The session after, best of 3: at 100,000, 29.4 s and 1.35 GB against 6.5 s (4.5x), the empty
day 9.0 s (1.4x); at 1,000,000, 208.9 s and 1.90 GB against 46.4 s (4.5x; peaks 1.88-1.90 GB):
each chunk's rows stored in a second thread while the next is made (publish 73.7 s, score
53.2 s, talking points 23.7 s), offline enrichment only of new or changed leads (0.6 s).
The session after (a slower machine: the 1M floor's best 55.4 s), best of 3: at 100,000,
31.4 s and 1.32 GB against 7.1 s (4.4x), the empty day 10.7 s (1.5x); at 300,000, 75.7 s
against 17.3 s (4.4x); at 1,000,000, 222.0 s and 1.91 GB against 55.4 s (4.0x; peaks
1.87-1.91 GB): the sheet's list texts made by DuckDB, owners without per-lead chains or a
suppression read of every address, accounts ranked on integer codes (owners 13.1 s instead of
22.3 s, publish 71.6 s instead of 78.0 s earlier the same afternoon).
The session after (a busier machine: the 100k floor's best 9.8 s), best of 3: at 100,000,
39.1 s and 1.40 GB against 9.8 s (4.0x), the empty day 12.5 s (1.3x); at 300,000, 80.0 s
against 21.4 s (3.7x); at 1,000,000, 226.8 s and 1.73 GB against 55.7 s (4.1x; peaks
1.70-1.73 GB, the owner step's): the stored sheet rows compressed with ZSTD and made into JSON
by the thread that stores them (publish 63.2 s instead of 71.6 s).
The session after, best of 3: at 100,000, 26.9 s and 1.36 GB against 6.9 s (3.9x), the empty
day 8.4 s (1.2x); at 300,000, 55.3 s against 17.3 s (3.2x); at 1,000,000, 163.2 s and 1.86 GB
against 51.3 s (3.2x; peaks 1.82-1.86 GB, publish's): predictions a chunk ahead, sheet parts
read ahead, DuckDB's limit 1.25GB (features 9.0 s instead of 18.4 s), no lead read for
enrichment with every provider off, fewer per-row Python steps in talking points, owners,
prices and the sheet.
The session after, best of 3: at 100,000, 21.4 s and 1.39 GB against 6.7 s (3.2x), the empty
day 8.2 s (1.2x); at 300,000, 41.4 s against 16.9 s (2.4x); at 1,000,000, 117.2 s and 1.83 GB
against 49.7 s (2.4x; peaks 1.81-1.83 GB, publish's): the trees' contributions worked out in
numpy (scoring/tree_contributions.py) instead of by LightGBM's pred_contrib, which the floor
still uses (score 21.9 s instead of 56.6 s), talking points' lines made once per distinct
line (15.5 s instead of 19.8 s), and the CSV's cells with fewer Python steps.
The session after (a machine about 8 % slower: the floors' best 7.3, 17.9 and 52.6 s), best of
3: at 100,000, 22.0 s and 1.30 GB against 7.3 s (3.0x), the empty day 8.1 s (1.1x); at
300,000, 40.5 s against 17.9 s (2.3x); at 1,000,000, 107.7 s and 1.85 GB against 52.6 s (2.0x;
peaks 1.79-1.85 GB, publish's): the trees' raw score added by numpy (LightGBM checks one lead
in 16; score 18.6 s instead of 21.9 s), sheet rows stored as DuckDB makes their JSON (publish
38.9 s instead of 42.4 s), talking points as Arrow lists (12.8 s instead of 15.5 s).
The session after (the floor at a million 64.2 s, 52.6 s before on the same data: a slower
machine), best of 3: at 100,000, 20.1 s and 1.40 GB against 7.1 s (2.8x), the empty day 7.7 s
(1.1x); at 300,000, 38.4 s against 18.5 s (2.1x); at 1,000,000, 108.1 s and 1.88 GB against
64.2 s (1.7x; peaks 1.86-1.88 GB, publish's). The session before's code, alternating with this
one at a million: 122.0 / 118.7 s against 109.4 / 108.1 s: publish reads two chunks at a time
and keeps money as Arrow decimals (36.2-38.3 s instead of 45.1-46.6 s), owners read through
Arrow (8.9-9.3 s instead of 12.1-12.6 s).
The session after (a slower machine: the session before's code took 112.6-116.4 s at a million
and 22.9-24.1 s at 100,000, alternating with this one), best of 3: at 100,000, 23.4 s against
7.0 s (3.3x), the empty day 8.6 s (1.2x); at 300,000, 42.4 s against 18.5 s (2.3x); at
1,000,000, 112.9 s and 1.84 GB against 66.2 s (1.7x); order_sheet 3.3-5.2 s instead of 5.3-7.0 s.
The session after (a quicker machine, new bench homes), best of 3: at 100,000, 16.4 s against
5.6 s (2.9x), the empty day 7.6 s (1.4x); at 1,000,000, 85.1 s and 1.93 GB against 47.4 s (1.8x).
The session after, best of 3: at 100,000, 15.1 s and 1.37 GB against 5.6 s (2.7x), the empty day
6.9 s (1.2x); at 1,000,000, 73.2 s and 1.84 GB against 41.0 s (1.8x; the session before's code
85.8 s against 41.6 s in the same hour): reasons as Arrow lists, fewer Python objects per lead
in the contributions, talking points, prices and CSV cells, and the scores read 24 of the 68
stored feature columns (score 10.9 s instead of 15.9 s, talking points 8.9 s instead of 10.7 s).
The session after, best of 3: at 100,000, 15.4 s against 5.5 s (2.8x); at 1,000,000, 72.5 s and
1.85 GB against 41.7 s (1.7x). With --second-day (the day after the set-up's, yesterday's
scores read for the movement), at 1,000,000: 85.5 s against 41.0 s (2.1x), the code before that
session 103.6 s against 44.8 s (2.3x; its score step 34.6 s, now 17.9 s).
The session after, best of 3 (a new million-lead home): at 100,000, 15.2 s against 5.8 s
(2.6x); at 300,000, 27.5 s against 13.9 s (2.0x); at 1,000,000, 73.9 s and 1.85 GB against
43.4 s (1.7x); with --second-day, 80.3 s against 42.3 s (1.9x): yesterday's scores read a chunk
ahead and the movement's texts made by NumPy (score 15.0 s instead of 17.9 s).
The session after, best of 3 on the same home: at 1,000,000, 72.2 s and 1.88 GB against 41.3 s
(1.7x); with --second-day, 78.7 s against 41.8 s (1.9x): the sheet published in parts of
25,000 rows, not 10,000 (publish 26.3 s instead of 27.7 s).
The session after, best of 3 on the same home: at 100,000, 15.7 s against 5.9 s (2.7x); at
1,000,000, 69.7 s and 1.88 GB against 41.8 s (1.7x, 1.67); with --second-day, 75.8 s against
41.4 s (1.8x), peak 1.94 GB: each day's sheet kept as a Parquet file beside the warehouse, not
as JSON rows inserted into it (publish 21.5 s instead of 26.3 s).
The session after, on a slower machine (floor 44.6-48.7 s), best of 3 on the same homes: at
100,000, 16.8 s against 5.8 s (2.9x); at 1,000,000, 77.2 s and 1.87 GB against 44.6 s (1.7x,
1.73); with --second-day, 82.1 s against 45.2 s (1.8x), peak 1.91 GB. The session before's code
beside it, alternating: the day after's median 78.7 s against 83.4 s (6 rounds; the score
movement matched by position, score 16.3 s instead of 17.8 s), the first day's 76.0 s against
74.3 s (4 rounds, noise).
The session after, on a loaded machine (floor 47.7-61.8 s at a million), best of 3 on the same
homes: at 100,000, 15.2 s against 5.9 s (2.6x), the empty day 6.0 s (1.0x); at 1,000,000,
79.6 s and 1.85 GB against 50.3 s (1.6x, 1.58); with --second-day, 80.0 s against 47.7 s (1.7x,
1.68). No heartbeats to the command's own server, the heap frozen at exit, no block types
registered by the server child, talking points and reasons as dictionary-encoded lists: the
session before's code beside it, alternating, at 100,000: median 14.6 s against 16.8 s (6
rounds), the empty day 6.4 s against 8.2 s; at a million, 80.2 s against 80.8 s (4 rounds, noise).
The session after, on a loaded machine (floor 47.5-54.9 s at a million), best of 3 on the same
homes: at 100,000, 14.8 s against 6.1 s (2.4x); at 1,000,000, 76.3 s and 1.85 GB against 47.5 s
(1.6x, 1.61); with --second-day, 75.9 s against 44.8 s (1.7x, 1.69). Per-lead results kept as
each distinct input's result and each lead's group in the prices, talking points, owners and
contributions' JSON: the session before's code beside it, alternating, at a million: median
80.0 s against 84.9 s (4 rounds; talking points 7.0 s against 8.7 s, price 6.5 s against 7.4 s).
The session after, best of 3 on the same homes, run twice: at 100,000, 13.8 s against 6.1 s
(2.3x) and 14.9 s against 5.8 s (2.6x); at 1,000,000, 64.9 s against 44.2 s (1.47) and 68.8 s
against 45.4 s (1.52), peak 1.85-1.86 GB; with --second-day, 71.1 s against 44.4 s (1.60) and
72.2 s against 42.7 s (1.69). Work a run did whatever its day taken out: the owners' holders
read from owner_streaks (migration 022), the day's talking points read once for the playbook
stats on the newest day, the multi-year offers filled, not mapped per lead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LEADPILOT = Path(sys.executable).with_name("leadpilot")
RUN_DATE = date(2026, 11, 27)
# a day long before the demo's first lead: no lead is open, so `leadpilot run` on it costs what
# any run costs whatever its leads (imports, Prefect's server and runs, checks, the scans that
# find nothing)
EMPTY_DAY = date(2000, 1, 3)
EDITABLE = ("grades.yaml", "playbook.yaml", "pricebook.yaml", "providers.toml", "reasons.yaml",
            "reps.yaml", "rules.yaml")
TASKS = """
SELECT t.name, t.start_time, t.end_time
FROM task_run t
WHERE t.flow_run_id = (SELECT id FROM flow_run ORDER BY created DESC LIMIT 1)
ORDER BY t.start_time
"""
FLOW = "SELECT start_time, end_time FROM flow_run ORDER BY created DESC LIMIT 1"


def environment(home: Path, day: date = RUN_DATE) -> dict[str, str]:
    """A user's environment: leadpilot's home and day, no Prefect server of our own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LEADPILOT_", "PREFECT_"))}
    return {**env, "LEADPILOT_HOME": str(home), "LEADPILOT_TODAY": day.isoformat()}


def _wrapped(command: list[str]) -> list[str]:
    """`command` under a tiny Python parent that reports the peak RSS of its children."""
    report = ("import json,resource,subprocess,sys;"
              "r=subprocess.run(sys.argv[1:]).returncode;"
              "print(json.dumps({'rss_mb':resource.getrusage(resource.RUSAGE_CHILDREN)"
              ".ru_maxrss/1024}),file=sys.stderr);sys.exit(r)")
    return [sys.executable, "-c", report, *command]


def measure(command: list[str], env: dict[str, str], cwd: Path,
            samples: list[tuple[float, float]] | None = None) -> tuple[float, float, str]:
    """Seconds, peak RSS in MB of the process tree's largest member, and stdout. With
    `samples`, the command's own RSS is appended to it every 0.1 s as (epoch seconds, MB).

    What the commands before it wrote is put on the disk first (os.sync, not timed): the kernel
    writes a file back up to 30 s after it is written, and a run leaves its 1.4 GB sheet to it
    (flows/sheets/replacement.py), which would be charged to the next command timed."""
    os.sync()
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(_wrapped(command), env=env, cwd=cwd, stdout=out, stderr=err,
                                   text=True)
        while process.poll() is None:
            if samples is not None and (rss := _rss_mb(_child(process.pid))) is not None:
                samples.append((time.time(), rss))
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n"
                         f"{stdout[-3000:]}\n{stderr[-3000:]}")
    rss = json.loads(stderr.strip().splitlines()[-1])["rss_mb"]
    return seconds, rss, stdout


def _child(pid: int) -> int | None:
    """The first child of `pid` (Linux /proc; None elsewhere or when it has none yet)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def _rss_mb(pid: int | None) -> float | None:
    """The resident memory of `pid` in MB (Linux /proc; None elsewhere or once it is gone)."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return int(line.split()[1]) / 1024 if line else None


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def steps(home: Path) -> tuple[list[tuple[str, datetime, datetime]], float]:
    """Each task run of the latest flow run with its start and end, and the flow run's
    seconds."""
    with sqlite3.connect(home / "data" / "prefect" / "prefect.db") as db:
        rows = db.execute(TASKS).fetchall()
        flow = db.execute(FLOW).fetchone()
    tasks = [(name.rsplit("-", 1)[0], _stamp(start), _stamp(end))
             for name, start, end in rows if start and end]
    return tasks, (_stamp(flow[1]) - _stamp(flow[0])).total_seconds()


def covered(spans: list[tuple[datetime, datetime]]) -> float:
    """The seconds during which at least one of `spans` ran (steps side by side counted once).

    >>> at = lambda s: datetime(2026, 11, 27, 6, 0, s)
    >>> covered([(at(0), at(4)), (at(2), at(5)), (at(7), at(8))])
    6.0
    """
    total, reach = 0.0, None
    for start, end in sorted(spans):
        if reach is None or start > reach:
            total += (end - start).total_seconds()
            reach = end
        elif end > reach:
            total += (end - reach).total_seconds()
            reach = end
    return total


def round_ratios(runs: list[tuple[float, float]], floors: list[tuple[float, float]]
                 ) -> list[float]:
    """Each round's run over the floor timed right after it (seconds first in each pair): on a
    machine whose speed drifts within the hour, a round's two commands meet the same hour.

    >>> [round(r, 3) for r in round_ratios([(81.0, 1838), (89.9, 1868)],
    ...                                    [(63.3, 3906), (65.6, 4066)])]
    [1.28, 1.37]
    """
    return [run / floor for (run, _), (floor, _) in zip(runs, floors, strict=True)]


def step_peak(samples: list[tuple[float, float]], start: datetime, end: datetime) -> str:
    """The highest RSS sampled while a step ran, as text ("" when none was sampled)."""
    inside = [rss for at, rss in samples if start.timestamp() <= at <= end.timestamp()]
    return f"{max(inside):7.0f} MB" if inside else ""


def set_up(home: Path, leads: int) -> float:
    (home / "data").mkdir(parents=True)
    for name in EDITABLE:
        shutil.copy(REPO / "data" / name, home / "data" / name)
    seconds, _, _ = measure([str(LEADPILOT), "demo", "--open-leads", str(leads), "--top", "1"],
                            environment(home), home)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Set up in DIR and keep it (else a temp dir).")
    parser.add_argument("--second-day", action="store_true",
                        help=f"Time the day after {RUN_DATE} (the floor's too), as every "
                             "morning after the first is: yesterday's scores give each lead's "
                             "movement, yesterday's lists the holders. The set-up's day is "
                             "run once more first, untimed, so that it is yesterday.")
    parser.add_argument("--prefect-server", action="store_true",
                        help="Run against a running `prefect server start` (as scheduled runs "
                             "do: schedules need one), started before the rounds, untimed.")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="leadpilot-bench-daily-"))
    try:
        if not (home / "data" / "warehouse").exists():
            print(f"set-up: `leadpilot demo --open-leads {args.leads}` "
                  f"{set_up(home, args.leads):.1f} s", flush=True)
        day = RUN_DATE
        if args.second_day:
            day = RUN_DATE + timedelta(days=1)
            seconds, _, _ = measure([str(LEADPILOT), "run", "--top", "1"],
                                    environment(home), home)
            print(f"{RUN_DATE} run again as yesterday: {seconds:.1f} s (not timed in the "
                  f"rounds, which run {day})", flush=True)
        if args.prefect_server:
            with running_server(home) as api_url:
                print(f"Prefect server: {api_url} (started before the rounds, not timed)")
                report(home, args.repeat, {"PREFECT_API_URL": api_url}, day)
        else:
            report(home, args.repeat, day=day)
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


@contextmanager
def running_server(home: Path) -> Iterator[str]:
    """`prefect server start` on a free loopback port, its database the home's (as `leadpilot
    serve` starts it for the schedules), its API URL yielded; stopped on exit."""
    sys.path.insert(0, str(REPO))
    from flows.pipeline.serve import free_port, local_server

    with local_server(home / "data" / "prefect", free_port()) as api_url:
        yield api_url


def report(home: Path, repeat: int, extra: dict[str, str] | None = None,
           day: date = RUN_DATE) -> None:
    env = {**environment(home, day), **(extra or {})}
    warehouse = home / "data" / "warehouse" / "leadpilot.duckdb"
    floor_cmd = [sys.executable, str(REPO / "bench" / "daily_floor.py"), str(warehouse),
                 day.isoformat(), str(home / "floor.csv")]
    # any migration the code brings is applied here, not in the first timed run
    measure([str(LEADPILOT), "models"], env, home)
    runs, floors, empties, breakdowns = [], [], [], []
    for i in range(repeat):
        samples: list[tuple[float, float]] = []
        runs.append(measure([str(LEADPILOT), "run", "--top", "1"], env, home, samples)[:2])
        breakdowns.append((*steps(home), samples))
        *floor, printed = measure(floor_cmd, env, REPO)
        floors.append(tuple(floor))
        empties.append(measure([str(LEADPILOT), "run", "--top", "1", "--date",
                                EMPTY_DAY.isoformat()], env, home)[0])
        print(f"  round {i + 1}: leadpilot run {runs[-1][0]:.1f} s ({runs[-1][1]:.0f} MB), "
              f"floor {floors[-1][0]:.1f} s ({floors[-1][1]:.0f} MB), "
              f"a day without open leads {empties[-1]:.1f} s", flush=True)
    best_run, best_floor = min(runs), min(floors)
    rows = json.loads(printed.strip().splitlines()[-1])["rows"]
    print(f"\n{rows} open leads on {day}, best of {repeat}:")
    print(f"  leadpilot run  {best_run[0]:7.1f} s  peak RSS {max(r for _, r in runs):6.0f} MB")
    print(f"  floor          {best_floor[0]:7.1f} s  peak RSS {max(r for _, r in floors):6.0f} MB")
    print(f"  ratio          {best_run[0] / best_floor[0]:7.1f}x  (round by round: "
          f"{', '.join(f'{r:.2f}' for r in round_ratios(runs, floors))})")
    # what a run costs before its first lead, against the room the 1.5x goal leaves
    print(f"  leadpilot run on {EMPTY_DAY}, no open lead: {min(empties):.1f} s "
          f"= {min(empties) / best_floor[0]:.1f}x the floor (1.5x leaves "
          f"{0.5 * best_floor[0]:.1f} s beyond the floor's work)")
    tasks, flow, samples = breakdowns[runs.index(best_run)]
    print("\nleadpilot run, per step (Prefect task runs of the best run; the process's RSS "
          "sampled every 0.1 s):")
    for name, start, end in tasks:
        seconds = (end - start).total_seconds()
        beside = [other for other, s, e in tasks if other != name and s < end and start < e]
        print(f"  {name:<22} {seconds:7.2f} s  {step_peak(samples, start, end)}"
              + (f"  (side by side with {', '.join(beside)})" if beside else ""))
    inside = covered([(start, end) for _, start, end in tasks])
    print(f"  {'(flow, outside tasks)':<22} {flow - inside:7.2f} s")
    print(f"  {'(outside the flow)':<22} {best_run[0] - flow:7.2f} s")
    prefect = best_run[0] - inside
    print(f"  outside the tasks (Prefect, imports, printing): {prefect:.1f} s, "
          f"{100 * prefect / best_run[0]:.1f} % of the run")


if __name__ == "__main__":
    main()
