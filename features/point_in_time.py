"""Point-in-time features: each lead as it looked when it was (or would have been) scored."""

from __future__ import annotations

from datetime import date, datetime, time
from importlib.resources import files

import duckdb
import pandas as pd

from features.columns import CATEGORICAL, FEATURE_NAMES, NUMERIC


def _sql(name: str) -> str:
    return files("features").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def history_moments(con: duckdb.DuckDBPyConnection, lag_days: int) -> pd.DataFrame:
    """Closed leads with their scoring moment (`as_of`) and outcome (`won`), oldest first."""
    return con.execute(_sql("moments_history"), {"lag_days": lag_days}).df()


def open_moments(con: duckdb.DuckDBPyConnection, run_date: date) -> pd.DataFrame:
    """Leads open at the start of `run_date` (UTC midnight), each scored as of that instant."""
    as_of = datetime.combine(run_date, time.min)
    return con.execute(_sql("moments_open"), {"as_of": as_of}).df()


def build_features(con: duckdb.DuckDBPyConnection, moments: pd.DataFrame) -> pd.DataFrame:
    """Compute FEATURES (plus sheet context columns) for each row of `moments`.

    Args:
        con: warehouse connection with leads, companies, activities and lead_enrichment.
        moments: `lead_id` and `as_of`; only events strictly before `as_of` are counted.

    Returns:
        One row per moment, ordered by lead_id: lead_id, as_of, every feature, then context.
    """
    con.register("_moments", moments[["lead_id", "as_of"]])
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE moments AS SELECT * FROM _moments")
        frame = con.execute(_sql("point_in_time")).df()
    finally:
        con.unregister("_moments")
        con.execute("DROP TABLE IF EXISTS moments")
    return frame


def insert_open_features(con: duckdb.DuckDBPyConnection, run_date: date, skipped: str,
                         table: str, params: dict | None = None) -> int:
    """Insert `build_features` of the leads open at the start of `run_date`, with `run_date`,
    into `table` (by column name) straight from the query: no row passes through Python, and
    no staged copy of the day is made first. Returns how many rows were inserted.

    Args:
        skipped: a query of the lead_ids to leave out (off the sheet), with `params`.
        table: the table the rows go to (our own name, never user input).
    """
    as_of = datetime.combine(run_date, time.min)
    # the queries are our own .sql files, never user input
    kept = f"SELECT * FROM ({_sql('moments_open')}\n) WHERE lead_id NOT IN ({skipped}\n)"  # noqa: S608
    con.execute(f"CREATE OR REPLACE TEMP TABLE moments AS {kept}", {"as_of": as_of,
                                                                   **(params or {})})
    try:
        features = f"SELECT *, CAST($run_date AS DATE) AS run_date FROM ({_sql('point_in_time')}\n)"  # noqa: S608
        return con.execute(f"INSERT INTO {table} BY NAME {features}",
                           {"run_date": run_date}).fetchall()[0][0]
    finally:
        con.execute("DROP TABLE IF EXISTS moments")


def model_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """The FEATURES columns in their defined order and dtypes, as LightGBM expects them.

    Categoricals become pandas `category` (LightGBM rejects pandas 3 `str` columns); numerics
    become float64 with NaN for unknown.
    """
    matrix = frame.loc[:, list(FEATURE_NAMES)].copy()
    for name in CATEGORICAL:
        matrix[name] = matrix[name].astype("string").fillna("unknown").astype("category")
    for name in NUMERIC:
        matrix[name] = pd.to_numeric(matrix[name], errors="coerce").astype("float64")
    return matrix
