"""The features of a run are stored as typed columns (migration 014) and read back in one query:
exact types, no JSON per lead, and an older warehouse's JSON rows moved over."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from support import ANCHOR

from features.columns import CATEGORICAL, NUMERIC
from features.point_in_time import build_features, insert_open_features, open_moments
from flows import store
from flows.pipeline import steps
from flows.pipeline.steps import load_features

DAY = date(2026, 11, 27)


@pytest.fixture
def con():
    con = store.connect(":memory:")
    con.execute("""
        INSERT INTO companies (company_id, name, domain, country, industry, employees,
                               annual_revenue, founded_year, updated_at) VALUES
          ('C1', 'Société Générale des Eaux', 'sge.fr', 'FR', 'Retail', 120, 5000000, 1990, now()),
          ('C2', 'Tiny', NULL, 'de', NULL, NULL, NULL, NULL, now());
        INSERT INTO leads (lead_id, created_at, first_name, last_name, title, email, phone,
                           company_id, source, status, closed_at, updated_at) VALUES
          ('L1', '2026-11-01 10:00', 'Zoé', 'Müller', 'Directeur commercial', 'zoe@sge.fr',
           '+33 6 00 00 00 00', 'C1', 'web_form', 'open', NULL, now()),
          ('L2', '2026-11-25 09:00', 'Ann', NULL, NULL, 'ann@gmail.com', NULL, 'C2',
           'event', 'open', NULL, now()),
          ('L3', '2026-11-25 09:00', 'Ann', NULL, NULL, 'ann@gmail.com', NULL, 'C2',
           'event', 'open', NULL, now());
        INSERT INTO activities VALUES
          ('E1', 'L1', '2026-11-20 10:00', 'pricing_page'),
          ('E2', 'L2', '2026-11-26 09:00', 'docs');
        INSERT INTO lead_facts VALUES
          ('L1', 'hq_city', 'HQ city', 'Lyon', 'registry', '2026-11-20 08:00'),
          ('L1', 'establishments', 'Establishments', '3', 'registry', '2026-11-20 08:00');
    """)
    return con


def _stored(con) -> pd.DataFrame:
    frame = build_features(con, open_moments(con, DAY))
    with store.transaction(con):
        store.replace_run(con, "lead_features", DAY, frame)
    return frame


def _types(con, sql: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"DESCRIBE {sql}").fetchall()]


def test_the_table_has_a_column_of_the_features_query_s_type_for_each_column_it_makes(con):
    con.execute("CREATE TEMP TABLE moments (lead_id VARCHAR, as_of TIMESTAMP)")
    made = _types(con, files("features").joinpath("sql", "point_in_time.sql").read_text())
    stored = _types(con, "SELECT * EXCLUDE (run_date) FROM lead_features")
    assert stored == made
    assert "JSON" not in {kind for _, kind in stored}


def test_features_round_trip_columnar_with_exact_dtypes(con):
    built = _stored(con)
    loaded = load_features(con, DAY)
    kinds = dict(_types(con, "SELECT * EXCLUDE (run_date) FROM lead_features"))
    expected = {"VARCHAR": "str", "DOUBLE": "float64", "INTEGER": "float64", "BIGINT": "float64",
                "TIMESTAMP": "datetime64[us]", "VARCHAR[]": "object"}
    assert {n: str(t) for n, t in loaded.dtypes.items()} == {
        n: expected[k] for n, k in kinds.items()}
    same = built.assign(enriched_facts=[list(f) if pd.api.types.is_list_like(f) else None
                                        for f in built["enriched_facts"]])
    pd.testing.assert_frame_equal(loaded, same, check_dtype=False, check_exact=True)
    assert loaded["lead_id"].tolist() == ["L1", "L2", "L3"]
    assert {str(loaded[n].dtype) for n in NUMERIC} == {"float64"}
    assert {str(loaded[n].dtype) for n in CATEGORICAL} == {"str"}


def test_unknown_numbers_load_as_nan_and_facts_as_lists(con):
    _stored(con)
    loaded = load_features(con, DAY).set_index("lead_id")
    assert loaded.loc["L1", "employees"] == 120.0
    assert np.isnan(loaded.loc["L2", "employees"]) and np.isnan(loaded.loc["L2", "annual_revenue"])
    assert loaded.loc["L1", "enriched_facts"] == ["Establishments: 3 (registry, 2026-11-20)",
                                                  "HQ city: Lyon (registry, 2026-11-20)"]
    assert loaded.loc["L2", "enriched_facts"] is None
    assert loaded.loc["L1", "first_name"] == "Zoé"


def test_a_second_store_of_the_day_replaces_its_rows(con):
    _stored(con)
    con.execute("UPDATE leads SET status = 'lost', closed_at = '2026-11-26' WHERE lead_id = 'L3'")
    _stored(con)
    assert load_features(con, DAY)["lead_id"].tolist() == ["L1", "L2"]


def test_the_open_leads_features_go_straight_into_the_table_as_build_features_makes_them(con):
    expected = build_features(con, open_moments(con, DAY)).query("lead_id != 'L3'")
    with store.transaction(con):
        assert insert_open_features(con, DAY, "SELECT 'L3'", "lead_features") == 2
    assert con.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'moments'"
                       ).fetchall() == [(0,)]  # the moments are dropped
    loaded = load_features(con, DAY)
    pd.testing.assert_frame_equal(
        loaded.drop(columns="enriched_facts"),
        expected.drop(columns="enriched_facts").reset_index(drop=True),
        check_dtype=False, check_exact=True)


def test_the_features_step_stores_the_open_leads_and_a_lead_named_twice_undoes_it(
        demo_env, tmp_path, monkeypatch):
    settings = demo_env[0]
    shutil.copy(settings.path(settings.warehouse), tmp_path / "leadpilot.duckdb")
    local = settings.model_copy(update={"warehouse": tmp_path / "leadpilot.duckdb"})
    stored = steps.features(local, ANCHOR)
    with store.opened(local.warehouse) as c:
        before = load_features(c, ANCHOR)
    assert stored == len(before) > 100 and before["lead_id"].is_unique
    insert = steps.insert_open_features

    def twice(con, run_date, *args):  # a query that names one lead twice
        inserted = insert(con, run_date, *args)
        con.execute("INSERT INTO lead_features SELECT * FROM lead_features WHERE run_date = ? "
                    "LIMIT 1", [run_date])
        return inserted + 1

    monkeypatch.setattr(steps, "insert_open_features", twice)
    with pytest.raises(ValueError, match="name a lead already named: nothing written"):
        steps.features(local, ANCHOR)
    with store.opened(local.warehouse) as c:  # the day's rows as they were, none deleted
        pd.testing.assert_frame_equal(load_features(c, ANCHOR), before)


def test_an_older_warehouse_s_json_features_move_into_the_typed_columns():
    con = store.connect(":memory:")
    con.execute("DROP TABLE lead_features")  # the table as schema.sql made it, with one row
    con.execute("CREATE TABLE lead_features (run_date DATE NOT NULL, lead_id VARCHAR NOT NULL, "
                "as_of TIMESTAMP NOT NULL, features JSON NOT NULL, "
                "PRIMARY KEY (run_date, lead_id))")
    con.execute("INSERT INTO lead_features VALUES (?, 'L1', ?, ?)", [
        DAY, datetime(2026, 11, 27), '{"size_band": "51-200", "events_7d": 2.0, '
        '"employees": 120.0, "annual_revenue": null, "created_at": "2026-11-01T10:00:00", '
        '"enriched_facts": ["HQ city: Lyon (registry, 2026-11-20)"], "first_name": "Zoé"}'])
    con.execute("DELETE FROM schema_version WHERE version = 14")
    assert store.migrate(con) == [14]
    row = load_features(con, DAY).iloc[0]
    assert (row["size_band"], row["events_7d"], row["employees"]) == ("51-200", 2.0, 120.0)
    assert np.isnan(row["annual_revenue"]) and np.isnan(row["events_30d"])
    assert row["created_at"] == pd.Timestamp("2026-11-01 10:00")
    assert row["enriched_facts"] == ["HQ city: Lyon (registry, 2026-11-20)"]
    assert row["first_name"] == "Zoé"
