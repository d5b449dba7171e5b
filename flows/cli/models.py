"""The model commands of the CLI: `train` (warehouse or --history), `evaluate`, and `models`
(list, rollback, promote). flows/cli/commands.py declares `train` and `evaluate` and calls these."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from flows import clock
from flows.cli.console import console
from flows.cli.console import settings as _settings
from flows.errors import LeadpilotError

models_app = typer.Typer(help="The model registry: list the models, roll back, promote.",
                         invoke_without_command=True, no_args_is_help=False)


def split_columns(text: str | None) -> tuple[str, ...]:
    """`--exclude "Lead Quality,Tags"` as a tuple of trimmed names."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def check_history_options(history: Path | None, target: str | None, mapping: Path | None,
                          date_column: str | None, exclude: str | None) -> None:
    """--target is required with --history; the other file options need --history."""
    if history is None:
        used = [name for name, value in (("--target", target), ("--mapping", mapping),
                                         ("--date-column", date_column),
                                         ("--exclude", exclude)) if value]
        if used:
            raise LeadpilotError(f"{', '.join(used)} only apply with --history FILE.")
        return
    if not history.exists():
        raise LeadpilotError(f"The history file {history} does not exist.")
    if not target:
        raise LeadpilotError("--history needs --target COLUMN: the column that says won or lost.")


def train_command(console: Console, history: Path | None, target: str | None,
                  mapping: Path | None, date_column: str | None, exclude: str | None) -> None:
    """`leadpilot train`: on the warehouse (challenging the champion) or on a CRM export."""
    check_history_options(history, target, mapping, date_column, exclude)
    settings = _settings()
    if history is None:
        from flows.models.training import train_from_warehouse
        from flows.pipeline.steps import enrich

        now = clock.now(settings)
        with console.status("Training on the warehouse's closed leads…"):
            enrich(settings, now)
            folder, card = train_from_warehouse(settings, now)
        print_card(console, card)
        console.print(f"  {'Promoted' if card['decision']['promoted'] else 'Not promoted'}: "
                      f"{card['decision']['reason']}")
        return
    from flows.models.history import leak_warnings, load_history, train_from_history

    with console.status(f"Reading {history.name}…"):
        data = load_history(history, target, mapping, date_column, split_columns(exclude))
    for warning in leak_warnings(data):
        console.print(Text.assemble(("Warning:", "yellow"), f" {warning}"))
    print_columns(console, data.columns)
    with console.status("Training on the file's closed rows…"):
        card = train_from_history(settings, clock.now(settings), data, history)
    print_card(console, card)
    console.print(f"  {card['open_rows']} open rows scored: {card['scored_file']}")


def print_columns(console: Console, columns: dict[str, list]) -> None:
    """Which columns are used as they are, which features were derived, which were set aside
    and why (a warning each: the user may want them back, or may not have known)."""
    if columns.get("used"):
        console.print("Columns used: " + ", ".join(f"{c['name']} ({c['kind']})"
                                                   for c in columns["used"]))
    if columns.get("derived"):
        console.print("Derived: " + ", ".join(f"{d['name']} (from {', '.join(d['from'])})"
                                              for d in columns["derived"]))
    for aside in columns.get("set_aside", []):
        console.print(Text.assemble(("Set aside:", "yellow"), f" {aside['name']}: {aside['why']}"))


def print_card(console: Console, card: dict) -> None:
    """Version, rows, validation, calibration and holdout figures of a trained model."""
    h, rows = card["holdout"], card["rows"]
    console.print(Text.assemble("Model ", (str(card["version"]), "bold"),
                                f" ({card.get('kind', 'warehouse')})"))
    parts = ", ".join(f"{part} {weight:.2f}" + (f" ({card['trees']} trees)"
                                                  if part == "trees" else "")
                      for part, weight in card["blend"].items() if weight > 0)
    console.print(f"  trained on {rows['train']} leads ({card['validation']} validation; "
                  f"blend: {parts}; {card['calibration']['method']} calibration), judged on "
                  f"{rows['holdout']}")
    console.print(f"  holdout ROC AUC {h['roc_auc']:.3f} · PR AUC {h['pr_auc']:.3f} · "
                  f"lift@10% {h['lift_at_10']:.2f} · Brier {h['brier']:.3f} · "
                  f"win rate {h['win_rate']:.1%}")


def evaluate_command(console: Console, progress: Callable[[], Progress], history: Path | None,
                     target: str | None, mapping: Path | None, date_column: str | None,
                     exclude: str | None, as_json: bool, report: Path | None) -> None:
    """`leadpilot evaluate`: cross-validated figures, as a table or JSON, plus the HTML report."""
    from flows.models.evaluation import evaluate, history_dataset, warehouse_dataset
    from flows.models.report import write_report
    from scoring.evaluation import N_FOLDS

    check_history_options(history, target, mapping, date_column, exclude)
    settings = _settings()
    data = (warehouse_dataset(settings) if history is None else
            history_dataset(history, target, mapping, date_column, split_columns(exclude)))
    if as_json:
        evaluation = evaluate(settings, data)
    else:
        with progress() as bar:
            task = bar.add_task("Cross-validating", total=N_FOLDS)
            evaluation = evaluate(settings, data, lambda _: bar.advance(task))
    path = report or (settings.path(settings.out_dir) / "evaluation"
                      / f"{clock.today(settings):%Y-%m-%d}_{data.name.replace(' ', '_')}.html")
    write_report(evaluation, path)
    if as_json:
        print(json.dumps({**evaluation.to_json(), "report": str(path)}, default=str))
        return
    s = evaluation.summary
    console.print(f"{evaluation.dataset}: {evaluation.rows} closed leads "
                  f"({evaluation.wins} wins), {evaluation.validation}")
    if history is not None:
        print_columns(console, evaluation.columns)
    console.print(f"ROC AUC {s['roc_auc']:.3f} · PR AUC {s['pr_auc']:.3f} · lift in the top "
                  f"10 % {s['lift_at_10']:.2f} · Brier {s['brier']:.4f}")
    table = Table("decile", "leads", "predicted", "observed", title="Calibration per decile")
    for r in evaluation.reliability.itertuples():
        table.add_row(str(r.decile), str(r.leads), f"{r.predicted:.1%}", f"{r.observed:.1%}")
    console.print(table)
    console.print(f"Report: {path}")


@models_app.callback()
def models(ctx: typer.Context) -> None:
    """List every trained model: version, kind, status, holdout figures."""
    if ctx.invoked_subcommand is not None:
        return
    from flows import store
    from flows.models import registry

    settings = _settings()
    with store.opened(settings.path(settings.warehouse)) as con:
        listing = registry.listing(con)
    if listing.empty:
        console.print("No model yet: run `leadpilot train` (or `leadpilot demo`).")
        return
    table = Table("version", "kind", "trained at", "status", "rows", "ROC AUC", "Brier",
                  "calibration", title="Models")
    for row in listing.itertuples():
        table.add_row(row.version, row.kind, str(row.trained_at), row.status, str(row.rows),
                      f"{row.roc_auc:.3f}", f"{row.brier:.4f}", str(row.calibration))
    console.print(table)


@models_app.command()
def rollback(version: str = typer.Argument(None, help="Version to go back to (default: the "
                                                      "previous champion).")) -> None:
    """Make the previous champion (or VERSION) the model of the daily sheet again."""
    from flows import store
    from flows.models import registry

    settings = _settings()
    with store.opened(settings.path(settings.warehouse)) as con, store.transaction(con):
        old, new = registry.rollback(con, clock.now(settings), "warehouse", version)
    console.print(f"Champion is now {new} (was {old}).")


@models_app.command()
def promote(version: str = typer.Argument(..., help="Version to make champion.")) -> None:
    """Make VERSION the champion by hand, whatever the comparison said."""
    from flows import store
    from flows.models import registry

    settings = _settings()
    with store.opened(settings.path(settings.warehouse)) as con, store.transaction(con):
        known = con.execute("SELECT kind FROM models WHERE version = ?", [version]).fetchone()
        if known is None or known[0] != "warehouse":
            raise LeadpilotError(f"No warehouse model {version} in the registry: "
                                 "`leadpilot models` lists them.")
        registry.record(con, version, "warehouse", "promoted", "promoted by hand",
                        clock.now(settings))
    console.print(f"Champion is now {version}.")
