"""Benchmark: leadpilot's default training against what a data scientist sets up in an afternoon.

Run by hand: `.venv/bin/python bench/model_quality.py [--bank PATH] [--demo-rows 3000]
[--only NAME]`.

Data sets: the demo data (warehouse path: point-in-time FEATURES, time-based folds); UCI bank
marketing (generic `--history` path: automatic column typing, `duration` excluded because it is
only known after the call; no date column, so 5 stratified folds); and two CRM-shaped exports
derived from it (bench/datasets.py: a dated export with a contact id, time-based folds; a
marketing funnel of a lead id, a first-contact date, an origin and a previous outcome). Every
contestant gets the same matrix and the same folds (bench/contestants.py). Prints, per data set,
ROC AUC, PR AUC, lift in the top 10 %, Brier score and training time per fold, then whether
leadpilot meets the goal: ROC AUC >= the best other contestant's - 0.005 and Brier <= the best
+ 0.002. Exits 1 if it does not somewhere.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.contestants import CONTESTANTS  # noqa: E402
from flows.models.evaluation import Dataset, history_dataset, warehouse_dataset  # noqa: E402
from scoring.evaluation import cross_validate, evaluation_folds  # noqa: E402

LEADPILOT = "leadpilot default"
GOAL = {"roc_auc": 0.005, "brier": 0.002}  # how far behind the best other contestant is allowed
BANK = REPO.parent / "shared" / "datasets" / "bank-marketing" / "bank-additional-full.csv"
ANCHOR = date(2026, 11, 27)


def demo_dataset(root: Path, n_history: int = 3000, seed: int = 42) -> Dataset:
    """The demo CRM export imported and enriched in a fresh warehouse under `root`."""
    from flows.demo.data import generate, write_demo
    from flows.pipeline import steps
    from flows.settings import Settings

    folder = root / "demo"
    write_demo(generate(ANCHOR, seed=seed, n_history=n_history, n_open=20), folder)
    settings = Settings(home=root, leads_csv=folder / "leads.csv",
                        companies_csv=folder / "companies.csv",
                        activities_csv=folder / "activities.csv",
                        warehouse=root / "warehouse.duckdb", rejects_dir=root / "rejects")
    now = datetime.combine(ANCHOR, datetime.min.time())
    steps.intake(settings, ANCHOR, now)
    steps.enrich(settings, now)
    data = warehouse_dataset(settings)
    data.name = f"demo ({n_history} closed leads)"
    return data


def bank_dataset(path: Path) -> Dataset:
    """Bank marketing through leadpilot's CSV reading and column typing, duration excluded."""
    data = history_dataset(path, "y", None, None, ("duration",))
    data.name = f"bank-marketing ({len(data.won)} rows, duration dropped)"
    return data


def dated_dataset(path: Path) -> Dataset:
    """The dated bank export (bench/datasets.py), its contact date as the scoring moment."""
    data = history_dataset(path, "y", None, "contact_date", ())
    data.name = f"bank-marketing dated export ({len(data.won)} rows, contact id, contact date)"
    return data


def funnel_dataset(path: Path) -> Dataset:
    """The funnel export (bench/datasets.py) with default settings: no date column given."""
    data = history_dataset(path, "converted", None, None, ())
    data.name = f"bank-marketing funnel export ({len(data.won)} rows, lead id, date, 2 signals)"
    return data


def compare(data: Dataset, seed: int = 42) -> pd.DataFrame:
    """Cross-validate every contestant on the same folds; one row per contestant."""
    folds = evaluation_folds(data.won, data.order, seed=seed)
    rows = []
    for name, contestant in CONTESTANTS.items():
        with threadpool_limits(limits=1, user_api="blas"):  # the same for every contestant
            result = cross_validate(data.x, data.won, data.order,
                                    lambda x, y, o, c=contestant: c(x, y, o, seed), folds)
        rows.append({"contestant": name, **result.summary})
    return pd.DataFrame(rows).set_index("contestant")


def shortfalls(table: pd.DataFrame) -> list[str]:
    """Where leadpilot misses the goal: behind the best other contestant by more than GOAL."""
    others = table.drop(index=LEADPILOT)
    ours = table.loc[LEADPILOT]
    out = []
    if ours["roc_auc"] < others["roc_auc"].max() - GOAL["roc_auc"]:
        out.append(f"ROC AUC {ours['roc_auc']:.4f} < {others['roc_auc'].max():.4f} "
                   f"({others['roc_auc'].idxmax()})")
    if ours["brier"] > others["brier"].min() + GOAL["brier"]:
        out.append(f"Brier {ours['brier']:.4f} > {others['brier'].min():.4f} "
                   f"({others['brier'].idxmin()})")
    return out


def _markdown(name: str, folds: str, table: pd.DataFrame) -> str:
    lines = [f"### {name} — {folds}", "",
             "| contestant | ROC AUC | PR AUC | lift@10% | Brier | train s/fold |",
             "|---|---|---|---|---|---|"]
    for contestant, r in table.iterrows():
        lines.append(f"| {contestant} | {r['roc_auc']:.4f} | {r['pr_auc']:.4f} | "
                     f"{r['lift_at_10']:.2f} | {r['brier']:.4f} | {r['train_seconds']:.2f} |")
    return "\n".join(lines)


def main() -> int:
    from bench.datasets import dated_export, funnel_export

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=BANK, help="bank-additional-full.csv")
    parser.add_argument("--demo-rows", type=int, default=3000, help="closed demo leads")
    parser.add_argument("--only", choices=("demo", "bank", "dated", "funnel"), action="append",
                        help="run only these data sets (repeat the option for several)")
    args = parser.parse_args()
    loaders = {"demo": lambda tmp: demo_dataset(tmp, args.demo_rows),
               "bank": lambda tmp: bank_dataset(args.bank),
               "dated": lambda tmp: dated_dataset(dated_export(args.bank, tmp)),
               "funnel": lambda tmp: funnel_dataset(funnel_export(args.bank, tmp))}
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or loaders:
            data = loaders[name](Path(tmp))
            folds = ("time-based, 5 folds over the newer half" if data.order is not None
                     else "5 stratified folds")
            table = compare(data)
            print(_markdown(data.name, folds, table), "\n", flush=True)
            behind = shortfalls(table)
            print(f"leadpilot vs the best other contestant (goal: ROC AUC within "
                  f"{GOAL['roc_auc']}, Brier within {GOAL['brier']}): "
                  f"{'MISSED: ' + '; '.join(behind) if behind else 'goal met'}\n", flush=True)
            failed |= bool(behind)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
