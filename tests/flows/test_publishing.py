"""The sheet written a part at a time (flows/pipeline/publishing.py): whatever the part size,
the same file, the same rows kept, the same rep pages; and no part larger than asked."""

from __future__ import annotations

import doctest
import threading
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sheet_runs import publish_copy
from support import ANCHOR

from flows import store
from flows.models import scoring as model_scoring
from flows.pipeline import owners, publishing, steps
from flows.sheets import kept
from flows.sheets.export import stored_sheet
from flows.sheets.rep_pages import RepCards, write_rep_pages
from scoring.rep_view import MAX_CARDS
from scoring.sheet import sheet_part

WHOLE = 1_000_000


def _outputs(settings) -> dict[str, bytes]:
    """Every file of the day's output folder, by its path in it."""
    folder = settings.path(settings.out_dir) / ANCHOR.isoformat()
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _kept(settings) -> pa.Table:
    """The sheet kept for ANCHOR (flows/sheets/kept.py), as the file holds it."""
    return pq.read_table(kept.day_file(settings.warehouse, ANCHOR))


@pytest.fixture(scope="module")
def whole(demo_env, tmp_path_factory):
    return publish_copy(demo_env, tmp_path_factory.mktemp("whole"), chunk_leads=WHOLE)


def test_a_day_kept_as_json_rows_before_is_kept_as_a_file_once_published_again(demo_env,
                                                                              tmp_path):
    settings = publish_copy(demo_env, tmp_path)
    with store.opened(settings.warehouse) as con:  # as the warehouse kept sheets before
        con.execute("""INSERT INTO sheet_rows VALUES (?, 1, 'L-old', '{"rank": 1}')""", [ANCHOR])
    publishing.publish(settings, ANCHOR)
    with store.opened(settings.warehouse) as con:
        assert con.execute("SELECT count(*) FROM sheet_rows").fetchall() == [(0,)]
        sheet = stored_sheet(con, ANCHOR)
    assert len(sheet) == kept.rows(settings.warehouse, ANCHOR) > 0
    assert "L-old" not in set(sheet["lead_id"])


@pytest.mark.parametrize("size", [2, 37])
def test_any_part_size_writes_the_same_sheet_rows_and_rep_pages(demo_env, whole, tmp_path, size):
    parted = publish_copy(demo_env, tmp_path, chunk_leads=size)
    expected = _outputs(whole)
    assert "lead_sheet.csv" in expected and any(p.startswith("reps/") for p in expected)
    assert _outputs(parted) == expected
    assert _kept(parted) == _kept(whole)


def test_the_parts_follow_the_sheet_order_and_none_is_larger_than_asked(whole):
    with store.opened(whole.warehouse) as con:
        leads = publishing.order_sheet(con, ANCHOR, whole.move_days)
        parts = list(publishing.sheet_parts(con, ANCHOR, 40))
        expected = stored_sheet(con, ANCHOR)
    assert leads == len(expected) > 200
    assert [len(p) for p in parts[:-1]] == [40] * (len(parts) - 1) and 0 < len(parts[-1]) <= 40
    assert pd.concat(parts)["lead_id"].tolist() == expected["lead_id"].tolist()
    assert pd.concat(parts)["rank"].tolist() == list(range(1, leads + 1))


def test_the_next_part_is_read_in_a_second_thread_and_closing_the_parts_waits_for_it(whole):
    reads: list[str] = []

    class Recorded:  # the connection, saying which thread asks it for a part
        def __init__(self, con) -> None:
            self.con = con

        def execute(self, *args, **kwargs):
            return self.con.execute(*args, **kwargs)

        def sql(self, *args, **kwargs):
            reads.append(threading.current_thread().name)
            return self.con.sql(*args, **kwargs)

    with store.opened(whole.warehouse) as con:
        leads = publishing.order_sheet(con, ANCHOR, whole.move_days)
        parts = publishing.sheet_parts(Recorded(con), ANCHOR, 40)
        assert len(next(parts)) == 40 < leads // 2  # the second part is read meanwhile
        parts.close()  # waits for that read: `con` is the caller's again
        assert len(reads) == 2 and all(name.startswith("ahead") for name in reads)
        assert con.execute("SELECT count(*) FROM sheet_order").fetchall() == [(leads,)]


@pytest.mark.parametrize(("size", "batch"), [(40, 7), (40, 40), (1000, 33)])
def test_parts_read_in_one_size_and_made_rows_in_batches_hold_the_same_rows(whole, size, batch):
    """A part is read from the warehouse `size` rows at a time and made into Python rows
    `batch` at a time: batches end where a part ends, and together give the same sheet."""
    with store.opened(whole.warehouse) as con:
        leads = publishing.order_sheet(con, ANCHOR, whole.move_days)
        parts = list(publishing.sheet_parts(con, ANCHOR, size, batch))
        single = pd.concat(publishing.sheet_parts(con, ANCHOR, leads, leads), ignore_index=True)
    step = min(size, batch)
    expected = []  # each part's batches: full ones, then what is left of the part
    for first in range(0, leads, size):
        part = min(size, leads - first)
        expected += [min(step, part - done) for done in range(0, part, step)]
    assert [len(p) for p in parts] == expected
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), single)


def test_an_xlsx_sheet_written_in_parts_holds_the_same_cells(demo_env, tmp_path):
    def cells(settings):
        path = settings.path(settings.out_dir) / ANCHOR.isoformat() / "lead_sheet.fr.xlsx"
        page = openpyxl.load_workbook(path).worksheets[0]
        return [[c.value for c in row] for row in page.iter_rows()]

    changes = {"sheet_format": "xlsx", "sheet_locale": "fr"}
    whole = cells(publish_copy(demo_env, tmp_path / "whole", chunk_leads=WHOLE, **changes))
    assert len(whole) > 200
    assert cells(publish_copy(demo_env, tmp_path / "parts", chunk_leads=9, **changes)) == whole


def _rows_kept(column: pd.Series) -> float:
    """How many rows' worth of storage `column` keeps alive: its own, or more when it is a slice
    of a larger frame (a slice shares, and keeps, all of its parent's buffers)."""
    values = column.array
    if hasattr(values, "__arrow_array__"):
        held = pa.chunked_array(values.__arrow_array__())
        compact = held.take(np.arange(len(held)))  # fresh buffers of these rows only
        return len(column) * held.get_total_buffer_size() / compact.get_total_buffer_size()
    column_values = base = np.asarray(values)
    while isinstance(base.base, np.ndarray):
        base = base.base
    # pandas keeps a frame's numbers in 2-D blocks: the rows run along the axis of the column's
    # stride
    return base.shape[base.strides.index(column_values.strides[0])]


def test_the_top_rows_returned_do_not_keep_the_parts_alive(demo_env, tmp_path):
    """At a million leads, `top` made of slices kept every part's text alive: 4 GB more."""
    settings = publish_copy(demo_env, tmp_path, chunk_leads=37)
    _, leads, top = publishing.publish(settings, ANCHOR)
    assert leads > 37 and len(top) == publishing.TOP
    assert {name: _rows_kept(top[name]) for name in top} == pytest.approx(
        dict.fromkeys(top, publishing.TOP), rel=0.5)


def _add_facts(settings, facts: dict[str, list[tuple[str, str]]], fetched: str) -> None:
    with store.opened(settings.warehouse) as con:
        for lead_id, pairs in facts.items():
            for field, value in pairs:
                con.execute("INSERT OR REPLACE INTO lead_facts VALUES (?, ?, ?, ?, 'registry', ?)",
                            [lead_id, field, field.replace("_", " ").capitalize(), value, fetched])


def test_each_rows_enriched_facts_are_those_the_run_scored_with(demo_env, tmp_path):
    """The sheet reads each lead's facts from the run's features (a join cut to the part), not
    by aggregating every lead's facts again for each part."""
    settings = publish_copy(demo_env, tmp_path, chunk_leads=37)
    with store.opened(settings.warehouse) as con:
        ids = [i for (i,) in con.execute("SELECT lead_id FROM scores WHERE run_date = ? "
                                         "ORDER BY lead_id", [ANCHOR]).fetchall()]
    facts = {ids[0]: [("hq_city", "Lyon"), ("naf_code", "62.01Z")],
             ids[len(ids) // 2]: [("headcount_band", "50–99")],
             ids[-1]: [("hq_city", "Nantes"), ("naf_code", "70.22Z"), ("headcount_band", "1–9")]}
    _add_facts(settings, facts, "2026-11-26 09:00")
    steps.features(settings, ANCHOR)
    model_scoring.score(settings, ANCHOR, model_scoring.choose_scorer(
        settings, datetime(2026, 11, 27, 6, 0)))
    steps.price(settings, ANCHOR)
    steps.talking_points(settings, ANCHOR)
    owners.assign_owners(settings, ANCHOR)
    publishing.publish(settings, ANCHOR)
    # a fact fetched after the run scored does not change its sheet when it is written again
    _add_facts(settings, {ids[0]: [("hq_city", "Paris")]}, "2026-11-27 10:00")
    publishing.publish(settings, ANCHOR)

    with store.opened(settings.warehouse) as con:
        sheet = stored_sheet(con, ANCHOR).set_index("lead_id")["enriched_facts"]
    assert sheet[ids[0]].splitlines() == ["• Hq city: Lyon (registry, 2026-11-26)",
                                          "• Naf code: 62.01Z (registry, 2026-11-26)"]
    assert sheet[ids[len(ids) // 2]] == "• Headcount band: 50–99 (registry, 2026-11-26)"
    assert sheet[ids[-1]].splitlines() == ["• Headcount band: 1–9 (registry, 2026-11-26)",
                                           "• Hq city: Nantes (registry, 2026-11-26)",
                                           "• Naf code: 70.22Z (registry, 2026-11-26)"]
    assert (sheet.drop([ids[0], ids[len(ids) // 2], ids[-1]]) == "").all()


def test_a_day_without_scored_leads_gets_a_sheet_with_its_header_only(whole):
    empty_day = date(2026, 11, 20)
    path, leads, top = publishing.publish(whole, empty_day)
    assert (leads, len(top)) == (0, 0)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 and lines[0].startswith("Rank,Account rank,Priority,")


def test_rep_cards_keep_each_reps_first_cards_and_count_them_all(whole, tmp_path):
    with store.opened(whole.warehouse) as con:
        day = stored_sheet(con, ANCHOR)
    copies = -(-2 * MAX_CARDS // len(day))  # the backlog gets more leads than cards
    sheet = pd.concat([day.assign(lead_id=day["lead_id"] + f"-{i}") for i in range(copies)],
                      ignore_index=True).assign(rank=lambda s: range(1, len(s) + 1))
    sizes = sheet.groupby("owner").size()
    assert sizes.max() > MAX_CARDS > sizes.min()
    cards = RepCards()
    for start in range(0, len(sheet), 333):
        cards.add(sheet.iloc[start:start + 333])
    kept = cards.sheet()
    assert kept.groupby("owner").size().max() == MAX_CARDS
    assert dict(cards.totals) == sheet.groupby("owner").size().to_dict()

    def pages(folder, rows, totals=None):
        return {p.name: p.read_bytes() for p in write_rep_pages(rows, folder, ANCHOR,
                                                                totals=totals)}

    assert pages(tmp_path / "kept", kept, cards.totals) == pages(tmp_path / "all", sheet)


def _awkward_day(rng: np.random.Generator, leads: int) -> pd.DataFrame:
    """Leads in accounts of one to six contacts (some without a company), with names padded by
    whitespace Python strips (no-break and ideographic spaces, tabs) or missing, titles missing,
    empty or blank, and probabilities whose tenth of a percent sits on a rounding edge."""
    pads = ["", " ", "\u00a0", "\u3000", "\t", "\u2003 ", "\u200b"]  # U+200B is not stripped
    edges = np.array([0.0, 1.0, 0.125, 0.1235, 0.00049999, 0.0005, 0.99949, 0.99951, 0.5555])
    rounded = [round(p, d) for p, d in zip(rng.random(leads), rng.integers(3, 8, leads),
                                            strict=True)]
    probability = np.where(rng.random(leads) < 0.3, rng.choice(edges, leads), rounded)
    return pd.DataFrame({
        "lead_id": [f"L{i:05d}" for i in range(leads)],
        "company_id": [None if i % 11 == 0 else f"C{i % 97:03d}" for i in range(leads)],
        "first_name": [None if i % 13 == 0 else rng.choice(pads) + f"Zoé{i}" + rng.choice(pads)
                       for i in range(leads)],
        "last_name": [None if i % 17 == 0 else rng.choice(pads) + "O'Brien" + rng.choice(pads)
                      for i in range(leads)],
        "title": [rng.choice([None, "", "  ", "VP Sales", "Directrice, achats"])
                  for _ in range(leads)],
        "grade": rng.choice(["A", "B", "C", "D"], leads),
        "win_probability": probability,
        "expected_value": [None] * leads,
    })


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_warehouse_writes_each_rows_account_contacts_as_python_would(seed):
    from scoring.sheet import account_contacts, order_leads

    ranked = order_leads(_awkward_day(np.random.default_rng(seed), 600))
    con = store.connect(":memory:")
    con.register("_order", ranked[list(publishing.ORDER_COLUMNS)])
    con.execute(store.sql("sheet_order_table", "flows.pipeline"),
                {"whitespace": publishing.WHITESPACE})
    made = con.execute("SELECT lead_id, account_contacts FROM sheet_order ORDER BY rank"
                       ).fetchall()
    assert [lead for lead, _ in made] == ranked["lead_id"].tolist()
    assert [text for _, text in made] == account_contacts(ranked)
    assert any("\u3000" in name for name in ranked["first_name"].dropna())  # stripped above


AWKWARD_LISTS = [None, [], ["x"], ["a", None, "b"],
                 ["line\nbreak", "  padded  ", "=1+1", "émoji 🚀", "", "‮right-to-left"]]


def test_the_warehouse_writes_reasons_talking_points_and_facts_as_python_would(demo_env,
                                                                              tmp_path):
    """sheet_parts.sql makes each row's reasons, talking points and enriched facts text of the
    stored lists; sheet_part given the lists themselves makes the same sheet."""
    settings = publish_copy(demo_env, tmp_path, chunk_leads=WHOLE)
    with store.opened(settings.warehouse) as con:
        ids = [i for (i,) in con.execute("SELECT lead_id FROM scores WHERE run_date = ? "
                                         "ORDER BY lead_id LIMIT 60", [ANCHOR]).fetchall()]
        n = len(AWKWARD_LISTS)
        for i, lead in enumerate(ids):
            day = {"run_date": ANCHOR, "lead": lead}
            con.execute("UPDATE scores SET reasons_positive = $up, reasons_negative = $down "
                        "WHERE run_date = $run_date AND lead_id = $lead",
                        {**day, "up": AWKWARD_LISTS[i % n], "down": AWKWARD_LISTS[i // n % n]})
            con.execute("UPDATE talking_points SET points = coalesce($points, []) "
                        "WHERE run_date = $run_date AND lead_id = $lead",
                        {**day, "points": AWKWARD_LISTS[(i + 2) % n]})
            con.execute("UPDATE lead_features SET enriched_facts = $facts "
                        "WHERE run_date = $run_date AND lead_id = $lead",
                        {**day, "facts": AWKWARD_LISTS[(i + 3) % n]})
        con.execute("DELETE FROM talking_points WHERE run_date = ? AND lead_id = ?",
                    [ANCHOR, ids[-1]])  # a lead without its talking points row
        publishing.order_sheet(con, ANCHOR, settings.move_days)
        parts = con.sql(store.sql("sheet_parts", "flows.pipeline"), params={
            "run_date": ANCHOR, "after": 0, "last": WHOLE, **publishing.LIST_MARKS,
        }).to_arrow_table().to_pandas()  # as publishing reads it
        lists = con.sql(
            "SELECT s.lead_id, s.reasons_positive, s.reasons_negative, t.points, f.enriched_facts "
            "FROM scores s LEFT JOIN talking_points t USING (run_date, lead_id) "
            "LEFT JOIN lead_features f USING (run_date, lead_id) WHERE s.run_date = ?",
            params=[ANCHOR]).to_arrow_table().to_pandas()
    texts = ["reasons_text", "points_text", "facts_text"]
    made = sheet_part(parts)
    from_lists = sheet_part(parts.drop(columns=texts).merge(lists, on="lead_id", how="left"))
    pd.testing.assert_frame_equal(made, from_lists)
    shown = made.set_index("lead_id").loc[ids]
    assert shown["reasons"].iloc[13] == "▲ a\n▲ b\n▼ x"  # the missing item left out
    assert shown["talking_points"].iloc[2].startswith("1. line\nbreak\n2.   padded  \n3. =1+1")
    assert shown["talking_points"].iloc[-1] == ""
    assert shown["enriched_facts"].tolist()[:5] == ["• a\n• b", "• line\nbreak\n•   padded  \n"
                                                    "• =1+1\n• émoji 🚀\n• \n• ‮right-to-left",
                                                    "", "", "• x"]


RATES = ["0.0000", "0.0005", "0.0015", "0.0025", "0.0449", "0.0450", "0.1234", "0.1235",
         "0.9995", "1.0000"]


def test_the_warehouse_writes_discount_and_approval_points_as_python_would(demo_env, tmp_path):
    """sheet_parts.sql makes the discount and approval rates the sheet's points (x 100, to 0.1,
    ties away from zero); sheet_part given the rates themselves makes the same sheet."""
    settings = publish_copy(demo_env, tmp_path, chunk_leads=WHOLE)
    with store.opened(settings.warehouse) as con:
        ids = [i for (i,) in con.execute("SELECT lead_id FROM quotes WHERE run_date = ? "
                                         "ORDER BY lead_id LIMIT 40", [ANCHOR]).fetchall()]
        for i, lead in enumerate(ids):
            con.execute("UPDATE quotes SET suggested_discount = $rate, approval_discount = "
                        "$approval WHERE run_date = $run_date AND lead_id = $lead",
                        {"run_date": ANCHOR, "lead": lead, "rate": RATES[i % len(RATES)],
                         "approval": None if i % 7 == 3 else RATES[-1 - i % len(RATES)]})
        con.execute("DELETE FROM quotes WHERE run_date = ? AND lead_id = ?", [ANCHOR, ids[-1]])
        publishing.order_sheet(con, ANCHOR, settings.move_days)
        parts = con.sql(store.sql("sheet_parts", "flows.pipeline"), params={
            "run_date": ANCHOR, "after": 0, "last": WHOLE, **publishing.LIST_MARKS,
        }).to_arrow_table().to_pandas()  # as publishing reads it
        rates = con.sql("SELECT lead_id, suggested_discount, approval_discount FROM quotes "
                        "WHERE run_date = ?", params=[ANCHOR]).to_arrow_table().to_pandas()
    made = sheet_part(parts)
    given_rates = parts.drop(columns=["discount_points", "approval_points"]).merge(
        rates, on="lead_id", how="left")  # the rates as they are, in the parts' order
    for rate in ("suggested_discount", "approval_discount"):  # no quote: None, as a join gives
        given_rates[rate] = given_rates[rate].astype(object).where(given_rates[rate].notna(),
                                                                   None)
    pd.testing.assert_frame_equal(made, sheet_part(given_rates))
    shown = made.set_index("lead_id").loc[ids]
    assert [str(d) for d in shown["discount"].iloc[:10]] == [
        "0.0", "0.1", "0.2", "0.3", "4.5", "4.5", "12.3", "12.4", "100.0", "100.0"]
    assert shown["approval"].iloc[3] is None and shown["approval"].iloc[-1] is None
    assert shown["discount"].iloc[-1] is None  # no quote


def test_the_docstring_examples_of_the_publishing_run():
    import flows.pipeline.publishing

    result = doctest.testmod(flows.pipeline.publishing)
    assert result.attempted >= 1 and result.failed == 0


def test_the_docstring_examples_of_the_exact_decimals_run():
    import flows.pipeline.decimals

    result = doctest.testmod(flows.pipeline.decimals)
    assert result.attempted >= 1 and result.failed == 0
