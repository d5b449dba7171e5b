"""The rep steers: a lead moved up or down on the sheet keeps that place for a while.

Pure: the active moves arrive as a DataFrame (flows/pipeline/sql/active_moves.sql picks them).
A move is a tier, not a number added to a score: moved-up leads come first, then the leads
nobody moved, then the moved-down ones, each tier in the order the ranking gave. So a move
means the same whatever the ranking computes, and it never changes a probability, a grade or
a price: those stay the model's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MOVES: dict[str, int] = {"move_up": 0, "move_down": 2}  # tier; a lead not moved is tier 1
ARROWS: dict[str, str] = {"move_up": "⇧ moved up", "move_down": "⇩ moved down"}


def steer(ranked: pd.DataFrame, moves: pd.DataFrame | None) -> pd.DataFrame:
    """Reorder a ranked sheet by the reps' moves and number it again from 1.

    Args:
        ranked: leads in rank order, with lead_id (and rank, which is renumbered).
        moves: at most one active move per lead: lead_id, kind (move_up or move_down), rep,
            marked_on, until (dates) and reason. None or empty: nothing moves.

    Returns:
        `ranked` reordered, with a `move_note` column ("" for a lead nobody moved).

    >>> ranked = pd.DataFrame({"lead_id": ["A", "B", "C"], "rank": [1, 2, 3]})
    >>> moves = pd.DataFrame({"lead_id": ["C", "A"], "kind": ["move_up", "move_down"],
    ...     "rep": ["Léa", None], "marked_on": ["2026-11-27"] * 2,
    ...     "until": ["2026-12-04"] * 2, "reason": ["asked for a call", "on leave"]})
    >>> steer(ranked, moves)[["lead_id", "rank"]].values.tolist()
    [['C', 1], ['B', 2], ['A', 3]]
    """
    if moves is None or moves.empty:
        return ranked.assign(move_note="")
    by_lead = moves.drop_duplicates("lead_id", keep="last").set_index("lead_id")
    # Python only for the few moved leads: at a million leads, a Python sort key and a note
    # looked up per lead took 4.74 s for 3 moves, now 0.22 s (bench/steering.py)
    at = by_lead.index.get_indexer(ranked["lead_id"])  # each lead's move, -1 for none
    moved = np.flatnonzero(at >= 0)
    kinds = by_lead["kind"].to_numpy(dtype=object)[at[moved]]
    tier = np.ones(len(ranked), dtype=np.int64)
    tier[moved] = [MOVES.get(kind, 1) if isinstance(kind, str) else 1 for kind in kinds]
    order = np.argsort(tier, kind="stable")  # each tier in the order the ranking gave
    texts = ["", *(note(by_lead.iloc[i]) if isinstance(kind, str) else ""
                   for i, kind in zip(at[moved].tolist(), kinds, strict=True))]
    which = np.zeros(len(ranked), dtype=np.intp)  # each lead's note in `texts`, 0: none
    which[moved] = np.arange(1, len(moved) + 1)
    notes = pd.array(texts, dtype="str").take(which)  # text made per moved lead, not per lead
    steered = ranked.assign(move_note=notes).iloc[order].reset_index(drop=True)
    return steered.assign(rank=range(1, len(steered) + 1))


def note(move: pd.Series) -> str:
    """How the sheet says a lead was moved: who, when, until when, and why.

    >>> note(pd.Series({"kind": "move_up", "rep": "Léa Rousseau", "marked_on": "2026-11-27",
    ...                 "until": "2026-12-04", "reason": "asked for a call"}))
    '⇧ moved up by Léa Rousseau on 2026-11-27 (until 2026-12-04): asked for a call'
    """
    who = f" by {move['rep']}" if isinstance(move.get("rep"), str) and move["rep"] else ""
    return (f"{ARROWS[move['kind']]}{who} on {_day(move['marked_on'])} "
            f"(until {_day(move['until'])}): {move['reason']}")


def _day(value: object) -> str:
    return str(value)[:10]
