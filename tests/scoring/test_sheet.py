"""The rep's sheet: ranking, columns, multi-line cells and formula neutralisation."""

from __future__ import annotations

import doctest
import random
from decimal import Decimal

import pandas as pd

import scoring.sheet
from scoring.sheet import (
    FORMULA_PREFIXES,
    SHEET_COLUMNS,
    build_sheet,
    formula_like,
    neutral_cell,
    neutralise,
    rank_leads,
)


def _scored() -> pd.DataFrame:
    return pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4"],
        "win_probability": [0.30, 0.60, 0.61, 0.10],
        "grade": ["B", "A", "A", "D"],
        "expected_value": [Decimal("900.00"), Decimal("900.00"), Decimal("120.50"),
                           Decimal("1000.01")],
        "first_name": ["Zoé", "=cmd|' /C calc'!A0", None, "Ann"],
        "last_name": ["Müller", "Evil", "Solo", "Lee"],
        "company": ["Société Générale", "@SUM(1)", "Acme", "Acme"],
        "title": ["DSI", "-CEO", "CEO", None],
        "email": ["z@sge.fr", "e@x.fr", "s@acme.fr", "a@gmail.com"],
        "phone": ["+33 6 12 34 56 78", None, "01 02", None],
        "country": ["FR", "UK", "FR", "US"],
        "source": ["web_form", "event", "partner", "outbound"],
        "reasons_positive": [["Pricing page viewed 4 times in 7 days"], [], ["a", "b", "c"], []],
        "reasons_negative": [["Free-mail address"], [], ["d"], ["e", "f"]],
        "points": [["p1", "p2", "p3"], ["q1", "q2", "q3"], ["r1", "r2", "r3"], ["s", "t", "u"]],
        "plan": ["Starter"] * 4,
        "seats": [6, 3, 5, 5],
        "list_price": [Decimal("2088.00")] * 4,
        "suggested_discount": [Decimal("0.10")] * 4,
        "floor_price": [Decimal("1774.80")] * 4,
        "acv": [Decimal("1879.20")] * 4,
        "currency": ["EUR"] * 4,
        "approval_discount": [Decimal("0.15")] * 4,
        "terms": ['[{"years": 2, "discount": "0.05", "price": "1785.24", '
                  '"floor_price": "1686.06"}]'] * 4,
    })


def test_leads_rank_by_grade_then_expected_value_then_probability():
    ranked = rank_leads(_scored().drop(columns="company"))  # no company: each its own account
    assert ranked["lead_id"].tolist() == ["L2", "L3", "L1", "L4"]
    assert ranked["rank"].tolist() == ranked["account_rank"].tolist() == [1, 2, 3, 4]


def test_a_company_is_one_account_whose_deal_is_counted_once_on_its_primary_contact():
    scored = _scored().assign(company_id=["C1", "C2", "C3", "C3"])
    sheet = build_sheet(scored)
    acme = sheet[sheet["company"] == "Acme"]
    assert acme["lead_name"].tolist() == ["Solo", "Ann Lee"]  # 61 % before 10 %
    assert acme["account_rank"].tolist() == [2, 2] and acme["rank"].tolist() == [2, 3]
    assert acme["primary_contact"].tolist() == ["yes", "no"]
    assert acme["expected_value"].tolist() == [Decimal("120.50"), None]
    assert acme["account_contacts"].tolist() == ["• Ann Lee (10.0 %)", "primary: Solo"]
    assert acme["priority"].tolist() == ["grade A, #2 of 2 by expected value"] * 2
    assert sum(v for v in sheet["expected_value"] if v is not None) == Decimal("1920.50")


def test_the_sheet_has_its_columns_in_order():
    sheet = build_sheet(_scored())
    assert tuple(sheet.columns) == tuple(name for name, _ in SHEET_COLUMNS)
    assert sheet.loc[0, "win_probability"] == 60.0
    assert sheet.loc[0, "discount"] == Decimal("10.0")


def test_reasons_are_one_per_line_with_markers_and_points_numbered():
    sheet = build_sheet(_scored()).set_index("lead_id")
    assert sheet.loc["L1", "reasons"] == (
        "▲ Pricing page viewed 4 times in 7 days\n▼ Free-mail address")
    # numbered, so a rep can name one in "Useful talking points" or "Wrong talking points"
    assert sheet.loc["L1", "talking_points"].splitlines() == ["1. p1", "2. p2", "3. p3"]
    assert sheet.loc["L3", "lead_name"] == "Solo"


def test_every_cell_a_spreadsheet_could_execute_is_neutralised():
    sheet = build_sheet(_scored()).set_index("lead_id")
    assert sheet.loc["L2", "lead_name"] == "'=cmd|' /C calc'!A0 Evil"
    assert sheet.loc["L2", "company"] == "'@SUM(1)"
    assert sheet.loc["L2", "title"] == "'-CEO"
    assert sheet.loc["L1", "phone"] == "'+33 6 12 34 56 78"
    assert sheet.loc["L3", "phone"] == "01 02"


def test_neutralise_leaves_numbers_alone():
    frame = neutralise(pd.DataFrame({"n": [-1.5, 2.0], "t": ["\t=x", "fine"]}))
    assert frame["n"].tolist() == [-1.5, 2.0]
    assert frame["t"].tolist() == ["'\t=x", "fine"]


def test_neutralise_leaves_the_frame_it_is_given_as_it_was():
    given = pd.DataFrame({"t": ["=x", "fine"], "u": ["calm", "plain"], "n": [1, 2]})
    kept = given.copy()
    out = neutralise(given)
    assert given.equals(kept)
    assert out["t"].tolist() == ["'=x", "fine"] and out["u"].tolist() == ["calm", "plain"]
    out.loc[0, "u"] = "changed"
    assert given.equals(kept)


def test_a_lead_a_rep_moved_up_comes_first_and_the_sheet_says_who_when_and_why():
    moves = pd.DataFrame([{"lead_id": "L3", "kind": "move_up", "rep": "Zoé Martin",
                           "marked_on": "2026-11-27", "until": "2026-12-04",
                           "reason": "asked for a quote"}])
    sheet = build_sheet(_scored().assign(movement=["", "", "▲ +3: more visits", ""]), moves)
    unmoved = [lead for lead in rank_leads(_scored())["lead_id"] if lead != "L3"]
    assert sheet["lead_id"].tolist() == ["L3", *unmoved]  # the others keep the ranking's order
    assert sheet["rank"].tolist() == [1, 2, 3, 4]
    assert sheet["change"].tolist()[:2] == [
        "⇧ moved up by Zoé Martin on 2026-11-27 (until 2026-12-04): asked for a quote; "
        "▲ +3: more visits", ""]


def test_the_change_column_reads_the_same_made_over_text_columns_or_row_by_row():
    from scoring.sheet import _change, _changes

    notes = ["moved up by Ana", None, "", "  ", "moved up by Ana", None]
    movements = ["up from C", "new", None, "down from A", "", None]
    text = pd.DataFrame({"move_note": notes, "movement": movements}, dtype="str")
    expected = [_change(m, n) for m, n in zip(movements, notes, strict=True)]
    assert expected == ["moved up by Ana; up from C", "new", "", "  ; down from A",
                        "moved up by Ana", ""]
    assert _changes(text).tolist() == expected
    plain = pd.DataFrame({"move_note": [n or "" for n in notes], "movement": movements},
                         dtype=object)  # not pandas text: row by row, as before
    assert _changes(plain) == expected
    assert _changes(plain[["move_note"]]) == ["moved up by Ana", "", "", "  ",
                                              "moved up by Ana", ""]  # no movement column


def test_formula_cells_are_told_by_their_first_byte_as_startswith_tells_them():
    # formula_like reads the UTF-8 bytes behind the column: slices, several chunks, missing
    # cells, empty ones and characters whose UTF-8 is several bytes must not fool it
    rng = random.Random(11)
    alphabet = ["=", "+", "-", "@", "\t", "\r", "a", "é", "€", " ", "\n", "'", "😀"]
    cells = [None if rng.random() < 0.1
             else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3)))
             for _ in range(5000)]
    whole = pd.Series(cells, dtype="str")
    for column in (whole, whole.iloc[13:],
                   pd.concat([whole.iloc[:700], whole.iloc[700:]]),  # two Arrow chunks
                   pd.Series(cells, dtype=pd.StringDtype("python")),
                   pd.Series([], dtype="str"), pd.Series([None, ""], dtype="str")):
        expected = [isinstance(c, str) and c.startswith(FORMULA_PREFIXES) for c in column]
        assert formula_like(column).tolist() == expected
    assert 500 < formula_like(whole).sum() < 4000
    frame = neutralise(pd.DataFrame({"t": whole}))
    assert [c if c == c else None for c in frame["t"]] == [neutral_cell(c) for c in cells]


def test_the_docstring_examples_of_the_sheet_run():
    result = doctest.testmod(scoring.sheet)
    assert result.attempted >= 5 and result.failed == 0


def test_a_lead_without_multi_year_terms_gets_an_empty_cell_whatever_the_column_s_dtype():
    # the warehouse gives text (dtype str); a frame built by hand may hold None or NaN
    for terms in (pd.Series(['{"2": "1.00"}', None], dtype="str"),
                  pd.Series(['{"2": "1.00"}', None], dtype=object),
                  pd.Series(['{"2": "1.00"}', float("nan")], dtype=object)):
        assert scoring.sheet._texts_or_empty(terms).tolist() == ['{"2": "1.00"}', ""]
