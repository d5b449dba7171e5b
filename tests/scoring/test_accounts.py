"""scoring/accounts.py: the accounts' order, whatever the rows' order, index and extra columns."""

from __future__ import annotations

import doctest
import random
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import scoring.accounts
from scoring.accounts import (
    grade_order,
    priority_text,
    priority_texts,
    rank_accounts,
    value_order,
)


def _leads(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "lead_id": [f"L{i:05d}" for i in range(n)],
        "company_id": pd.array(rng.choice([f"C{j}" for j in range(n // 3)] + [None, " "], n),
                               dtype="string"),
        "grade": rng.choice(["A", "B", "C", "D", None], n),
        "win_probability": rng.choice(np.round(rng.random(40), 2), n),  # ties on purpose
        "expected_value": [Decimal(int(v)) if v > 200 else None for v in rng.random(n) * 999],
        "note": np.array([f"n{i}" if i % 3 else None for i in range(n)], dtype=object),
    })


def test_the_order_depends_on_the_leads_not_on_their_rows_order_or_index():
    leads = _leads(600, seed=7)
    shuffled = leads.sample(frac=1, random_state=3).set_axis(np.arange(600) * 7 + 11)
    ranked, again = rank_accounts(leads), rank_accounts(shuffled)
    pd.testing.assert_frame_equal(ranked, again)
    assert list(ranked.index) == list(range(600)) and ranked["rank"].tolist() == list(
        range(1, 601))
    # every column of the input comes back, with its dtype, each lead once
    assert ranked[list(leads.columns)].dtypes.to_dict() == leads.dtypes.to_dict()
    assert sorted(ranked["lead_id"]) == sorted(leads["lead_id"])
    by_lead = leads.set_index("lead_id")
    assert (ranked.set_index("lead_id")["note"].sort_index().tolist()
            == by_lead["note"].sort_index().tolist())


def test_accounts_are_contiguous_primary_first_and_in_priority_order():
    ranked = rank_accounts(_leads(900, seed=11))
    starts = ranked["account"].ne(ranked["account"].shift())
    assert starts.sum() == ranked["account"].nunique()  # each account's rows sit together
    assert ranked["primary"].tolist() == starts.tolist()  # its primary contact first
    heads = ranked[ranked["primary"]]
    assert heads["account_rank"].tolist() == list(range(1, len(heads) + 1))
    order = {"A": 0, "B": 1, "C": 2, "D": 3}  # then no grade
    assert heads["account_grade"].map(order).fillna(4).is_monotonic_increasing
    # inside an account, the other contacts follow by win probability
    assert ranked.groupby("account", sort=False)["win_probability"].apply(
        lambda p: p.is_monotonic_decreasing).all()


def _by_hand(leads: pd.DataFrame) -> list[tuple[str, int, int, int]]:
    """The module's docstring, followed by hand with Python's sorted: (lead_id, account_rank,
    grade_place, grade_accounts) in sheet order."""
    grade_at = {"A": 0, "B": 1, "C": 2, "D": 3}
    contacts: dict[str, list[dict]] = {}
    for row in leads.to_dict("records"):
        company = row["company_id"]
        account = (company.strip() if isinstance(company, str) and company.strip()
                   else f"lead:{row['lead_id']}")
        contacts.setdefault(account, []).append(row)
    for rows in contacts.values():
        rows.sort(key=lambda r: (-r["win_probability"], r["lead_id"]))

    def priority(account: str) -> tuple:
        head = contacts[account][0]
        value = head["expected_value"] if isinstance(head["expected_value"], Decimal) else -1
        return (grade_at.get(head["grade"], 4), -value, -head["win_probability"], account)

    accounts = sorted(contacts, key=priority)
    in_grade = [priority(a)[0] for a in accounts]
    return [(row["lead_id"], rank, in_grade[:rank].count(in_grade[rank - 1]),
             in_grade.count(in_grade[rank - 1]))
            for rank, account in enumerate(accounts, start=1) for row in contacts[account]]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_order_is_the_one_the_rules_give_followed_by_hand(seed):
    leads = _leads(900, seed)
    leads["expected_value"] = [v if i % 5 else Decimal("250.50") for i, v in  # equal deals
                               enumerate(leads["expected_value"])]
    ranked = rank_accounts(leads)
    assert list(zip(ranked["lead_id"], ranked["account_rank"], ranked["grade_place"],
                    ranked["grade_accounts"], strict=True)) == _by_hand(leads)


def test_expected_values_held_by_arrow_rank_the_accounts_as_decimal_objects_do():
    # the publish and owner steps read the money as Arrow decimals (flows/pipeline/decimals.py)
    rng = random.Random(4)
    values = [None if rng.random() < 0.1 else Decimal(rng.randint(0, 300)).scaleb(-2)
              for _ in range(3000)] + [Decimal("-1.00"), None, Decimal("0.00")]
    objects = pd.Series(values, dtype=object)
    arrow = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, pa.decimal128(18, 2))))
    assert (np.argsort(value_order(arrow), kind="stable").tolist()
            == np.argsort(value_order(objects), kind="stable").tolist())
    leads = pd.DataFrame({"lead_id": [f"L{i:05d}" for i in range(len(values))],
                          "company_id": [f"C{i % 700}" for i in range(len(values))],
                          "grade": [rng.choice("ABCD") for _ in values],
                          "win_probability": [rng.choice([0.1, 0.2, 0.3]) for _ in values]})
    by_objects = rank_accounts(leads.assign(expected_value=objects))
    by_arrow = rank_accounts(leads.assign(expected_value=arrow))
    assert by_arrow["lead_id"].tolist() == by_objects["lead_id"].tolist()
    assert by_arrow["grade_place"].tolist() == by_objects["grade_place"].tolist()


def test_priority_texts_read_as_priority_text_writes_each_whatever_the_grades_hold():
    places, accounts = pd.Series([3, 1, 12]), pd.Series([48, 2, 12])
    for grades in (pd.Series(["A", "B", "D"]), pd.Series(["A", None, "C"]),
                   pd.Series(["A", "B", "C"], dtype=object)):
        expected = [priority_text(g, p, n) for g, p, n in zip(
            grades.tolist(), places.tolist(), accounts.tolist(), strict=True)]
        assert priority_texts(grades, places, accounts).tolist() == expected


def test_the_grades_order_puts_any_other_value_last():
    assert grade_order(pd.Series(["D", "A", None, "a", "C", "B"])).tolist() == [3, 0, 4, 4, 2, 1]


def test_the_docstring_examples_of_the_accounts_run():
    result = doctest.testmod(scoring.accounts)
    assert result.attempted >= 5 and result.failed == 0
