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

import pandas as pd

from scoring.grades import GRADES

_NO_VALUE = Decimal(-1)  # a lead without a quote sorts after every priced one of its grade


def account_keys(leads: pd.DataFrame) -> pd.Series:
    """The account of each lead: its company id, else the lead itself (``lead:<id>``).

    >>> account_keys(pd.DataFrame({"lead_id": ["L1", "L2"], "company_id": ["C9", None]})).tolist()
    ['C9', 'lead:L2']
    """
    own = "lead:" + leads["lead_id"].astype("string")
    if "company_id" not in leads:
        return own.astype(object)
    company = leads["company_id"].astype("string").str.strip().replace("", pd.NA)
    return company.fillna(own).astype(object)


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
    # ranked on the few columns the order needs; the rows (all of scored's columns) are taken
    # once, in the end: sorting and merging the whole rows copied them three times
    keys = pd.concat([account_keys(scored).rename("account"),
                      scored[["lead_id", "win_probability", "grade", "expected_value"]]],
                     axis=1).reset_index(drop=True)
    keys = keys.sort_values(["account", "win_probability", "lead_id"],
                            ascending=[True, False, True], kind="stable")
    keys["_contact"] = keys.groupby("account", sort=False).cumcount()
    keys["primary"] = keys["_contact"].eq(0)
    heads = keys.loc[keys["primary"], ["account", "grade", "win_probability", "expected_value"]]
    heads = heads.assign(
        _grade=heads["grade"].map({g: i for i, g in enumerate(GRADES)}).fillna(len(GRADES)),
        _ev=heads["expected_value"].map(lambda v: v if isinstance(v, Decimal) else _NO_VALUE))
    heads = heads.sort_values(["_grade", "_ev", "win_probability", "account"],
                              ascending=[True, False, False, True], kind="stable")
    heads["account_rank"] = range(1, len(heads) + 1)
    heads["grade_place"] = heads.groupby("_grade", sort=False).cumcount() + 1
    heads["grade_accounts"] = heads.groupby("_grade", sort=False)["account"].transform("size")
    heads = heads.rename(columns={"grade": "account_grade"})
    keys = keys[["account", "primary", "_contact"]].assign(row=keys.index).merge(
        heads[["account", "account_rank", "account_grade", "grade_place", "grade_accounts"]],
        on="account", how="left", validate="many_to_one")
    keys = keys.sort_values(["account_rank", "_contact"], kind="stable").reset_index(drop=True)
    ranked = scored.take(keys["row"].to_numpy()).reset_index(drop=True)
    for column in ("account", "primary", "account_rank", "account_grade", "grade_place",
                   "grade_accounts"):
        ranked[column] = keys[column]
    return ranked.assign(rank=range(1, len(ranked) + 1))


def priority_text(grade: object, place: int, accounts: int) -> str:
    """The rank's explanation in one short phrase.

    >>> priority_text("A", 3, 48)
    'grade A, #3 of 48 by expected value'
    """
    return f"grade {grade}, #{place} of {accounts} by expected value"
