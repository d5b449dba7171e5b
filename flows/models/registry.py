"""The model registry in the warehouse: every trained model with its card, and who is champion.

The champion of a kind is the version of its newest `promoted` or `rolled_back` event. The daily
flow only ever uses the champion of kind `warehouse`; `history` models (trained on a CRM export's
own columns) score their own file.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from flows import store
from flows.errors import LeadpilotError
from flows.models import files as model_files
from scoring.model import Model

KINDS: tuple[str, ...] = ("warehouse", "history")
_CHAMPION_ACTIONS = ("promoted", "rolled_back")


def register(con: duckdb.DuckDBPyConnection, folder: Path, kind: str) -> str:
    """Store the model saved in `folder` (model.txt + card.json); returns its version."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    text = (folder / "model.txt").read_text(encoding="utf-8")
    con.execute("INSERT OR REPLACE INTO models VALUES (?, ?, ?, ?, ?)",
                [card["version"], kind, datetime.fromisoformat(card["trained_at"]),
                 json.dumps(card, default=str), text])
    return card["version"]


def record(con: duckdb.DuckDBPyConnection, version: str, kind: str, action: str, reason: str,
           at: datetime) -> None:
    """Append one event (promoted, kept_champion, rolled_back, registered) to the history."""
    con.execute("INSERT INTO model_events VALUES (?, ?, ?, ?, ?)",
                [at, version, kind, action, reason])


def champion(con: duckdb.DuckDBPyConnection, kind: str = "warehouse") -> str | None:
    """The version in use for `kind`, or None when no model was ever promoted."""
    row = con.execute(
        "SELECT version FROM model_events WHERE kind = ? AND action IN (?, ?) "
        "ORDER BY event_at DESC, rowid DESC LIMIT 1", [kind, *_CHAMPION_ACTIONS]).fetchone()
    return row[0] if row else None


def load(con: duckdb.DuckDBPyConnection, version: str) -> Model:
    """The registered model `version`, rebuilt from the warehouse alone."""
    row = con.execute("SELECT model_text, CAST(card AS VARCHAR) FROM models WHERE version = ?",
                      [version]).fetchone()
    if row is None:
        raise LeadpilotError(f"No model {version} in the registry: `leadpilot models` lists them.")
    where = store.path_of(con)
    try:
        card = json.loads(row[1])
    except ValueError as exc:
        raise model_files.damaged(version, where) from exc
    return model_files.from_text(row[0], card, where)


def card(con: duckdb.DuckDBPyConnection, version: str) -> dict:
    """The card of the registered model `version`, without loading the model itself."""
    row = con.execute("SELECT CAST(card AS VARCHAR) FROM models WHERE version = ?",
                      [version]).fetchone()
    if row is None:
        raise LeadpilotError(f"No model {version} in the registry: `leadpilot models` lists them.")
    try:
        return json.loads(row[0])
    except ValueError as exc:
        raise model_files.damaged(version, store.path_of(con)) from exc


def rollback(con: duckdb.DuckDBPyConnection, at: datetime, kind: str = "warehouse",
             to: str | None = None) -> tuple[str, str]:
    """Make the previous champion (or `to`) the champion again; returns (from, to)."""
    current = champion(con, kind)
    if current is None:
        raise LeadpilotError(f"There is no {kind} champion to roll back.")
    if to is None:
        earlier = con.execute(
            "SELECT version FROM model_events WHERE kind = ? AND action IN (?, ?) "
            "AND version <> ? ORDER BY event_at DESC, rowid DESC LIMIT 1",
            [kind, *_CHAMPION_ACTIONS, current]).fetchone()
        if earlier is None:
            raise LeadpilotError(f"Model {current} is the only {kind} model ever promoted: "
                                 "there is nothing to roll back to.")
        to = earlier[0]
    known = con.execute("SELECT kind FROM models WHERE version = ?", [to]).fetchone()
    if known is None or known[0] != kind:
        raise LeadpilotError(f"No {kind} model {to} in the registry: `leadpilot models` lists "
                             "them.")
    record(con, to, kind, "rolled_back", f"rolled back from {current}", at)
    return current, to


def listing(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every registered model, newest first, with its status and holdout figures."""
    rows = con.execute("SELECT version, kind, trained_at, CAST(card AS VARCHAR) AS card "
                       "FROM models ORDER BY trained_at DESC, version DESC").df()
    champions = {kind: champion(con, kind) for kind in KINDS}
    ever = {r[0] for r in con.execute("SELECT DISTINCT version FROM model_events WHERE action "
                                      "IN (?, ?)", list(_CHAMPION_ACTIONS)).fetchall()}
    out: list[dict[str, Any]] = []
    for row in rows.itertuples():
        card = json.loads(row.card)
        holdout = card.get("holdout", {})
        status = ("scores its own file" if row.kind == "history"
                  else "champion" if champions.get(row.kind) == row.version
                  else "former champion" if row.version in ever else "not promoted")
        out.append({"version": row.version, "kind": row.kind, "trained_at": row.trained_at,
                    "status": status, "rows": sum(card.get("rows", {}).values()),
                    "roc_auc": holdout.get("roc_auc"), "brier": holdout.get("brier"),
                    "calibration": card.get("calibration", {}).get("method")})
    return pd.DataFrame(out)


def events(con: duckdb.DuckDBPyConnection, version: str) -> list[tuple[str, str]]:
    """(action, reason) of every event of `version`, oldest first."""
    return con.execute("SELECT action, reason FROM model_events WHERE version = ? "
                       "ORDER BY event_at, rowid", [version]).fetchall()
