"""Benchmark: `leadpilot run` with its scoring chunks on a local Dask cluster, against the same
run in one process (README "Past one machine").

Run by hand on a day set up by bench/daily.py:
`.venv/bin/python bench/daily.py --leads 30000 --repeat 1 --keep DIR`, then
`.venv/bin/python bench/dask_run.py DIR [--workers 2] [--chunk 5000] [--repeat 1]`.

Starts a LocalCluster on 127.0.0.1 (worker processes, one thread each, no dashboard), then
alternates `leadpilot run` in one process and with LEADPILOT_DASK_ADDRESS naming the cluster,
both in chunks of --chunk leads, and prints the seconds of each run and of its score step, and
the run process's peak RSS (the workers' memory is their own). The run's own Prefect server
listens on 127.0.0.1, which workers on this machine reach.
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from daily import LEADPILOT, _stamp, environment, measure

SCORE_STEP = """
SELECT t.start_time, t.end_time
FROM task_run t JOIN flow_run r ON r.id = t.flow_run_id JOIN flow f ON f.id = r.flow_id
WHERE f.name = 'daily-lead-sheet' AND t.name LIKE 'score-%'
ORDER BY t.start_time DESC LIMIT 1
"""


def score_seconds(home: Path) -> float:
    """The last daily run's score task, in seconds (from the run's Prefect database)."""
    with sqlite3.connect(home / "data" / "prefect" / "prefect.db") as db:
        start, end = db.execute(SCORE_STEP).fetchone()
    return (_stamp(end) - _stamp(start)).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("home", type=Path, help="A day set up by bench/daily.py --keep DIR.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from distributed import LocalCluster

    with LocalCluster(host="127.0.0.1", n_workers=args.workers, threads_per_worker=1,
                      processes=True, dashboard_address=None) as cluster:
        env = {**environment(args.home), "LEADPILOT_CHUNK_LEADS": str(args.chunk)}
        modes = {"one process": env,
                 f"{args.workers} Dask workers": {**env,
                                                  "LEADPILOT_DASK_ADDRESS":
                                                      cluster.scheduler_address}}
        measure([str(LEADPILOT), "models"], env, args.home)  # migrations, before any timing
        for i in range(args.repeat):
            for mode, variables in modes.items():
                seconds, rss, _ = measure([str(LEADPILOT), "run", "--top", "1"], variables,
                                          args.home)
                print(f"  round {i + 1}, {mode:<16} run {seconds:6.1f} s, score step "
                      f"{score_seconds(args.home):6.1f} s, peak RSS {rss:5.0f} MB", flush=True)


if __name__ == "__main__":
    main()
