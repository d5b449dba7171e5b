"""Benchmark: leadpilot's default training against what a data scientist sets up in an afternoon.

Run by hand: `.venv/bin/python bench/model_quality.py [--bank PATH] [--demo-rows 3000]`.

Data sets: the demo data (warehouse path: point-in-time FEATURES, time-based folds) and UCI bank
marketing (generic `--history` path: automatic column typing, `duration` excluded because it is
only known after the call; no date column, so 5 stratified folds). Every contestant gets the same
matrix and the same folds (bench/contestants.py). Prints, per data set, ROC AUC, PR AUC, lift in
the top 10 %, Brier score and training time per fold, then whether leadpilot is at least as good
as the best other contestant on both ROC AUC and Brier. Exits 1 if it is not.
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
    """Where leadpilot is behind the best other contestant (higher ROC AUC, lower Brier)."""
    others = table.drop(index=LEADPILOT)
    ours = table.loc[LEADPILOT]
    out = []
    if ours["roc_auc"] < others["roc_auc"].max():
        out.append(f"ROC AUC {ours['roc_auc']:.4f} < {others['roc_auc'].max():.4f} "
                   f"({others['roc_auc'].idxmax()})")
    if ours["brier"] > others["brier"].min():
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=BANK, help="bank-additional-full.csv")
    parser.add_argument("--demo-rows", type=int, default=3000, help="closed demo leads")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        datasets = [demo_dataset(Path(tmp), args.demo_rows), bank_dataset(args.bank)]
        for data in datasets:
            folds = ("time-based, 5 folds over the newer half" if data.order is not None
                     else "5 stratified folds")
            table = compare(data)
            print(_markdown(data.name, folds, table), "\n", flush=True)
            behind = shortfalls(table)
            print(f"leadpilot vs the best other contestant: "
                  f"{'BEHIND: ' + '; '.join(behind) if behind else 'at least as good on both'}\n")
            failed |= bool(behind)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
