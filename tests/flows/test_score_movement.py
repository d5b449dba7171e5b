"""Score movement on the sheet: a lead scored yesterday and today shows the change and the
feature that caused it; drift compares today's leads with the training data."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

from support import ANCHOR

from flows import store
from flows.models import scoring as model_scoring
from flows.pipeline import steps


def test_a_lead_that_asked_for_a_demo_since_yesterday_moves_up_and_the_sheet_says_why(
        demo_env, tmp_path):
    settings = demo_env[0]
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    local = settings.model_copy(update={"warehouse": tmp_path / "w.duckdb"})
    scorer = model_scoring.choose_scorer(local, datetime(2026, 11, 27, 6))
    assert scorer.kind == "model"
    steps.features(local, ANCHOR)
    model_scoring.score(local, ANCHOR, scorer)
    with store.opened(local.warehouse) as con:
        lead = con.execute("SELECT lead_id FROM scores WHERE run_date = ? "
                           "ORDER BY abs(win_probability - 0.3), lead_id LIMIT 1",
                           [ANCHOR]).fetchone()[0]
        events = [(f"mv-{k}", lead, datetime(2026, 11, 27, 9 + k), kind)
                  for k, kind in enumerate(["pricing_page", "pricing_page", "demo_request"])]
        con.executemany("INSERT INTO activities (event_id, lead_id, occurred_at, event_type) "
                        "VALUES (?, ?, ?, ?)", events)
    tomorrow = ANCHOR + timedelta(days=1)
    steps.features(local, tomorrow)
    model_scoring.score(local, tomorrow, scorer)
    with store.opened(local.warehouse) as con:
        moves = dict(con.execute("SELECT lead_id, movement FROM scores WHERE run_date = ?",
                                 [tomorrow]).fetchall())
        before, after = (con.execute("SELECT win_probability FROM scores WHERE lead_id = ? "
                                     "AND run_date = ?", [lead, day]).fetchone()[0]
                         for day in (ANCHOR, tomorrow))
    change = round((after - before) * 100)
    assert change >= 5
    assert moves[lead].startswith(f"▲ +{change}: ")
    assert any(label in moves[lead] for label in ("Demo requests", "Pricing page", "Activities",
                                                  "Days since last activity", "Demandes",
                                                  "Vues", "Activités", "Jours"))
    assert all(m == "±0" or m[:2] in ("▲ ", "▼ ") for m in moves.values())


def test_drift_is_measured_for_every_feature_and_the_score(demo_env):
    settings = demo_env[0]
    scorer = model_scoring.choose_scorer(settings, datetime(2026, 11, 27, 6))
    steps.features(settings, ANCHOR)
    model_scoring.score(settings, ANCHOR, scorer)  # drift reads the stored scores, as in the flow
    found = model_scoring.drift(settings, ANCHOR, scorer)
    assert found["computed"] and found["threshold"] == 0.2
    assert {"score", "events_7d", "size_band"} <= set(found["psi"])
    assert found["drifted"] == sorted(found["drifted"], key=lambda n: -found["psi"][n])
    lines = model_scoring.summary_lines({"scoring": {"scored_by": "model x"}, "drift": found})
    if found["drifted"]:
        assert "drift warning" in lines[1] and found["drifted"][0] in lines[1]


def test_yesterday_s_scores_are_read_with_only_what_the_movement_needs(
        demo_env, tmp_path, monkeypatch):
    """The previous scores come with the model's features only, not every stored column: the
    same movement as reading them all."""
    from flows.models import chunks

    settings = demo_env[0]
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    local = settings.model_copy(update={"warehouse": tmp_path / "w.duckdb"})
    scorer = model_scoring.choose_scorer(local, datetime(2026, 11, 27, 6))
    tomorrow = ANCHOR + timedelta(days=1)
    for day in (ANCHOR, tomorrow):
        steps.features(local, day)
    model_scoring.score(local, ANCHOR, scorer)

    def scored(columns: tuple[str, ...]) -> tuple[list, set]:
        read, seen = chunks.read_chunks, set()

        def recorded(con, run_date, starts):
            for chunk in read(con, run_date, starts):
                seen.update(chunk.previous.columns)
                yield chunk

        monkeypatch.setattr(chunks, "PREVIOUS_COLUMNS", columns)
        monkeypatch.setattr(chunks, "read_chunks", recorded)
        model_scoring.score(local, tomorrow, scorer)
        with store.opened(local.warehouse) as con:
            return con.execute("SELECT * EXCLUDE (movement), movement FROM scores "
                               "WHERE run_date = ? ORDER BY lead_id",
                               [tomorrow]).fetchall(), seen

    projected, read = scored(chunks.PREVIOUS_COLUMNS)
    with store.opened(local.warehouse) as con:
        every = tuple(chunks.previous_scores(con, tomorrow).column_names)
    whole, read_whole = scored(every)
    assert read == set(chunks.PREVIOUS_COLUMNS) and {"email", "enriched_facts"} <= read_whole
    assert projected == whole and any(row[-1] not in ("±0", "new") for row in whole)


def test_yesterday_s_contributions_kept_as_json_before_version_23_are_read_as_the_movement_needs(
        demo_env, tmp_path):
    """Yesterday's scores kept by a warehouse before migration 23, as JSON: an object gives its
    names and values in the same order; none kept (NULL), JSON null, a list, a number or an
    empty object give no contribution."""
    from flows.models.chunks import PREVIOUS_COLUMNS, previous_scores
    from scoring.movement import contribution_columns

    local, tomorrow = _scored_yesterday(demo_env[0], tmp_path)
    kept = [None, "null", "[0.5, 1]", "2", "{}", ' {"events_7d": -0.25, "seniority": 1}']
    with store.opened(local.warehouse) as con:
        leads = [row[0] for row in con.execute(
            "SELECT lead_id FROM scores WHERE run_date = ? ORDER BY lead_id LIMIT ?",
            [ANCHOR, len(kept)]).fetchall()]
        con.execute("CREATE TABLE scores_v22 AS SELECT * EXCLUDE (contribution_names, "
                    "contribution_values, movement), CAST(to_json(map(contribution_names, "
                    "contribution_values)) AS JSON) AS contributions, movement FROM scores")
        con.execute("DROP TABLE scores")
        con.execute("ALTER TABLE scores_v22 RENAME TO scores")
        con.executemany("UPDATE scores SET contributions = ? WHERE run_date = ? AND lead_id = ?",
                        [[text, ANCHOR, lead] for text, lead in zip(kept, leads, strict=True)])
        con.execute("DELETE FROM schema_version WHERE version = 23")
    with store.opened(local.warehouse) as con:  # brought up to date as it opens
        read = previous_scores(con, tomorrow, leads[0]).to_pandas()
    read = read[read["lead_id"].isin(leads)].set_index("lead_id").loc[leads]
    assert set(PREVIOUS_COLUMNS) <= {"lead_id", *read.columns}
    columns = contribution_columns(read["contribution_names"], read["contribution_values"])
    assert columns.to_dict("list") == {"events_7d": [0.0] * 5 + [-0.25],
                                       "seniority": [0.0] * 5 + [1.0]}


def test_yesterday_s_contributions_read_apart_sit_beside_their_own_leads(demo_env, tmp_path,
                                                                          monkeypatch):
    """previous_scores reads the contributions by lead_id range alone and puts them beside the
    joined rows by lead_id: read in the reverse order, with leads scored yesterday and not open
    today, and with a lead whose run kept none, each row still gets its own lead's lists (as the
    join that carried them gave them)."""
    from flows.models import chunks

    local, tomorrow = _scored_yesterday(demo_env[0], tmp_path)
    sql = store.sql
    monkeypatch.setattr(store, "sql", lambda name, *package: sql(name, *package) + (
        "\nORDER BY lead_id DESC" if name == "previous_contributions" else ""))
    with store.opened(local.warehouse) as con:
        leads = [lead for (lead,) in con.execute(
            "SELECT lead_id FROM lead_features WHERE run_date = ? ORDER BY lead_id",
            [tomorrow]).fetchall()]
        con.execute("DELETE FROM lead_features WHERE run_date = ? AND lead_id IN (?, ?, ?)",
                    [tomorrow, leads[1], leads[5], leads[-1]])  # scored yesterday, gone today
        con.execute("UPDATE scores SET contribution_names = NULL, contribution_values = NULL "
                    "WHERE run_date = ? AND lead_id = ?", [ANCHOR, leads[2]])
        joined = con.execute(
            "SELECT s.lead_id, s.contribution_names, s.contribution_values FROM scores s "
            "SEMI JOIN lead_features t ON t.run_date = ? AND t.lead_id = s.lead_id "
            "WHERE s.run_date = ? AND s.lead_id >= ? ORDER BY s.lead_id",
            [tomorrow, ANCHOR, leads[0]]).fetchall()
        read = chunks.previous_scores(con, tomorrow, leads[0], columns=(
            "lead_id", *chunks.CONTRIBUTION_LISTS))
        whole = chunks.previous_scores(con, tomorrow)
    assert [tuple(row.values()) for row in read.to_pylist()] == joined
    assert len(joined) == len(leads) - 3 and joined[1] == (leads[2], None, None)
    assert all(len(names) == len(values) > 0 for _, names, values in joined[2:])
    assert whole.column_names[:5] == ["lead_id", "win_probability", "scored_by",
                                      *chunks.CONTRIBUTION_LISTS]
    assert whole.select(["lead_id", *chunks.CONTRIBUTION_LISTS]).to_pylist() == read.to_pylist()


def _scored_yesterday(settings, tmp_path):
    """A copy of the demo warehouse with the features of ANCHOR and the day after, and the
    scores of ANCHOR: the settings pointing at it, and the day after."""
    shutil.copy(settings.path(settings.warehouse), tmp_path / "w.duckdb")
    local = settings.model_copy(update={"warehouse": tmp_path / "w.duckdb"})
    tomorrow = ANCHOR + timedelta(days=1)
    for day in (ANCHOR, tomorrow):
        steps.features(local, day)
    model_scoring.score(local, ANCHOR, model_scoring.choose_scorer(local,
                                                                   datetime(2026, 11, 27, 6)))
    return local, tomorrow
