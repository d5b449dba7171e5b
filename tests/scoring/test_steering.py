"""A rep's move is a tier: moved-up leads first, moved-down leads last, the rest as ranked."""

from __future__ import annotations

import pandas as pd

from scoring.steering import steer


def _ranked(n: int) -> pd.DataFrame:
    return pd.DataFrame({"lead_id": [f"L{i}" for i in range(1, n + 1)],
                         "rank": range(1, n + 1)})


def _moves(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"lead_id": lead, "kind": kind, "rep": "Zoé Martin",
                          "marked_on": "2026-11-27", "until": "2026-12-04", "reason": why}
                         for lead, kind, why in rows])


def test_moved_up_leads_come_first_and_moved_down_leads_last_in_their_ranked_order():
    moves = _moves(("L5", "move_up", "a"), ("L2", "move_down", "b"), ("L4", "move_up", "c"),
                   ("L1", "move_down", "d"))
    steered = steer(_ranked(6), moves)
    assert steered["lead_id"].tolist() == ["L4", "L5", "L3", "L6", "L1", "L2"]
    assert steered["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert steered.set_index("lead_id").loc["L3", "move_note"] == ""
    assert steered.set_index("lead_id").loc["L5", "move_note"] == (
        "⇧ moved up by Zoé Martin on 2026-11-27 (until 2026-12-04): a")


def test_no_moves_leave_the_ranking_as_it_was():
    assert steer(_ranked(3), None)["lead_id"].tolist() == ["L1", "L2", "L3"]
    assert steer(_ranked(3), _moves())["move_note"].tolist() == [""] * 3


def test_a_move_of_a_lead_not_on_the_sheet_changes_nothing():
    steered = steer(_ranked(3), _moves(("L9", "move_up", "gone")))
    assert steered["lead_id"].tolist() == ["L1", "L2", "L3"]


def test_a_note_is_written_once_per_moved_lead_on_the_sheet_and_its_last_move_counts(
        monkeypatch):
    # the notes of the few moved leads, in a sheet of many (bench/steering.py times it)
    import scoring.steering

    written = []
    real = scoring.steering.note
    monkeypatch.setattr(scoring.steering, "note", lambda move: written.append(
        move["reason"]) or real(move))
    moves = _moves(("L7", "move_down", "first"), ("L3", "move_up", "a"),
                   ("L7", "move_up", "changed my mind"), ("L4200", "move_up", "gone"),
                   ("L1999", "move_down", "b"))
    steered = steer(_ranked(2000), moves)
    assert sorted(written) == ["a", "b", "changed my mind"]
    assert steered["lead_id"].tolist()[:4] == ["L3", "L7", "L1", "L2"]
    assert steered["lead_id"].tolist()[-2:] == ["L2000", "L1999"]
    assert steered.set_index("lead_id").loc["L7", "move_note"].endswith(": changed my mind")
