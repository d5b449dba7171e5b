"""Benchmark: `leadpilot train` on a Dask cluster (lightgbm.dask) against the same training in
one process (README "Past one machine").

Run by hand: `.venv/bin/python bench/dask_train.py [--history 100000] [--workers 2]
[--repeat 1] [--keep DIR]`.

Set-up, once, in a LEADPILOT home (the committed editable files copied into its data/, the
clock pinned by LEADPILOT_TODAY): the demo generator's history of --history closed leads and
300 open ones, imported and enriched, no model trained. Then, alternating, --repeat times
each, `leadpilot train` in a fresh subprocess on a fresh copy of that warehouse (no champion
to judge against, so both modes do their first training's work):
  1. in one process (the full recipe: search, linear and frequency parts, blend, calibration);
  2. with LEADPILOT_DASK_ADDRESS naming a LocalCluster on 127.0.0.1 (--workers worker
     processes, one thread each) and LEADPILOT_DASK_TRAIN_ROWS=1: the trees on the workers.
It prints the seconds of each, the ratio, the peak RSS of the `train` process (the workers'
memory is their own), and each model's holdout ROC AUC and tree count.

Measured on 2 shared cores, load average 6-8 (other jobs): at 300,000 closed leads (set-up
about 5 min) one process 1771.6 s, peak RSS 1646 MB, holdout ROC AUC 0.8724, 687 trees; two
Dask workers 378.9 s, 833 MB, 0.8723, 860 trees (0.21x). At 100,000, with 600 trees per search
fit: 288.9 s, 786 MB, 0.8753 against 62.4 s, 627 MB, 0.8750 (0.22x); with 1,000: 727 against
638 MB, 0.8753 against 0.8748, 630 trees kept (759.3 and 33.2 s, not comparable: the full test
suite ran beside the first). The two paths do not do
the same work (README "Training past one machine"): the ratio is the recipe's, not the
cluster's, whose workers share the same two cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from daily import EDITABLE, LEADPILOT, REPO, RUN_DATE, environment, measure


def set_up(home: Path, history: int) -> None:
    """The demo data with `history` closed leads, imported and enriched in `home`."""
    import os

    from flows.demo.data import generate, write_demo
    from flows.pipeline import steps
    from flows.settings import Settings

    (home / "data").mkdir(parents=True)
    for name in EDITABLE:
        shutil.copy(REPO / "data" / name, home / "data" / name)
    settings = Settings(_env_file=None, home=home, prefect_home=Path(os.environ.get(
        "PREFECT_HOME", home / "data" / "prefect")))
    write_demo(generate(RUN_DATE, seed=42, n_history=history, n_open=300),
               settings.path(settings.leads_csv).parent)
    now = datetime.combine(RUN_DATE, datetime.min.time())
    steps.intake(settings, RUN_DATE, now)
    steps.enrich(settings, now)


def train(home: Path, env: dict[str, str]) -> tuple[float, float, dict]:
    """`leadpilot train` on a fresh copy of the set-up warehouse: seconds, peak RSS (MB) and
    the new model's card."""
    warehouse = home / "data" / "warehouse"
    shutil.copy(warehouse / "pristine.duckdb", warehouse / "leadpilot.duckdb")
    shutil.rmtree(home / "data" / "models", ignore_errors=True)
    seconds, rss, _ = measure([str(LEADPILOT), "train"], env, home)
    [card] = (home / "data" / "models").glob("*/card.json")
    return seconds, rss, json.loads(card.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="Set up in DIR and keep it (else a temp dir).")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="leadpilot-bench-dask-train-"))
    warehouse = home / "data" / "warehouse"
    try:
        if not (warehouse / "pristine.duckdb").exists():
            set_up(home, args.history)
            shutil.copy(warehouse / "leadpilot.duckdb", warehouse / "pristine.duckdb")
        from distributed import LocalCluster

        with LocalCluster(host="127.0.0.1", n_workers=args.workers, threads_per_worker=1,
                          processes=True, dashboard_address=None) as cluster:
            env = environment(home)
            modes = {"one process": env,
                     f"{args.workers} Dask workers": {
                         **env, "LEADPILOT_DASK_ADDRESS": cluster.scheduler_address,
                         "LEADPILOT_DASK_TRAIN_ROWS": "1"}}
            best: dict[str, float] = {}
            for i in range(args.repeat):
                for mode, variables in modes.items():
                    seconds, rss, card = train(home, variables)
                    best[mode] = min(seconds, best.get(mode, seconds))
                    print(f"  round {i + 1}, {mode:<16} train {seconds:6.1f} s, peak RSS "
                          f"{rss:5.0f} MB, holdout ROC AUC {card['holdout']['roc_auc']:.4f}, "
                          f"{card['trees']} trees, {card['rows']}", flush=True)
            one, dask = best.values()
            print(f"best: one process {one:.1f} s, Dask {dask:.1f} s ({dask / one:.2f}x)")
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
