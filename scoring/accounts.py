"""Accounts, not duplicate deals, ranked by a priority a rep can explain.

An **account** is a company (`company_id`; a lead without a company is an account of its own):
its contacts are one opportunity, priced and counted once. The sheet stays one row per lead,
since a rep records an outcome per person and `leadpilot outcomes` reads it back by Lead ID, but
the rows of an account sit together:

- the **primary contact** is the account's contact with the highest win probability (ties: the
  lead id): the account takes that contact's grade, win probability and expected value, so the
  deal is counted once, on the primary row; the other contacts' rows leave it empty;
- the **priority** ranks accounts by grade first (every A account before any B account), then by
  the deal's expected value within the grade, then by win probability, then by the account key:
  a 98 % lead is never buried under a huge 17 % deal, and among equally likely accounts the
  bigger deal comes first. Inside an account, the primary contact comes first, then the others
  by win probability.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.arrow_money import is_arrow_decimal
from scoring.grades import GRADES

_NO_VALUE = Decimal(-1)  # a lead without a quote sorts after every priced one of its grade


def account_keys(leads: pd.DataFrame) -> pd.Series:
    """The account of each lead: its company id, else the lead itself (``lead:<id>``).

    >>> account_keys(pd.DataFrame({"lead_id": ["L1", "L2"], "company_id": ["C9", None]})).tolist()
    ['C9', 'lead:L2']
    """
    return _account_texts(leads).astype(object)


def _account_texts(leads: pd.DataFrame) -> pd.Series:
    """`account_keys` as Arrow-backed text (sorted and factorized in C, not in Python)."""
    own = "lead:" + leads["lead_id"].astype("string")
    if "company_id" not in leads:
        return own
    company = leads["company_id"].astype("string").str.strip().replace("", pd.NA)
    return company.fillna(own)


def rank_accounts(scored: pd.DataFrame) -> pd.DataFrame:
    """Put leads in priority order, grouped by account.

    Args:
        scored: one row per lead with lead_id, grade (A-D), win_probability (0-1) and
            expected_value (Decimal or None); optionally company_id.

    Returns:
        The same rows in sheet order, with `rank` (the row's place, from 1), `account`
        (its key), `account_rank` (from 1), `primary` (bool), `account_grade` (the primary
        contact's grade), `grade_place` (the account's
        place among the accounts of its grade, from 1) and `grade_accounts` (how many
        accounts that grade has).

    >>> leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "company_id": ["C1", "C1", "C2"],
    ...     "grade": ["C", "B", "A"], "win_probability": [0.17, 0.30, 0.98],
    ...     "expected_value": [Decimal("60000"), Decimal("100000"), Decimal("900")]})
    >>> ranked = rank_accounts(leads)
    >>> ranked[["lead_id", "account_rank", "primary"]].values.tolist()
    [['L3', 1, True], ['L2', 2, True], ['L1', 2, False]]
    """
    # ranked on integer codes of the few columns the order needs (pd.factorize with sort: a
    # code's order is its value's), sorted with np.lexsort (stable, last key first); the rows
    # (all of scored's columns) are taken once, in the end
    n = len(scored)
    accounts, account_names = pd.factorize(_account_texts(scored), sort=True,
                                           use_na_sentinel=False)
    probability = scored["win_probability"].to_numpy(dtype=float)
    lead = _sorted_codes(scored["lead_id"])
    rows = np.lexsort((lead, -probability, accounts))  # by account, likeliest contact first
    grouped = accounts[rows]
    starts = np.r_[True, grouped[1:] != grouped[:-1]] if n else np.zeros(0, bool)
    contact = np.empty(n, dtype=np.int64)
    contact[rows] = np.arange(n) - np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    heads = rows[starts]  # each account's primary contact, accounts in code order
    head_grade = grade_order(scored["grade"])[heads].astype(float)
    value = value_order(scored["expected_value"].iloc[heads])
    order = np.lexsort((np.arange(len(heads)), -probability[heads], -value, head_grade))
    account_rank = np.empty(len(heads), dtype=np.int64)  # per account code
    account_rank[order] = np.arange(1, len(heads) + 1)
    in_grade = pd.Series(head_grade[order]).groupby(head_grade[order], sort=False)
    grade_place, grade_accounts = np.empty(len(heads), np.int64), np.empty(len(heads), np.int64)
    grade_place[order] = in_grade.cumcount().to_numpy() + 1
    grade_accounts[order] = in_grade.transform("size").to_numpy()
    sheet = np.lexsort((contact, account_rank[accounts]))  # accounts in rank, primary first
    ranked = scored.take(sheet).reset_index(drop=True)
    placed = accounts[sheet]
    ranked["account"] = pd.Series(account_names.array.take(placed)).astype("str")  # no str each
    ranked["primary"] = contact[sheet] == 0
    ranked["account_rank"] = account_rank[placed]
    ranked["account_grade"] = scored["grade"].take(heads[placed]).reset_index(drop=True)
    ranked["grade_place"] = grade_place[placed]
    ranked["grade_accounts"] = grade_accounts[placed]
    return ranked.assign(rank=range(1, len(ranked) + 1))


def _sorted_codes(texts: pd.Series) -> np.ndarray:
    """A code per text that sorts as the text does (equal texts, equal codes, or at least codes
    in their rows' order, which a stable sort treats the same): the rows' own positions when
    the texts already come sorted (leads come in lead_id order), else pd.factorize's.

    >>> _sorted_codes(pd.Series(["L1", "L2", "L2"])).tolist(), _sorted_codes(
    ...     pd.Series(["L2", "L1", "L2"])).tolist()
    ([0, 1, 2], [1, 0, 1])
    """
    texts = texts.astype("string")
    values = pa.array(texts.array)
    if not values.null_count and (len(values) < 2 or pc.all(pc.less_equal(
            values[:-1], values[1:])).as_py()):
        return np.arange(len(values))
    return pd.factorize(texts, sort=True, use_na_sentinel=False)[0]


def value_order(values: pd.Series) -> np.ndarray:
    """An integer per expected value that sorts as the value does (equal values, equal
    integers; a missing one as _NO_VALUE): Decimal objects, or exact decimals held by Arrow
    (pd.ArrowDtype), which Arrow ranks in C instead of Python comparing a million Decimals.

    >>> value_order(pd.Series([Decimal("2.50"), None, Decimal("2.5"), Decimal("0")])).tolist()
    [2, 0, 2, 1]
    """
    if is_arrow_decimal(values):
        exact = pa.array(values.array).fill_null(pa.scalar(_NO_VALUE,
                                                            values.dtype.pyarrow_dtype))
        return pc.rank(exact, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(
            np.int64)
    return pd.factorize(np.array([v if isinstance(v, Decimal) else _NO_VALUE
                                  for v in values.to_numpy(dtype=object)], dtype=object),
                        sort=True)[0]


def grade_order(grades: pd.Series) -> np.ndarray:
    """Each grade's place in GRADES (A first), any other value or none last.

    >>> grade_order(pd.Series(["B", None, "A", "Z"])).tolist()
    [1, 4, 0, 4]
    """
    codes = pd.Index(GRADES, dtype="str").get_indexer(grades.astype("str"))
    return np.where(codes < 0, len(GRADES), codes)


def priority_texts(grades: pd.Series, places: pd.Series, accounts: pd.Series) -> pd.Series:
    """`priority_text` of each row, made by Arrow where the grades are text (none missing),
    not a Python f-string per lead.

    >>> priority_texts(pd.Series(["A", "B"]), pd.Series([3, 1]), pd.Series([48, 2])).tolist()
    ['grade A, #3 of 48 by expected value', 'grade B, #1 of 2 by expected value']
    """
    if grades.dtype != "str" or grades.isna().any():
        return pd.Series([priority_text(g, p, n) for g, p, n in zip(
            grades.tolist(), places.tolist(), accounts.tolist(), strict=True)],
            index=grades.index, dtype="str")
    text = pa.large_string()
    whole = [pc.cast(pa.array(column.to_numpy(dtype=np.int64)), text)
             for column in (places, accounts)]
    parts = ["grade ", pc.cast(grades.array.__arrow_array__(), text), ", #", whole[0], " of ",
             whole[1], " by expected value", ""]
    texts = pc.binary_join_element_wise(*[pa.scalar(p, text) if isinstance(p, str) else p
                                          for p in parts])
    return pd.Series(texts, index=grades.index, dtype="str")


def priority_text(grade: object, place: int, accounts: int) -> str:
    """The rank's explanation in one short phrase.

    >>> priority_text("A", 3, 48)
    'grade A, #3 of 48 by expected value'
    """
    return f"grade {grade}, #{place} of {accounts} by expected value"
