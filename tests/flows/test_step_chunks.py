"""The price and talking-points steps in chunks: any chunk size stores the same quotes and
talking points, the features are read one chunk at a time, and DuckDB is held to the
settings' memory limit."""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pandas as pd
import pytest
from pydantic import ValidationError
from support import ANCHOR, NOW

from flows import store
from flows.models import chunks
from flows.models import scoring as model_scoring
from flows.pipeline import steps
from flows.settings import Settings

LEADS = 23  # today's open leads here, the demo's first 23
ALL = 10**6  # more leads per chunk than there are: one chunk


@pytest.fixture(scope="module")
def stepped(demo_env, tmp_path_factory):
    """A copy of the demo warehouse with LEADS leads' features and scores today; the quotes
    and talking points of the day in one chunk, with the counts the steps returned."""
    settings = demo_env[0]
    warehouse = tmp_path_factory.mktemp("step-chunks") / "leadpilot.duckdb"
    shutil.copy(settings.path(settings.warehouse), warehouse)
    local = settings.model_copy(update={"warehouse": warehouse, "chunk_leads": ALL})
    steps.features(local, ANCHOR)
    with store.opened(warehouse) as con:
        con.execute("DELETE FROM lead_features WHERE run_date = $day AND lead_id NOT IN (SELECT "
                    "lead_id FROM lead_features WHERE run_date = $day ORDER BY lead_id LIMIT "
                    "$leads)", {"day": ANCHOR, "leads": LEADS})
    chunks.score_in_chunks(local, ANCHOR, model_scoring.choose_scorer(local, NOW))
    counts = steps.price(local, ANCHOR), steps.talking_points(local, ANCHOR)
    return local, counts, _stored(local, "quotes"), _stored(local, "talking_points")


def _stored(settings, table: str) -> pd.DataFrame:
    with store.opened(settings.warehouse) as con:
        return con.execute(f"SELECT * EXCLUDE (run_date) FROM {table} "  # noqa: S608
                           "WHERE run_date = ? ORDER BY lead_id", [ANCHOR]).df()


def test_one_chunk_prices_and_explains_every_open_lead(stepped):
    _, counts, quotes, points = stepped
    assert counts == (LEADS, LEADS)
    assert quotes["lead_id"].is_unique and points["lead_id"].tolist() == quotes["lead_id"].tolist()
    assert quotes["plan"].notna().all() and points["point_ids"].map(len).ge(3).all()


@pytest.mark.parametrize("size", [1, 4, LEADS - 1, LEADS])
def test_any_chunk_size_stores_the_same_quotes_and_talking_points(stepped, size):
    settings, counts, quotes, points = stepped
    chunked = settings.model_copy(update={"chunk_leads": size})
    with store.opened(settings.warehouse) as con:  # nothing left over from the last size
        for table in ("quotes", "talking_points"):
            store.clear_run(con, table, ANCHOR)
    assert steps.price(chunked, ANCHOR) == counts[0]
    assert steps.talking_points(chunked, ANCHOR) == counts[1]
    pd.testing.assert_frame_equal(_stored(chunked, "quotes"), quotes)
    pd.testing.assert_frame_equal(_stored(chunked, "talking_points"), points)


def test_talking_points_read_the_features_a_chunk_at_a_time(stepped, monkeypatch):
    settings, _, _, points = stepped
    read = steps.load_features
    sizes: list[int] = []

    def counted(con, run_date, **bounds):
        frame = read(con, run_date, **bounds)
        sizes.append(len(frame))
        return frame

    monkeypatch.setattr(steps, "load_features", counted)
    steps.talking_points(settings.model_copy(update={"chunk_leads": 10}), ANCHOR)
    assert sizes == [10, 10, LEADS - 20]
    pd.testing.assert_frame_equal(_stored(settings, "talking_points"), points)


def test_under_a_tight_duckdb_memory_limit_the_steps_store_the_same_rows(stepped, monkeypatch):
    settings, counts, quotes, points = stepped
    limits: list[str] = []
    opened = store.opened

    @contextmanager
    def recorded(path, memory_limit=None):
        with opened(path, memory_limit) as con:
            limits.append(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
            yield con

    monkeypatch.setattr(store, "opened", recorded)
    tight = settings.model_copy(update={"duckdb_memory_limit": "64MB", "chunk_leads": 5})
    assert (steps.price(tight, ANCHOR), steps.talking_points(tight, ANCHOR)) == counts
    assert limits == ["61.0 MiB", "61.0 MiB"]
    pd.testing.assert_frame_equal(_stored(settings, "quotes"), quotes)
    pd.testing.assert_frame_equal(_stored(settings, "talking_points"), points)


def test_the_memory_limit_must_be_a_size_duckdb_reads():
    with pytest.raises(ValidationError, match="duckdb_memory_limit"):
        Settings(duckdb_memory_limit="lots")
    assert Settings(duckdb_memory_limit="512MB").duckdb_memory_limit == "512MB"


def _with_point(settings, tmp_path, point: str):
    """`settings` with the demo playbook and one more point, first in priority."""
    playbook = tmp_path / "playbook.yaml"
    text = (settings.path(settings.playbook)).read_text(encoding="utf-8")
    playbook.write_text(text.replace("points:\n", "points:\n" + point, 1), encoding="utf-8")
    return settings.model_copy(update={"playbook": playbook})


def test_talking_points_read_only_the_stored_columns_their_playbook_reads(
        stepped, monkeypatch, tmp_path):
    """Columns the templates never see are not read (the enriched facts' lists, e-mail, phone,
    names), one a template reads is, even outside LEAD_COLUMNS: the same rows as reading every
    column."""
    settings, counts, _, points = stepped
    custom = _with_point(settings, tmp_path, """  - id: their_site
    when: company_domain is not none
    source: "companies · website"
    priority: 1000
    text:
      en: "Their site is {{ company_domain }}."
      fr: "Leur site est {{ company_domain }}."
""")
    read = steps.load_features
    columns: list[list[str]] = []

    def recorded(con, run_date, **bounds):
        frame = read(con, run_date, **bounds)
        columns.append(list(frame.columns))
        return frame

    monkeypatch.setattr(steps, "load_features", recorded)
    try:
        assert steps.talking_points(custom, ANCHOR) == counts[1]
        projected = _stored(custom, "talking_points")
        assert "company_domain" in columns[0] and "lead_id" in columns[0]
        assert not {"enriched_facts", "email", "phone", "first_name"} & set(columns[0])
        assert projected["points"].map(lambda p: p[0].startswith("Their site is ")).any()
        monkeypatch.setattr(steps, "_read_by", lambda *_: None)  # every stored column
        assert steps.talking_points(custom, ANCHOR) == counts[1]
        assert "enriched_facts" in columns[-1]
        pd.testing.assert_frame_equal(_stored(custom, "talking_points"), projected)
    finally:
        monkeypatch.undo()
        steps.talking_points(settings, ANCHOR)  # the module's rows again
    pd.testing.assert_frame_equal(_stored(settings, "talking_points"), points)


def test_a_playbook_with_problems_is_reported_as_it_is_without_the_projection(
        stepped, tmp_path):
    settings, _, _, points = stepped
    broken = _with_point(settings, tmp_path, """  - id: nowhere
    when: no_such_field > 1
    source: "nowhere"
    priority: 1000
    text:
      en: "Never."
      fr: "Jamais."
""")
    with pytest.raises(ValueError, match="playbook has problems: .*no_such_field"):
        steps.talking_points(broken, ANCHOR)
    pd.testing.assert_frame_equal(_stored(settings, "talking_points"), points)
