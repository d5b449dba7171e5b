"""Point-in-time features: a lead's features never see what happened after its scoring moment."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from features.columns import FEATURE_NAMES
from features.point_in_time import build_features, history_moments, model_matrix, open_moments
from flows import store


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
          ('L1', '2026-03-01 10:00', 'Zoé', 'Müller', 'Directeur commercial', 'zoe@sge.fr',
           '+33 6 00 00 00 00', 'C1', 'web_form', 'won', '2026-04-01', now()),
          ('L2', '2026-11-25 09:00', 'Ann', NULL, NULL, 'ann@gmail.com', NULL, 'C2',
           'event', 'open', NULL, now());
        INSERT INTO activities VALUES
          ('E1', 'L1', '2026-02-20 10:00', 'page_view'),
          ('E2', 'L1', '2026-03-02 10:00', 'pricing_page'),
          ('E3', 'L1', '2026-03-03 10:00', 'pricing_page'),
          ('E4', 'L1', '2026-03-10 10:00', 'demo_request'),   -- after L1's scoring moment
          ('E5', 'L2', '2026-11-26 09:00', 'docs');
    """)
    return con


def test_history_is_scored_lag_days_after_it_came_in(con):
    moments = history_moments(con, lag_days=3)
    assert moments["lead_id"].tolist() == ["L1"]
    assert moments["as_of"].iloc[0] == pd.Timestamp("2026-03-04 00:00")  # like a daily run
    assert moments["won"].tolist() == [1]


def test_counts_only_see_events_before_the_scoring_moment(con):
    frame = build_features(con, history_moments(con, 3)).set_index("lead_id")
    assert frame.loc["L1", "events_90d"] == 3
    assert frame.loc["L1", "pricing_views_7d"] == 2
    assert frame.loc["L1", "demo_requests_90d"] == 0  # the demo request came later
    assert frame.loc["L1", "size_band"] == "51-200"
    assert frame.loc["L1", "days_since_last_event"] == pytest.approx(14 / 24)


def test_a_later_event_changes_no_historical_feature(con):
    before = build_features(con, history_moments(con, 3))
    con.execute("INSERT INTO activities VALUES ('E9', 'L1', '2026-03-05 08:00', 'demo_request')")
    after = build_features(con, history_moments(con, 3))
    pd.testing.assert_frame_equal(before, after)
    con.execute("INSERT INTO activities VALUES ('E10', 'L1', '2026-03-03 20:00', 'demo_request')")
    changed = build_features(con, history_moments(con, 3))
    assert changed["demo_requests_90d"].iloc[0] == 1  # an earlier event does count


def test_open_leads_are_scored_as_of_the_run_dates_midnight(con):
    moments = open_moments(con, date(2026, 11, 27))
    assert moments["lead_id"].tolist() == ["L2"]
    assert moments["as_of"].iloc[0] == pd.Timestamp(datetime(2026, 11, 27))
    assert open_moments(con, date(2026, 11, 25)).empty  # it came in later that day


def test_missing_firmographics_become_explicit_unknowns(con):
    frame = build_features(con, open_moments(con, date(2026, 11, 27))).set_index("lead_id")
    assert frame.loc["L2", "size_band"] == "unknown"
    assert frame.loc["L2", "industry"] == "unknown"
    assert frame.loc["L2", "country"] == "DE"
    assert frame.loc["L2", "completeness"] == pytest.approx(1 / 8)


def test_the_model_matrix_has_every_feature_in_order_with_lightgbm_dtypes(con):
    matrix = model_matrix(build_features(con, history_moments(con, 3)))
    assert tuple(matrix.columns) == FEATURE_NAMES
    assert str(matrix["size_band"].dtype) == "category"
    assert matrix["events_7d"].dtype == "float64"
    assert isinstance(con, duckdb.DuckDBPyConnection)


@pytest.mark.parametrize("order", [("E7", "E8"), ("E8", "E7")])
def test_the_last_event_of_two_at_the_same_instant_is_the_later_recorded_one(con, order):
    # the talking points read last_event_type: it must not depend on the order rows are read
    # in (arg_max over a tie picked either; at 100k leads two runs stored different types)
    types = {"E7": "demo_request", "E8": "page_view"}
    for event_id in order:
        con.execute("INSERT INTO activities VALUES (?, 'L2', '2026-11-26 12:00', ?)",
                    [event_id, types[event_id]])
    frame = build_features(con, open_moments(con, date(2026, 11, 27)))
    assert frame.set_index("lead_id").loc["L2", "last_event_type"] == "page_view"  # E8 > E7
