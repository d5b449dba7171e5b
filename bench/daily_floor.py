"""The floor of bench/daily.py: the least a daily lead sheet costs, with none of leadpilot.

    .venv/bin/python bench/daily_floor.py WAREHOUSE RUN_DATE OUT_CSV

What any script that turns the warehouse into a ranked sheet must do: DuckDB reads the same
tables (leads, companies, activities, enrichment) in one SQL query for the features of the
leads open at the start of RUN_DATE, LightGBM predicts every lead with the champion's trees and
computes their contributions (pred_contrib: the sheet shows reasons for every row), and one CSV
is written, ranked by probability. No checks, no intake, no pricing, no talking points, no
Prefect. Prints one JSON line: seconds, rows and peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date, datetime
from datetime import time as clock_time

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd

# The same query the pipeline's features use, read from its file: the floor does the same set
# work, it just does nothing else.
FEATURES_SQL = "features/sql/point_in_time.sql"
OPEN = """
CREATE TEMP TABLE moments AS
SELECT lead_id, CAST(? AS TIMESTAMP) AS as_of FROM leads
WHERE created_at < CAST(? AS TIMESTAMP) AND (status = 'open' OR closed_at >= CAST(? AS TIMESTAMP))
"""
CHAMPION = """
SELECT model_text FROM models
WHERE version = (SELECT version FROM model_events
                 WHERE kind = 'warehouse' AND action IN ('promoted', 'rolled_back')
                 ORDER BY event_at DESC, rowid DESC LIMIT 1)
"""


def main(warehouse: str, run_date: date, out: str) -> None:
    start = time.perf_counter()
    as_of = datetime.combine(run_date, clock_time.min)
    con = duckdb.connect(warehouse, read_only=True)
    con.execute(OPEN, [as_of, as_of, as_of])
    with open(FEATURES_SQL, encoding="utf-8") as sql:
        frame = con.execute(sql.read()).df()
    booster = lgb.Booster(model_str=con.execute(CHAMPION).fetchone()[0])
    con.close()
    names = booster.feature_name()
    matrix = frame[names].copy()
    for name in matrix.columns:
        if not pd.api.types.is_numeric_dtype(matrix[name]):
            matrix[name] = matrix[name].astype("category")
    probability = booster.predict(matrix)
    contributions = np.asarray(booster.predict(matrix, pred_contrib=True))[:, :-1]
    top = np.asarray(names)[np.argmax(contributions, axis=1)]
    sheet = pd.DataFrame({"lead_id": frame["lead_id"], "first_name": frame["first_name"],
                          "last_name": frame["last_name"], "company": frame["company"],
                          "email": frame["email"], "win_probability": probability.round(3),
                          "top_reason": top})
    sheet.sort_values("win_probability", ascending=False).to_csv(out, index=False)
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(sheet),
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main(sys.argv[1], date.fromisoformat(sys.argv[2]), sys.argv[3])
