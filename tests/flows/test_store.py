"""The warehouse module: idempotent schema, all-or-nothing steps, a clear lock message."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
from datetime import date

import duckdb
import pandas as pd
import pytest

from flows import store
from flows.errors import LeadpilotError


def test_connecting_twice_applies_the_schema_once(tmp_path):
    path = tmp_path / "w.duckdb"
    store.connect(path).close()
    con = store.connect(path)
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()]
    assert versions == sorted(set(versions)) and versions[0] == 1


def test_a_failing_step_leaves_nothing_half_written(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    rows = pd.DataFrame({"lead_id": ["L1"], "points": [["a", "b", "c"]]})
    with pytest.raises(RuntimeError), store.transaction(con):
        store.replace_run(con, "talking_points", date(2026, 11, 27), rows)
        raise RuntimeError("crash mid-step")
    assert con.execute("SELECT count(*) FROM talking_points").fetchall()[0][0] == 0


def test_replacing_a_run_keeps_other_days(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    rows = pd.DataFrame({"lead_id": ["L1"], "points": [["a", "b", "c"]]})
    for day in (date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 27)):
        store.replace_run(con, "talking_points", day, rows)
    counts = con.execute("SELECT run_date, count(*) FROM talking_points GROUP BY ALL "
                         "ORDER BY 1").fetchall()
    assert [c[1] for c in counts] == [1, 1]


def test_a_run_staged_in_chunks_replaces_its_day_at_the_end_or_not_at_all(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    day, rows = date(2026, 11, 27), pd.DataFrame({"lead_id": ["L1"], "points": [["a", "b"]]})
    store.replace_run(con, "talking_points", day, rows)
    store.replace_run(con, "talking_points", date(2026, 11, 26), rows)
    chunk = pd.DataFrame({"lead_id": ["L2", "L3"], "points": [["c"], ["d"]]})

    def leads() -> list[tuple]:  # the rows in place (not those staged, dated PENDING)
        return con.execute("SELECT run_date, lead_id FROM talking_points WHERE run_date < ? "
                           "ORDER BY ALL", [store.PENDING]).fetchall()

    before = leads()
    with pytest.raises(RuntimeError), store.staged_run(con, "talking_points", day) as add:
        assert add(chunk) == 2
        raise RuntimeError("crash after a chunk")
    assert leads() == before
    assert con.execute("SELECT count(*) FROM talking_points").fetchall() == [(len(before),)]
    with store.staged_run(con, "talking_points", day) as add:
        add(chunk)
        add(chunk.assign(lead_id=["L4", "L5"]))
        assert leads() == before  # not in place before the end
    assert leads() == [(date(2026, 11, 26), "L1")] + [(day, f"L{i}") for i in range(2, 6)]


def test_a_staged_run_writes_each_row_once_and_leaves_nothing_staged(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    day = date(2026, 11, 27)
    rows = pd.DataFrame({"lead_id": [f"L{i}" for i in range(4)], "points": [["a"]] * 4})
    store.replace_run(con, "talking_points", day, rows.head(1))
    with store.staged_run(con, "talking_points", day) as add:
        add(rows.head(2))
        add(rows.tail(2))
        # committed into the table itself, dated PENDING, seen by another connection
        assert con.cursor().execute("SELECT run_date, count(*) FROM talking_points GROUP BY "
                                    "ALL ORDER BY 1").fetchall() == [(day, 1),
                                                                     (store.PENDING, 4)]
    assert con.execute("SELECT run_date, count(*) FROM talking_points GROUP BY ALL"
                       ).fetchall() == [(day, 4)]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'staged%'"
                       ).fetchall() == [(0,)]
    with pytest.raises(ValueError, match="name a lead already named"), \
            store.staged_run(con, "talking_points", day) as add:
        add(rows)
        add(rows.head(1))
    assert con.execute("SELECT run_date, count(*) FROM talking_points GROUP BY ALL"
                       ).fetchall() == [(day, 4)]  # the day as it was, nothing left staged
    with pytest.raises(ValueError, match="not a run date"), \
            store.staged_run(con, "talking_points", store.PENDING):
        pass


def test_rows_a_killed_run_left_staged_are_swept_when_the_warehouse_is_next_opened(tmp_path):
    warehouse, day = tmp_path / "w.duckdb", date(2026, 11, 27)
    rows = pd.DataFrame({"lead_id": ["L1", "L2"], "points": [["a"], ["b"]]})
    with store.opened(warehouse) as con:
        store.replace_run(con, "talking_points", day, rows)
        # as a process killed in the middle of staged_run leaves them (its cleanup never ran)
        store.replace_run(con, "talking_points", store.PENDING, rows.assign(lead_id=["L3", "L4"]))
        con.execute("CREATE TABLE staged_scores AS FROM scores")  # as versions before 18 left
        con.execute("DELETE FROM schema_version WHERE version = 18")
    with store.opened(warehouse) as con:
        assert con.execute("SELECT run_date, lead_id FROM talking_points ORDER BY ALL"
                           ).fetchall() == [(day, "L1"), (day, "L2")]
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE "
                           "'staged%'").fetchall() == [(0,)]
        with store.staged_run(con, "talking_points", day) as add:
            add(rows.assign(lead_id=["L5", "L6"]))
            # a second connection of this process (a step opening the file) keeps them
            with store.opened(warehouse) as other:
                assert other.execute("SELECT count(*) FROM talking_points WHERE run_date = ?",
                                     [store.PENDING]).fetchall() == [(2,)]
        assert con.execute("SELECT lead_id FROM talking_points ORDER BY ALL").fetchall() == [
            ("L5",), ("L6",)]


def test_a_stage_begun_while_another_thread_sweeps_keeps_its_rows(tmp_path):
    # the daily flow runs two steps side by side: one step's connection, sweeping as it opens,
    # must not delete the rows the other has just begun to stage (the stage waits for it)
    warehouse, day = tmp_path / "w.duckdb", date(2026, 11, 27)
    store.connect(warehouse).close()
    staged, swept, done = threading.Event(), threading.Event(), []

    def stage():  # on a connection opened before the sweep began, as the other step's
        with store.staged_run(stager_con, "talking_points", day) as add:
            add(pd.DataFrame({"lead_id": ["L1", "L2"], "points": [["a"], ["b"]]}))
            staged.set()
            swept.wait(timeout=5)  # put in place once the sweep is over
        done.append(1)

    stager = threading.Thread(target=stage)

    class Pausing:  # a sweeping connection: the stage begins between its check and its delete
        def __init__(self, con):
            self.con = con

        def execute(self, query, params=None):
            if not query.startswith("DELETE FROM talking_points"):
                return self.con.execute(query, params)
            stager.start()
            staged.wait(timeout=2)  # without the lock, the stage commits its rows meanwhile
            result = self.con.execute(query, params)
            swept.set()
            return result

    with store.opened(warehouse) as stager_con, store.opened(warehouse) as sweeping:
        store.sweep_pending(Pausing(sweeping))
        stager.join()
    assert done == [1]
    with store.opened(warehouse) as con:
        assert con.execute("SELECT run_date, lead_id FROM talking_points ORDER BY ALL"
                           ).fetchall() == [(day, "L1"), (day, "L2")]


def test_running_a_day_again_replaces_its_rows_and_drops_the_leads_it_no_longer_has(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    day = date(2026, 11, 27)
    with store.transaction(con):
        store.replace_run(con, "talking_points", day, pd.DataFrame({
            "lead_id": ["L1", "L2"], "points": [["a"], ["b"]], "point_ids": [["p1"], ["p2"]]}))
    with store.transaction(con):  # L1 changes, L2 is gone, L3 is new
        store.replace_run(con, "talking_points", day, pd.DataFrame({
            "lead_id": ["L1", "L3"], "points": [["z"], ["c"]], "point_ids": [["p9"], ["p3"]]}))
    rows = con.execute("SELECT lead_id, points, point_ids FROM talking_points ORDER BY 1"
                       ).fetchall()
    assert rows == [("L1", ["z"], ["p9"]), ("L3", ["c"], ["p3"])]


def test_a_column_the_new_rows_lack_does_not_keep_the_previous_runs_value(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    day = date(2026, 11, 27)
    store.replace_run(con, "talking_points", day, pd.DataFrame({
        "lead_id": ["L1"], "points": [["a"]], "point_ids": [["p1"]]}))
    store.replace_run(con, "talking_points", day, pd.DataFrame({
        "lead_id": ["L1"], "points": [["b"]]}))
    assert con.execute("SELECT points, point_ids FROM talking_points").fetchall() == [
        (["b"], None)]


def test_upserting_leads_twice_keeps_one_row_per_lead(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    first = pd.DataFrame({"lead_id": ["L1", "L2"], "created_at": [pd.Timestamp("2026-11-01")] * 2,
                          "source": ["web_form"] * 2, "status": ["open"] * 2,
                          "title": ["CEO", "CFO"], "updated_at": [pd.Timestamp("2026-11-02")] * 2})
    with store.transaction(con):
        store.upsert(con, "leads", first)
    with store.transaction(con):
        store.upsert(con, "leads", first.assign(title=["CTO", "CFO"]).iloc[:1])
    rows = con.execute("SELECT lead_id, title FROM leads ORDER BY 1").fetchall()
    assert rows == [("L1", "CTO"), ("L2", "CFO")]


def test_the_leads_table_carries_no_index_to_maintain(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'leads' "
                       "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')").fetchone()[0] == 0
    nullable = con.execute("SELECT is_nullable FROM duckdb_columns() WHERE table_name = 'leads' "
                           "AND column_name = 'lead_id'").fetchone()[0]
    assert nullable is False


def test_duckdb_never_draws_its_own_progress_bar_over_the_cli(tmp_path):
    path = tmp_path / "w.duckdb"
    with store.opened(path) as con:
        writing = con.execute("SELECT current_setting('enable_progress_bar_print')").fetchone()
    with store.opened_read_only(path) as con:
        reading = con.execute("SELECT current_setting('enable_progress_bar_print')").fetchone()
    assert writing == reading == (False,)


def test_only_known_tables_can_be_written(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    with pytest.raises(ValueError):
        store.replace_run(con, "leads; DROP TABLE leads", date(2026, 11, 27), pd.DataFrame())
    with pytest.raises(ValueError):
        store.upsert(con, "runs", pd.DataFrame({"x": [1]}))


def _holding(path):
    """Another process holding the warehouse file, as a second leadpilot command does."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
        "time.sleep(30)"), str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    return holder


def _let_go(holder) -> None:
    holder.kill()
    holder.wait()
    holder.stdout.close()


def test_a_warehouse_held_by_another_process_names_that_process(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    store.connect(path).close()
    monkeypatch.setattr(store, "WAIT_SECONDS", 0)  # give up at the second try
    holder = _holding(path)
    try:
        with pytest.raises(LeadpilotError, match=rf"in use by process {holder.pid} \(waited 0 s"):
            store.connect(path)
    finally:
        _let_go(holder)
    store.connect(path).close()  # free again once the holder is gone


def test_a_held_warehouse_is_waited_for_until_the_other_process_lets_go(tmp_path, caplog):
    path = tmp_path / "w.duckdb"
    store.connect(path).close()
    holder, pauses = _holding(path), []

    def pause(seconds):  # the other command finishes while this one waits
        pauses.append(seconds)
        _let_go(holder)

    try:
        con = store._duckdb(path, read_only=False, wait=600, sleep=pause)
    finally:
        _let_go(holder)
    assert con.execute("SELECT 1").fetchall() == [(1,)]
    con.close()
    assert pauses == [store.POLL_SECONDS]
    assert f"in use by process {holder.pid}: waiting for it (up to 600 s)" in caplog.text


def test_a_held_warehouse_is_waited_for_at_most_the_time_given(tmp_path):
    path = tmp_path / "w.duckdb"
    store.connect(path).close()
    ticks, pauses = iter(range(0, 100, 2)), []
    holder = _holding(path)
    try:
        with pytest.raises(LeadpilotError, match=r"\(waited 5 s for it\); stop it or run again"):
            store._duckdb(path, read_only=True, wait=5, clock=lambda: next(ticks),
                          sleep=pauses.append)
    finally:
        _let_go(holder)
    assert len(pauses) == 3  # asked at 0 (until 5), 2 and 4; at 6 it gives up


def test_the_run_tables_have_no_key_index_and_refuse_a_lead_named_twice(tmp_path):
    # migration 016: the key (run_date, lead_id) is kept by put_run, not by an ART index whose
    # commit made a day run again cost 4-10 s per table at 100k leads
    con = store.connect(tmp_path / "w.duckdb")
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = "
                       "'PRIMARY KEY' AND list_contains(?, table_name)", [list(store.RUN_TABLES)]
                       ).fetchall() == [(0,)]
    day = date(2026, 11, 27)
    kept = pd.DataFrame({"lead_id": ["L1"], "points": [["a"]], "point_ids": [["p1"]]})
    store.replace_run(con, "talking_points", day, kept)
    twice = pd.DataFrame({"lead_id": ["L2", "L2"], "points": [["b"], ["c"]],
                          "point_ids": [["p2"], ["p3"]]})
    with pytest.raises(ValueError, match="1 rows for talking_points name a lead already named"):
        store.replace_run(con, "talking_points", day, twice)
    assert con.execute("SELECT lead_id, points FROM talking_points").fetchall() == [("L1", ["a"])]


def test_a_warehouse_of_version_15_keeps_its_run_rows_through_migration_16(tmp_path):
    con = store.connect(tmp_path / "old.duckdb")
    con.execute("DROP TABLE owner_assignments")  # as versions 3 and 10 left it, with a row
    con.execute("CREATE TABLE owner_assignments (run_date DATE, lead_id VARCHAR, owner VARCHAR "
                "NOT NULL, owner_email VARCHAR, rule VARCHAR NOT NULL, reason VARCHAR, "
                "PRIMARY KEY (run_date, lead_id))")
    con.execute("INSERT INTO owner_assignments VALUES ('2026-11-27', 'L1', 'Ana', NULL, "
                "'territory', 'territory FR')")
    con.execute("DROP TABLE scores")  # its contributions as JSON, until version 23
    con.execute("CREATE TABLE scores (run_date DATE, lead_id VARCHAR, model_version VARCHAR NOT "
                "NULL, win_probability DOUBLE NOT NULL, grade VARCHAR NOT NULL, reasons_positive "
                "VARCHAR[], reasons_negative VARCHAR[], scored_by VARCHAR, contributions JSON, "
                "movement VARCHAR, PRIMARY KEY (run_date, lead_id))")
    con.execute("DELETE FROM schema_version WHERE version IN (16, 23)")
    assert store.migrate(con) == [16, 23]
    assert con.execute("SELECT * FROM owner_assignments").fetchall() == [
        (date(2026, 11, 27), "L1", "Ana", None, "territory", "territory FR")]
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = "
                       "'owner_assignments' AND constraint_type = 'PRIMARY KEY'"
                       ).fetchall() == [(0,)]


def test_activities_keep_their_rows_through_migration_17_and_carry_no_index(tmp_path):
    # an ART index cannot spill: 14 million events failed their import's commit under 1 GB
    con = store.connect(tmp_path / "old.duckdb")
    con.execute("DROP TABLE activities")  # as versions 1 to 16 left it, with a row
    con.execute("CREATE TABLE activities (event_id VARCHAR PRIMARY KEY, lead_id VARCHAR NOT "
                "NULL, occurred_at TIMESTAMP NOT NULL, event_type VARCHAR NOT NULL)")
    con.execute("INSERT INTO activities VALUES ('E1', 'L1', '2026-11-21 10:00', 'webinar')")
    con.execute("DELETE FROM schema_version WHERE version = 17")
    assert store.migrate(con) == [17]
    assert con.execute("SELECT event_id, event_type FROM activities").fetchall() == [
        ("E1", "webinar")]
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = "
                       "'activities' AND constraint_type = 'PRIMARY KEY'").fetchall() == [(0,)]


def test_sheet_rows_keep_their_rows_through_migration_20_and_are_stored_with_zstd(tmp_path):
    # DuckDB's own choice for 2 KB JSON rows (dictionary and FSST) stored them 3x slower, 8x
    # larger: bench/sheet_rows_storage.py
    path = tmp_path / "old.duckdb"
    con = store.connect(path)
    con.execute("DROP TABLE sheet_rows")  # as version 16 left it, with a row
    con.execute('CREATE TABLE sheet_rows (run_date DATE NOT NULL, rank INTEGER NOT NULL, '
                'lead_id VARCHAR NOT NULL, "row" JSON NOT NULL)')
    con.execute("""INSERT INTO sheet_rows VALUES ('2026-11-27', 1, 'L1', '{"rank":1}')""")
    con.execute("DELETE FROM schema_version WHERE version = 20")
    assert store.migrate(con) == [20]
    con.execute("INSERT INTO sheet_rows SELECT DATE '2026-11-28', i, 'L' || i, "
                "to_json({'rank': i, 'talking_points': repeat('Ask about the pilot. ', 40)}) "
                "FROM range(2, 5000) AS t(i)")
    con.close()
    store.compact(path)  # as `leadpilot forget` rewrites the file: the table's DDL goes along
    con = store.connect(path)
    assert con.execute("SELECT * FROM sheet_rows WHERE run_date = '2026-11-27'").fetchall() == [
        (date(2026, 11, 27), 1, "L1", '{"rank":1}')]
    assert con.execute("SELECT DISTINCT compression FROM pragma_storage_info('sheet_rows') "
                       "WHERE column_name = 'row' AND segment_type = 'JSON'"
                       ).fetchall() == [("ZSTD",)]


def test_migration_21_counts_the_talking_points_already_kept_in_points_shown(tmp_path):
    con = store.connect(tmp_path / "old.duckdb")
    con.execute("DROP TABLE points_shown")  # as version 20 left it, with two days of points
    con.execute("INSERT INTO talking_points VALUES "
                "('2026-11-26', 'L1', ['a', 'b'], ['c_level', 'industry']), "
                "('2026-11-27', 'L1', ['b', 'c'], ['industry', 'funding']), "
                "('2026-11-27', 'L2', ['a'], NULL), "
                "('9999-12-31', 'L3', ['a'], ['c_level'])")  # staged, never put in place
    con.execute("DELETE FROM schema_version WHERE version = 21")
    assert store.migrate(con) == [21]
    assert con.execute("SELECT * FROM points_shown ORDER BY ALL").fetchall() == [
        ("c_level", "L1", date(2026, 11, 26)), ("funding", "L1", date(2026, 11, 27)),
        ("industry", "L1", date(2026, 11, 26))]


def test_migration_22_keeps_the_first_run_of_each_owner_streak_already_kept(tmp_path):
    con = store.connect(tmp_path / "old.duckdb")
    con.execute("DROP TABLE owner_streaks")  # as version 21 left it, with three days of owners
    con.execute("INSERT INTO owner_assignments (run_date, lead_id, owner, rule) VALUES "
                "('2026-11-25', 'L1', 'Ana', 'territory'), ('2026-11-26', 'L1', 'Ana', 'crm'), "
                "('2026-11-27', 'L1', 'Bo', 'territory'), ('2026-11-25', 'L2', 'Bo', 'crm'), "
                "('2026-11-27', 'L2', 'Bo', 'crm'), "
                "('9999-12-31', 'L3', 'Ana', 'crm')")  # staged, never put in place
    con.execute("DELETE FROM schema_version WHERE version = 22")
    assert store.migrate(con) == [22]
    assert con.execute("SELECT * FROM owner_streaks ORDER BY ALL").fetchall() == [
        ("L1", "Ana", date(2026, 11, 25)), ("L1", "Bo", date(2026, 11, 27)),
        ("L2", "Bo", date(2026, 11, 25))]


def test_migration_23_keeps_the_contributions_json_held_as_two_lists(tmp_path):
    # the JSON a run kept becomes its keys and numbers, in order; none kept stays NULL; any
    # other JSON names no contribution (as the next day's read of the JSON took it)
    con = store.connect(tmp_path / "old.duckdb")
    con.execute("DROP TABLE scores")  # as version 16 left it, with a row per kind of JSON
    con.execute("CREATE TABLE scores(run_date DATE NOT NULL, lead_id VARCHAR NOT NULL, "
                "model_version VARCHAR NOT NULL, win_probability DOUBLE NOT NULL, grade VARCHAR "
                "NOT NULL, reasons_positive VARCHAR[], reasons_negative VARCHAR[], scored_by "
                "VARCHAR, contributions JSON, movement VARCHAR)")
    kept = [None, "null", "[0.5, 1]", "2", "{}", '{"a": "x"}', '{"a": null, "b": 1}',
            ' {"events_7d": -0.25, "seniority": 1, "country": -0.0}']
    con.executemany("INSERT INTO scores VALUES ('2026-11-27', ?, 'v1', 0.5, 'B', ['up'], [], "
                    "'model v1', ?, 'new')", [[f"L{i}", text] for i, text in enumerate(kept)])
    con.execute("DELETE FROM schema_version WHERE version = 23")
    assert store.migrate(con) == [23]
    rows = con.execute("SELECT lead_id, contribution_names, contribution_values, "
                       "reasons_positive, movement FROM scores ORDER BY lead_id").fetchall()
    assert [row[1:3] for row in rows] == [(None, None)] + [([], [])] * 6 + [
        (["events_7d", "seniority", "country"], [-0.25, 1.0, -0.0])]
    assert math.copysign(1, rows[-1][2][-1]) == -1  # -0.0 keeps its sign
    assert all(row[3] == ["up"] and row[4] == "new" for row in rows)  # the rest as it was
    assert [c for c, in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name "
                                    "= 'scores' ORDER BY column_index").fetchall()] == [
        "run_date", "lead_id", "model_version", "win_probability", "grade", "reasons_positive",
        "reasons_negative", "scored_by", "contribution_names", "contribution_values",
        "movement"]


def test_migrations_run_within_their_memory_limit_and_give_the_connection_its_own_back(
        tmp_path, monkeypatch):
    from contextlib import contextmanager

    con = store.connect(tmp_path / "old.duckdb")
    default = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute("DELETE FROM schema_version WHERE version = 20")
    con.execute("SET memory_limit = '3GB'")
    during, real = [], store.transaction

    @contextmanager
    def transaction(c):  # each migration runs in one
        during.append(c.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        with real(c):
            yield c

    monkeypatch.setattr(store, "transaction", transaction)
    assert store.migrate(con) == [20]
    assert during == ["953.6 MiB"]  # MIGRATION_MEMORY, 1 GB: 10^9 bytes
    # a limit of the caller's comes back as DuckDB shows it (3 GB: "2.7 GiB", rounded down:
    # set again, 2.7 GiB shows as "2.6 GiB")
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in (
        "2.6 GiB", "2.7 GiB")
    assert store.migrate(con) == [] and during == ["953.6 MiB"]  # nothing to do: untouched
    con.execute("RESET memory_limit")  # DuckDB's default comes back exactly
    con.execute("DELETE FROM schema_version WHERE version = 20")
    assert store.migrate(con) == [20] and len(during) == 2
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == default


def test_a_memory_limit_caps_duckdb_and_spills_beside_the_warehouse(tmp_path):
    warehouse = tmp_path / "leadpilot.duckdb"
    with store.opened(warehouse, "64MB") as con:
        [(limit, spill)] = con.execute("SELECT current_setting('memory_limit'), "
                                       "current_setting('temp_directory')").fetchall()
    assert limit == "61.0 MiB"  # DuckDB shows 64,000,000 bytes in MiB
    assert spill == f"{warehouse}.tmp"
    with store.opened(warehouse) as con:  # without one, DuckDB's own default (80 % of memory)
        [(default,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
    assert default != limit


def test_exact_amounts_are_stored_whatever_rows_duckdb_samples_to_type_them(tmp_path):
    from decimal import Decimal

    # DuckDB types a column of Decimal objects from a sample of its rows: DECIMAL(3,2) here,
    # but for one wide amount and one long fraction at rows it does not sample
    amounts, rates = [Decimal("1.50")] * 3000, [Decimal("0.05")] * 3000
    amounts[7], rates[14] = Decimal("404264.52"), Decimal("0.1234")
    frame = pd.DataFrame({"lead_id": [f"L{i:04d}" for i in range(3000)], "plan": "Team",
                          "seats": 1, "currency": "EUR", "floor_discount": None})
    for name in ("unit_price_monthly", "list_price", "discount_amount", "acv", "floor_price",
                 "expected_value"):
        frame[name] = pd.Series(amounts, dtype=object)
    for name in ("volume_discount", "prepay_discount", "suggested_discount"):
        frame[name] = pd.Series(rates, dtype=object)
    read = "SELECT acv, volume_discount, floor_discount FROM quotes ORDER BY lead_id"
    with store.opened(tmp_path / "w.duckdb") as con:
        with store.staged_run(con, "quotes", date(2026, 11, 27)) as add:
            add(frame)
        staged = con.execute(read).fetchall()
        store.replace_run(con, "quotes", date(2026, 11, 27), frame)
        replaced = con.execute(read).fetchall()
    assert staged == replaced == list(zip(amounts, rates, [None] * 3000, strict=True))


def test_each_amount_is_written_as_its_own_text_when_many_leads_share_the_object():
    from decimal import Decimal

    shared, other = Decimal("1.0"), Decimal("1.00")  # equal, printed apart
    column = pd.Series([shared, other, None, shared, Decimal("-0.00"), other] * 1000,
                       dtype=object, index=range(5, 6005))
    text = store.exact(pd.DataFrame({"acv": column, "plan": "Team"}))
    assert text["acv"].tolist() == ["1.0", "1.00", None, "1.0", "-0.00", "1.00"] * 1000
    assert text.index.equals(column.index) and text["plan"].tolist() == ["Team"] * 6000
    assert store.exact(pd.DataFrame({"acv": pd.Series([], dtype=object)}))["acv"].empty
    # amounts that only start after many missing ones (past the first rows looked at)
    late = pd.Series([None] * 3000 + [Decimal("2.50")], dtype=object)
    assert store.exact(pd.DataFrame({"acv": late}))["acv"].tolist()[-2:] == [None, "2.50"]
    nothing = pd.Series([None] * 3000, dtype=object)
    assert store.exact(pd.DataFrame({"acv": nothing}))["acv"].tolist() == [None] * 3000


def test_a_missing_amount_is_stored_as_null_however_pandas_marks_it(tmp_path):
    from decimal import Decimal

    # a float NaN or pd.NA beside Decimals (a column put together by pandas) is no amount:
    # NULL, where its text 'nan' would fail the insert's cast
    column = pd.Series([Decimal("9.50"), float("nan"), pd.NA, None] * 500, dtype=object)
    assert store.exact(pd.DataFrame({"acv": column}))["acv"].tolist()[:4] == [
        "9.50", None, None, None]
    with store.opened(tmp_path / "w.duckdb") as con:
        con.execute("CREATE TABLE t (acv DECIMAL(18, 2))")
        con.register("_frame", store.exact(pd.DataFrame({"acv": column})))
        con.execute("INSERT INTO t SELECT acv FROM _frame")
        assert con.execute("SELECT acv FROM t LIMIT 4").fetchall() == [
            (Decimal("9.50"),), (None,), (None,), (None,)]


def test_duckdb_out_of_its_memory_limit_says_which_setting_to_raise(tmp_path):
    # a list aggregate cannot spill: 10 million values overflow a 16MB limit
    with pytest.raises(LeadpilotError) as raised:
        with store.opened(tmp_path / "w.duckdb", "16MB") as con:
            con.execute("SELECT length(list(range)) FROM range(10000000)").fetchall()
    assert str(raised.value) == (
        "DuckDB needed more memory than the 16MB leadpilot lets it hold here "
        "(LEADPILOT_DUCKDB_MEMORY_LIMIT); raise it, e.g. to 32MB, and run again.")
    with pytest.raises(duckdb.OutOfMemoryException):  # no limit of ours: DuckDB's own error
        with store.opened(tmp_path / "w.duckdb") as con:
            con.execute("SET memory_limit = '16MB'")
            con.execute("SELECT length(list(range)) FROM range(10000000)").fetchall()
