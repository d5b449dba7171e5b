"""The rep's ranked lead sheet: its columns (defined once), ranking and safe cell text.

One row per lead, grouped by account and in priority order (scoring.accounts): the deal's
expected value is shown once, on the account's primary contact; the other contacts' rows leave
it empty and name the primary contact, and the primary row lists them with their roles."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

from scoring.accounts import priority_texts, rank_accounts
from scoring.steering import steer

# (internal name, header the rep reads), in sheet order.
SHEET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "Rank"),  # the row's place; rows of one account sit together
    ("account_rank", "Account rank"),  # the account's place in priority order (scoring.accounts)
    ("priority", "Priority"),  # why it sits there: "grade A, #3 of 48 by expected value"
    ("owner", "Owner"),  # the rep of the day's list (data/reps.yaml), or Backlog
    ("assigned_because", "Assigned because"),  # "CRM owner", "territory FR software", ...
    ("grade", "Grade"),
    ("win_probability", "Win probability (%)"),
    ("change", "Change since yesterday"),  # points since the last run, and the main cause
    ("expected_value", "Expected value (EUR)"),  # the deal's, on the primary contact's row only
    ("lead_name", "Lead"),
    ("primary_contact", "Primary contact"),  # yes: the account's most likely contact
    ("company", "Company"),
    ("account_contacts", "Account contacts"),  # the others, with their roles; or the primary
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
    # the negotiation band, in the lead's currency (data/pricebook.yaml): open at the suggested
    # price, never go under the walk-away price, ask a manager past the approval discount
    ("currency", "Currency"),
    ("list_price", "List price (per year)"),
    ("discount", "Suggested discount (%)"),
    ("acv", "Suggested price (ACV, per year)"),
    ("floor_price", "Walk-away price (per year)"),
    ("approval", "Manager approval above (% discount)"),
    ("multi_year", "Multi-year offers (per year)"),  # JSON terms, worded per locale when written
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
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_PREFIXES).encode("ascii"), dtype=np.uint8)
UP, DOWN, BULLET = "▲ ", "▼ ", "• "
YES, NO = "yes", "no"


def rank_leads(scored: pd.DataFrame) -> pd.DataFrame:
    """The leads in priority order, grouped by account (scoring.accounts.rank_accounts)."""
    return rank_accounts(scored)


def _contacts(ranked: pd.DataFrame, names: pd.Series) -> list[str]:
    """Per row: on a primary row, the account's other contacts with their roles; on another
    contact's row, who the primary contact is."""
    if ranked.empty:
        return []
    titles = ranked["title"].astype("string").fillna("")
    people = (names + titles.map(lambda t: f", {t}" if t else "")
              + (ranked["win_probability"] * 100).map(lambda p: f" ({p:.1f} %)"))
    primary_name = names.where(ranked["primary"]).groupby(ranked["account"]).transform("first")
    listed: dict[object, list[str]] = {}  # account -> its other contacts, in the sheet's order
    shown = ~ranked["primary"] & people.notna()
    for account, person in zip(ranked["account"][shown], people[shown], strict=True):
        listed.setdefault(account, []).append(BULLET + person)
    others = {account: "\n".join(lines) for account, lines in listed.items()}
    return [others.get(account, "") if primary else f"primary: {name}"
            for account, primary, name in zip(ranked["account"], ranked["primary"],
                                              primary_name.to_numpy(dtype=object), strict=True)]


def _lines(prefix: str, items: object) -> list[str]:
    """One line per item of a list (DuckDB hands lists to pandas as arrays); none for a null."""
    if items is None or isinstance(items, str | float):
        return []
    if isinstance(items, np.ndarray):
        items = items.tolist()  # a list iterates several times faster than an array
    return [prefix + (item if type(item) is str else str(item))
            for item in items if item is not None]


def _percent(rate: Decimal | None) -> Decimal | None:
    if rate is None:  # a quote stored before the price book had this setting
        return None
    return (Decimal(rate) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _made(ranked: pd.DataFrame, column: str, make: Callable[[pd.DataFrame], object]) -> object:
    """The column `column` of `ranked` where the warehouse made it (a large day: the text of
    the lists and the rates' points, flows/pipeline/sql/sheet_parts.sql, the same values),
    else `make(ranked)`."""
    return ranked[column] if column in ranked else make(ranked)


def _reasons(ranked: pd.DataFrame) -> list[str]:
    """Each lead's reasons, a line each: the ones for it (▲) before the ones against it (▼)."""
    return ["\n".join(_lines(UP, pos) + _lines(DOWN, neg)) for pos, neg in zip(
        ranked["reasons_positive"].tolist(), ranked["reasons_negative"].tolist(), strict=True)]


def _numbered(items: object) -> str:
    """Talking points numbered 1, 2, 3… so a rep can name one in "Useful talking points"."""
    return "\n".join(f"{n}. {line}" for n, line in enumerate(_lines("", items), start=1))


def _facts(ranked: pd.DataFrame) -> list[str] | str:
    """Each lead's enriched facts, a bulleted line each ("" for all when the column is absent)."""
    if "enriched_facts" not in ranked:
        return ""
    return ["\n".join(_lines(BULLET, f if pd.api.types.is_list_like(f) else None))
            for f in ranked["enriched_facts"].tolist()]


def _whole(values: pd.Series) -> pd.Series:
    """Whole numbers with gaps (a lead without a quote) as whole numbers: 12, not 12.0, and the
    same text whichever rows a part of the sheet holds."""
    return values.astype("Int64") if values.dtype.kind == "f" else values


def _change(movement: object, move_note: str) -> str:
    movement = movement if isinstance(movement, str) else ""
    return "; ".join(part for part in (move_note, movement) if part)


def _changes(ranked: pd.DataFrame) -> pd.Series | list[str]:
    """`_change` of each row: the rep's move, then how the score moved. Over pandas text
    columns at once (the sheet's parts), else row by row."""
    note = ranked["move_note"]
    if "movement" not in ranked:
        return [_change("", n) for n in note.tolist()]
    movement = ranked["movement"]
    if not (isinstance(note.dtype, pd.StringDtype) and isinstance(movement.dtype,
                                                                   pd.StringDtype)):
        return [_change(m, n) for m, n in zip(movement.tolist(), note.tolist(), strict=True)]
    note, movement = note.fillna(""), movement.fillna("")
    between = pd.Series(np.where((note != "") & (movement != ""), "; ", ""), dtype="str",
                        index=ranked.index)
    return note + between + movement


def build_sheet(scored: pd.DataFrame, moves: pd.DataFrame | None = None) -> pd.DataFrame:
    """Turn scored, explained and priced leads into the rep's sheet, ranked, with its headers.

    Args:
        scored: one row per open lead with lead_id, win_probability (0-1), grade, first_name,
            last_name, company, title, email, phone, country, source, reasons_positive,
            reasons_negative, points, plan, seats, currency, terms (JSON text, see
            scoring.pricing.term_offers) and the Decimal amounts expected_value, list_price,
            suggested_discount, acv, floor_price and approval_discount; optionally company_id
            (the account; without it each lead is its own), owner and reason (why that owner).
        moves: the reps' active moves (scoring.steering.steer), noted in "change".
    """
    ranked = order_leads(scored, moves)
    return sheet_part(ranked.assign(account_contacts=account_contacts(ranked)))


def order_leads(scored: pd.DataFrame, moves: pd.DataFrame | None = None) -> pd.DataFrame:
    """What of the sheet depends on the other leads: `scored` (at least lead_id, grade,
    win_probability, expected_value, first_name, last_name and title; optionally company_id)
    in sheet order, ranked and steered (rank, account, account_rank, primary, move_note), with
    each row's `priority`. With its `account_contacts` (`account_contacts`, or the same text
    made by the warehouse for a large day: flows/pipeline/sql/sheet_order_table.sql),
    `sheet_part` makes any run of these rows sheet rows, so a large day can be ordered on these
    few columns and written in parts."""
    ranked = steer(rank_leads(scored), moves)
    return ranked.assign(priority=_account_priorities(ranked))


def _account_priorities(ranked: pd.DataFrame) -> pd.Series:
    """`priority_texts` made once per account, of its primary row, and given to each of its
    rows: an account's rows share their grade, place and count (356,000 texts, not 1,000,000,
    for a million bench leads)."""
    heads = ranked["primary"].to_numpy(dtype=bool)
    texts = priority_texts(ranked["account_grade"][heads], ranked["grade_place"][heads],
                           ranked["grade_accounts"][heads])
    ranks = ranked["account_rank"].to_numpy(dtype=np.int64)
    slot = np.zeros(ranks.max(initial=0) + 1, dtype=np.int64)  # account_rank -> its text
    slot[ranks[heads]] = np.arange(heads.sum())
    return pd.Series(texts.array.take(slot[ranks]), index=ranked.index)


def account_contacts(ranked: pd.DataFrame) -> list[str]:
    """Each row's "Account contacts" text, for leads `order_leads` ranked (all of a day's):
    on a primary row the account's other contacts ("• name, title (12.3 %)", one a line, in
    sheet order), on another contact's row "primary: <name>"."""
    return _contacts(ranked, _lead_names(ranked))


def _lead_names(leads: pd.DataFrame) -> pd.Series:
    names = leads[["first_name", "last_name"]].astype("string").fillna("")
    return (names["first_name"] + " " + names["last_name"]).str.strip()


def sheet_part(ranked: pd.DataFrame) -> pd.DataFrame:
    """The sheet's rows of leads `order_leads` ordered (all of them or a run of them), with the
    columns `build_sheet`'s `scored` names: each row depends on its own lead only."""
    sheet = pd.DataFrame({
        "rank": ranked["rank"],
        "account_rank": ranked["account_rank"],
        "priority": ranked["priority"],
        "owner": ranked["owner"] if "owner" in ranked else None,
        "assigned_because": ranked["reason"] if "reason" in ranked else "",
        "grade": ranked["grade"],
        "win_probability": (ranked["win_probability"] * 100).round(1),
        "change": _changes(ranked),
        "expected_value": ranked["expected_value"].where(ranked["primary"], None),
        "lead_name": _lead_names(ranked),
        "primary_contact": ranked["primary"].map({True: YES, False: NO}),
        "company": ranked["company"],
        "account_contacts": ranked["account_contacts"],
        "title": ranked["title"],
        "email": ranked["email"],
        "phone": ranked["phone"],
        "country": ranked["country"],
        "source": ranked["source"],
        "reasons": _made(ranked, "reasons_text", _reasons),
        "scored_by": ranked["scored_by"] if "scored_by" in ranked else "",
        "talking_points": _made(ranked, "points_text",
                                lambda r: [_numbered(pts) for pts in r["points"].tolist()]),
        "enriched_facts": _made(ranked, "facts_text", _facts),
        "plan": ranked["plan"],
        "seats": _whole(ranked["seats"]),
        "currency": ranked["currency"],
        "list_price": ranked["list_price"],
        "discount": _made(ranked, "discount_points",
                          lambda r: r["suggested_discount"].map(_percent)),
        "acv": ranked["acv"],
        "floor_price": ranked["floor_price"],
        "approval": _made(ranked, "approval_points",
                          lambda r: r["approval_discount"].map(_percent)),
        "multi_year": _texts_or_empty(ranked["terms"]),
        "lead_id": ranked["lead_id"],
    })
    for column in OUTCOME_COLUMNS + FEEDBACK_COLUMNS:
        sheet[column] = ""
    return neutralise(sheet)


def _texts_or_empty(values: pd.Series) -> pd.Series:
    """Each cell's text, "" for any other (a lead without terms): a text column (dtype str, as
    the warehouse gives it) is filled, not mapped cell by cell (0.35 s of CPU at a million leads).

    >>> _texts_or_empty(pd.Series(["a", None], dtype="str")).tolist()
    ['a', '']
    >>> _texts_or_empty(pd.Series(["a", None, float("nan"), 3], dtype=object)).tolist()
    ['a', '', '', '']
    """
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("")
    return values.map(lambda t: t if isinstance(t, str) else "")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix with ' any text cell a spreadsheet could run as a formula (OWASP CSV injection).

    >>> neutralise(pd.DataFrame({"a": ["=1+1", "+33 6", "ok"]}))["a"].tolist()
    ["'=1+1", "'+33 6", 'ok']
    """
    out = frame.copy(deep=False)  # copy-on-write: setting a column leaves `frame` as it was
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = _neutral_column(out[column])
    return out


def _neutral_column(values: pd.Series) -> pd.Series:
    """`neutral_cell` over a column: vectorised where it holds only text (most of a sheet),
    with the dtype a cell-by-cell map gives (str; object for money, which is never hostile)."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "decimal":
        return values.astype(object)
    if kind != "string":
        return values.astype(object).map(neutral_cell)
    text = values if values.dtype == "str" else values.astype("str")
    hostile = formula_like(text)
    return text.where(~hostile, "'" + text) if hostile.any() else text  # most columns: none


def formula_like(text: pd.Series) -> np.ndarray:
    """Whether each cell of a text column (dtype str) starts with one of FORMULA_PREFIXES
    (False where empty or missing), told by the first byte of its UTF-8: each prefix is one
    ASCII character, and no other character's UTF-8 starts with an ASCII byte. Three times
    quicker than `str.startswith` with the prefixes, which scans the column once per prefix.

    >>> formula_like(pd.Series(["=1+1", "", None, "é=", "\\t1", "ok"], dtype="str")).tolist()
    [True, False, False, False, True, False]
    """
    cells = text.array.__arrow_array__()  # no copy where Arrow holds the column
    chunks = cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]
    found = [_formula_like(chunk) for chunk in chunks]
    return np.concatenate(found) if found else np.zeros(0, dtype=bool)


def _formula_like(cells: pa.Array) -> np.ndarray:
    cells = cells.cast(pa.large_string())  # 64-bit offsets, whatever the column's
    data = cells.buffers()[2]
    ends = cell_offsets(cells)
    starts, filled = ends[:-1], np.diff(ends) > 0  # a missing cell is empty or masked below
    first = np.zeros(len(cells), dtype=np.uint8)
    if filled.any():
        first[filled] = np.frombuffer(data, dtype=np.uint8)[starts[filled]]
    hostile = filled & np.isin(first, _FORMULA_BYTES)
    if cells.null_count:
        hostile &= cells.is_valid().to_numpy(zero_copy_only=False)
    return hostile


def cell_offsets(cells: pa.Array) -> np.ndarray:
    """Where each cell of `cells` (large_string) starts in its data buffer, and where the last
    ends: its offsets, read without a copy (a slice's own part of them)."""
    return np.frombuffer(cells.buffers()[1], dtype=np.int64,
                         count=cells.offset + len(cells) + 1)[cells.offset:]


def neutral_cell(value: object) -> object:
    """One cell as `neutralise` writes it: text a spreadsheet could run gets a leading '.

    >>> neutral_cell("@SUM(A1)"), neutral_cell(3)
    ("'@SUM(A1)", 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
