"""The rep's ranked lead sheet: its columns (defined once), ranking and safe cell text."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from scoring.steering import steer

# (internal name, header the rep reads), in sheet order.
SHEET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "Rank"),
    ("owner", "Owner"),  # the rep: from the CRM import, else data/reps.yaml
    ("grade", "Grade"),
    ("win_probability", "Win probability (%)"),
    ("change", "Change since yesterday"),  # points since the last run, and the main cause
    ("expected_value", "Expected value (EUR)"),
    ("lead_name", "Lead"),
    ("company", "Company"),
    ("title", "Title"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("country", "Country"),
    ("source", "Source"),
    ("reasons", "Why this score"),
    ("scored_by", "Scored by"),  # "model <version>" or "rules-based: not enough outcomes yet"
    ("talking_points", "Talking points"),
    ("enriched_facts", "Enriched facts"),  # each with its provider and fetch date
    ("plan", "Plan"),
    ("seats", "Seats"),
    ("list_price", "List price (EUR/year)"),
    ("discount", "Suggested discount (%)"),
    ("floor_price", "Floor price (EUR/year)"),
    ("acv", "ACV (EUR)"),
    ("lead_id", "Lead ID"),
    # left empty for the rep; `leadpilot outcomes` reads them back (won, lost, no answer, bad fit)
    ("outcome", "Outcome"),
    ("outcome_reason", "Outcome reason"),
    ("close_date", "Close date"),
    ("deal_value", "Deal value (EUR)"),
    # the rep steers (read back by `leadpilot outcomes` too): not a fit, wrong contact, move up,
    # move down (with a reason), and the numbers of the talking points that helped or were wrong
    ("feedback", "Feedback"),
    ("feedback_reason", "Feedback reason"),
    ("useful_points", "Useful talking points"),
    ("wrong_points", "Wrong talking points"),
)
OUTCOME_COLUMNS: tuple[str, ...] = ("outcome", "outcome_reason", "close_date", "deal_value")
FEEDBACK_COLUMNS: tuple[str, ...] = ("feedback", "feedback_reason", "useful_points",
                                     "wrong_points")
SHEET_HEADERS: tuple[str, ...] = tuple(header for _, header in SHEET_COLUMNS)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UP, DOWN, BULLET = "▲ ", "▼ ", "• "


def rank_leads(scored: pd.DataFrame) -> pd.DataFrame:
    """Order by expected value, then win probability, then lead id; number them from 1."""
    ranked = scored.assign(_ev=scored["expected_value"].map(Decimal))
    ranked = ranked.sort_values(["_ev", "win_probability", "lead_id"],
                                ascending=[False, False, True], kind="stable")
    return ranked.drop(columns="_ev").assign(rank=range(1, len(ranked) + 1)).reset_index(drop=True)


def _lines(prefix: str, items: object) -> list[str]:
    """One line per item of a list (DuckDB hands lists to pandas as arrays); none for a null."""
    if items is None or isinstance(items, str | float):
        return []
    return [prefix + str(item) for item in items]


def _percent(rate: Decimal) -> Decimal:
    return (Decimal(rate) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _numbered(items: object) -> str:
    """Talking points numbered 1, 2, 3… so a rep can name one in "Useful talking points"."""
    return "\n".join(f"{n}. {line}" for n, line in enumerate(_lines("", items), start=1))


def _change(movement: object, move_note: str) -> str:
    movement = movement if isinstance(movement, str) else ""
    return "; ".join(part for part in (move_note, movement) if part)


def build_sheet(scored: pd.DataFrame, moves: pd.DataFrame | None = None) -> pd.DataFrame:
    """Turn scored, explained and priced leads into the rep's sheet, ranked, with its headers.

    Args:
        scored: one row per open lead with lead_id, win_probability (0-1), grade, first_name,
            last_name, company, title, email, phone, country, source, reasons_positive,
            reasons_negative, points, plan, seats and the Decimal amounts expected_value,
            list_price, suggested_discount, floor_price and acv; optionally owner.
        moves: the reps' active moves (scoring.steering.steer): a moved lead changes place
            and its "Change since yesterday" says who moved it, until when and why.
    """
    ranked = steer(rank_leads(scored), moves)
    names = ranked[["first_name", "last_name"]].astype("string").fillna("")
    sheet = pd.DataFrame({
        "rank": ranked["rank"],
        "owner": ranked["owner"] if "owner" in ranked else None,
        "grade": ranked["grade"],
        "win_probability": (ranked["win_probability"] * 100).round(1),
        "change": [_change(m, n) for m, n in zip(
            ranked["movement"] if "movement" in ranked else [""] * len(ranked),
            ranked["move_note"], strict=True)],
        "expected_value": ranked["expected_value"],
        "lead_name": (names["first_name"] + " " + names["last_name"]).str.strip(),
        "company": ranked["company"],
        "title": ranked["title"],
        "email": ranked["email"],
        "phone": ranked["phone"],
        "country": ranked["country"],
        "source": ranked["source"],
        "reasons": [
            "\n".join(_lines(UP, pos) + _lines(DOWN, neg))
            for pos, neg in zip(ranked["reasons_positive"], ranked["reasons_negative"], strict=True)
        ],
        "scored_by": ranked["scored_by"] if "scored_by" in ranked else "",
        "talking_points": [_numbered(pts) for pts in ranked["points"]],
        "enriched_facts": ["\n".join(_lines(BULLET, f if pd.api.types.is_list_like(f) else None))
                           for f in ranked["enriched_facts"]] if "enriched_facts" in ranked else "",
        "plan": ranked["plan"],
        "seats": ranked["seats"],
        "list_price": ranked["list_price"],
        "discount": ranked["suggested_discount"].map(_percent),
        "floor_price": ranked["floor_price"],
        "acv": ranked["acv"],
        "lead_id": ranked["lead_id"],
    })
    for column in OUTCOME_COLUMNS + FEEDBACK_COLUMNS:
        sheet[column] = ""
    return neutralise(sheet)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix with ' any text cell a spreadsheet could run as a formula (OWASP CSV injection).

    >>> neutralise(pd.DataFrame({"a": ["=1+1", "+33 6", "ok"]}))["a"].tolist()
    ["'=1+1", "'+33 6", 'ok']
    """
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype(object).map(neutral_cell)
    return out


def neutral_cell(value: object) -> object:
    """One cell as `neutralise` writes it: text a spreadsheet could run gets a leading '.

    >>> neutral_cell("@SUM(A1)"), neutral_cell(3)
    ("'@SUM(A1)", 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
