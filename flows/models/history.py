"""`leadpilot train --history FILE --target COLUMN`: train on any CRM export with an outcome.

The file is read by leadpilot's own CSV reader (`;`, quotes, Excel encodings, decimal commas),
columns are typed automatically (scoring/tabular.py: numbers in the file's locale, categories,
dates as month, weekday and days between dates, free text as its length; identifiers set aside),
and the same training core as the warehouse model is used.

Such a model reads the file's own columns, not the warehouse's features, so it cannot score the
daily sheet. It is registered with kind "history" and scores the file's own open rows (empty
target), written to `<out_dir>/history/<version>_scored.csv`, best first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from features.reading.values import CsvFormat, parse_dates, parse_numbers
from flows import store
from flows.errors import LeadpilotError
from flows.intake.reading import read_table
from flows.models import files as model_files
from flows.models import registry
from flows.models.training import recipe, refuse_cold_start
from flows.settings import Settings
from scoring.drift import profile
from scoring.learner import train_and_judge
from scoring.tabular import (
    ColumnPlan,
    column_report,
    leak_suspects,
    parse_target,
    phrase_reasons,
    plan_columns,
)
from scoring.tabular import to_matrix as tabular_matrix


@dataclass
class History:
    """A CRM export ready to train on: typed columns of every row, and which rows are closed."""

    text: pd.DataFrame
    fmt: CsvFormat
    target: str
    won: pd.Series  # 1, 0, NaN for open rows
    order: np.ndarray | None  # the date of each row, when a date column was given
    plans: list[ColumnPlan]
    matrix: pd.DataFrame
    date_column: str | None = None
    excluded: tuple[str, ...] = ()
    leaks: dict[str, float] = field(default_factory=dict)
    columns: dict[str, list] = field(default_factory=dict)  # tabular.column_report

    @property
    def closed(self) -> np.ndarray:
        return self.won.notna().to_numpy()


def _header(text: pd.DataFrame, name: str, option: str) -> str:
    """The file's header matching `name` (ignoring case), or a one-sentence error."""
    by_lower = {str(c).lower(): c for c in text.columns}
    if name.lower() not in by_lower:
        shown = ", ".join(map(str, list(text.columns)[:12]))
        raise LeadpilotError(f"{option} {name!r} is not a column of the file; its columns are: "
                             f"{shown}.")
    return by_lower[name.lower()]


def _apply_mapping(text: pd.DataFrame, mapping_file: Path) -> tuple[pd.DataFrame, Any]:
    """Rename the mapped headers to leadpilot's field names (first non-empty candidate wins)."""
    from flows.intake.mapping import load_mapping

    mapping = load_mapping(None, mapping_file)
    resolved = mapping.resolve(tuple(map(str, text.columns)))
    out = text.copy()
    for name, headers in resolved.fields.items():
        values = out[headers[0]]
        for header in headers[1:]:
            values = values.where(values.notna(), out[header])
        out = out.drop(columns=[h for h in headers if h in out.columns])
        out[name] = values
    return out, mapping


def load_history(path: Path, target: str, mapping_file: Path | None = None,
                 date_column: str | None = None, exclude: tuple[str, ...] = ()) -> History:
    """Read, map, type and check a CRM export (see the module docstring)."""
    text, fmt = read_table(path)
    mapping = None
    if mapping_file is not None:
        text, mapping = _apply_mapping(text, mapping_file)
    target = _header(text, target, "--target")
    raw_target = text[target]
    if mapping is not None and target == "status":  # the mapping's [statuses] say won or lost
        raw_target = raw_target.map(lambda v: mapping.statuses.get(
            str(v).strip().lower(), mapping.status_default) if v is not None else None)
        raw_target = raw_target.where(raw_target != "open", None)
    try:
        won = parse_target(raw_target)
    except ValueError as exc:
        raise LeadpilotError(f"The target column {target!r} {exc}.") from exc
    excluded = tuple(_header(text, name, "--exclude") for name in exclude)
    if date_column is None and mapping is not None and "created_at" in text.columns:
        date_column = "created_at"  # the mapping says when each lead came in
    order = None
    if date_column is not None:
        date_column = _header(text, date_column, "--date-column")
        dates = parse_dates(text[date_column], fmt)
        if dates.isna().mean() > 0.5:
            raise LeadpilotError(f"The date column {date_column!r} holds no readable dates in "
                                 "most rows; check it or leave --date-column out.")
        order = dates.fillna(dates.min()).to_numpy()
    closed = won.notna()

    def numbers(series: pd.Series) -> pd.Series:
        return parse_numbers(series, fmt)

    def dates(series: pd.Series) -> pd.Series:
        return parse_dates(series, fmt)

    plans = plan_columns(text.loc[closed], numbers, {target, *excluded}, dates, date_column)
    matrix = tabular_matrix(text, plans, numbers, dates)
    if matrix.shape[1] == 0:
        raise LeadpilotError("No usable column is left to learn from once the target, the "
                             "identifiers and the excluded columns are set aside.")
    skipped = {target: "the target", **dict.fromkeys(excluded, "excluded with --exclude")}
    history = History(text, fmt, target, won, order, plans, matrix, date_column, excluded,
                      columns=column_report(plans, skipped))
    wins = int(won[closed].sum())
    if wins >= 2 and int(closed.sum()) - wins >= 2:
        history.leaks = leak_suspects(matrix.loc[closed], won[closed].to_numpy())
    return history


def leak_warnings(history: History) -> list[str]:
    """One sentence per column that alone predicts the outcome almost perfectly."""
    return [f"Column {name!r} alone predicts the outcome almost perfectly (ROC AUC {auc:.3f}): "
            f"if it is filled in after contact, train again with --exclude \"{name}\"."
            for name, auc in history.leaks.items()]


def train_from_history(settings: Settings, now: datetime, history: History,
                       source: Path) -> dict[str, Any]:
    """Train on the closed rows, register the model (kind "history"), score the open rows.

    Returns:
        The card (with `scored_file` and `open_rows`).
    """
    closed = history.closed
    y = history.won[closed].to_numpy()
    refuse_cold_start(int(closed.sum()), int(y.sum()), settings)
    x = history.matrix.loc[closed].reset_index(drop=True)
    order = history.order[closed] if history.order is not None else None
    try:
        shipped, _ = train_and_judge(x, y, order, settings.holdout_fraction, recipe(settings))
    except ValueError as exc:
        raise LeadpilotError(f"Cannot train: {exc}.") from exc
    card = {
        "kind": "history",
        "source_file": str(source),
        "target": history.target,
        "date_column": history.date_column,
        "excluded": list(history.excluded),
        "column_plan": [p.to_dict() for p in history.plans],
        "columns": history.columns,
        "leak_warnings": leak_warnings(history),
        **shipped.report,
        "drift_reference": profile(x, shipped.model.predict(x)),
    }
    folder = model_files.save(shipped.model, card, settings.path(settings.models_dir), now)
    with store.opened(settings.path(settings.warehouse)) as con, store.transaction(con):
        version = registry.register(con, folder, "history")
        registry.record(con, version, "history", "registered",
                        f"trained on {source.name}; scores that file's open rows", now)
    scored = score_open_rows(history, shipped.model)
    out = settings.path(settings.out_dir) / "history" / f"{version}_scored.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    scored.to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return {**model_files.load(folder).card, "scored_file": str(out), "open_rows": len(scored)}


def score_open_rows(history: History, model) -> pd.DataFrame:
    """The file's open rows (empty target) with win probability and reasons, best first."""
    open_rows = ~history.closed
    matrix = history.matrix.loc[open_rows]
    rows = history.text.loc[open_rows].copy()
    if rows.empty:
        return rows.assign(**{"Win probability (%)": [], "Why this score": []})
    probability, contributions = model.predicted(matrix)
    rows["Win probability (%)"] = (probability * 100).round(1)
    rows["Why this score"] = phrase_reasons(contributions, matrix)
    return rows.sort_values("Win probability (%)", ascending=False, kind="stable")
