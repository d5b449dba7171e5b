"""A day's worth per rep: fill each rep's list up to capacity, in priority order.

The accounts come in priority order (scoring.accounts.rank_accounts) and each goes to one rep,
with all of its contacts (one conversation per company, not two reps calling the same buyer):

1. A lead marked do-not-contact (the suppression list, a CRM opt-out flag) goes to nobody.
2. The rep: the CRM owner of the account's first contact when it names a listed rep, else the
   reps whose territory covers the company, most specific first, then the default rep
   (scoring.assignment.preferences). A CRM owner that is no listed rep is ignored.
3. A rep who held the account's leads for `recycle_after_days` days or more without working
   any of them (no outcome, no mark on the sheet read back) is skipped: the account is recycled
   to the next rep.
4. A rep whose list is full (`leads_per_day`) is skipped: the account overflows to the next rep
   that covers it. A CRM owner's account never overflows to someone else (the relationship is
   theirs): it waits in the backlog.
5. A rep gets at most `max_leads_per_company` contacts of one company a day; the others, and
   everything no rep had room for, go to the Backlog list: on the sheet, never lost.

Each lead carries the short phrase that says why it went where it did. The walk is one pass
in priority order (a greedy fill is sequential by nature): a few microseconds per lead, until
every list is full; the accounts after that are placed together (most of a large day's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from scoring.assignment import Rep, Territories, preferences

BACKLOG = "Backlog"  # the list of leads no rep had room for today
FIELDS = ("owner", "owner_email", "rule", "reason")  # of each lead's outcome
DO_NOT_CONTACT = "Do not contact"
RULES: tuple[str, ...] = ("crm", "territory", "default", "overflow", "recycled", "backlog",
                          "do_not_contact")


@dataclass(frozen=True)
class _Option:
    rep: int
    rule: str
    phrase: str


def fill_lists(ranked: pd.DataFrame, territories: Territories, run_date: date) -> pd.DataFrame:
    """The day's owner of each lead, with its rule and the reason in one short phrase.

    Args:
        ranked: leads in sheet order with lead_id, account, owner (the CRM's, may be empty),
            country, industry; optionally do_not_contact (why, or empty), holder (the owner
            of the previous run), held_since (the first run date of that holder's streak) and
            worked (an outcome was recorded since held_since).
        territories: the reps and limits, from data/reps.yaml.
        run_date: the day of the lists (for recycling).

    Returns:
        lead_id, owner (a rep's name, BACKLOG or DO_NOT_CONTACT), owner_email, rule (RULES)
        and reason, in `ranked`'s order.
    """
    reps = territories.reps
    choices = _Choices(_Prefs.of(preferences(ranked.reset_index(drop=True), territories)),
                       territories)
    stale = _stale_holders(ranked.reset_index(drop=True), territories, run_date)
    dnc = _text(ranked, "do_not_contact")
    # each lead's outcome (owner, owner_email, rule, reason) as the number of a distinct one:
    # a few hundred outcomes, not a million tuples made into columns cell by cell
    outcomes: dict[tuple[str, str | None, str, str], int] = {("", None, "", ""): 0}

    def number(outcome: tuple[str, str | None, str, str]) -> int:
        return outcomes.setdefault(outcome, len(outcomes))

    out = np.zeros(len(ranked), dtype=np.int64)

    def place(rows: list[int]) -> None:  # the outcome of each of an account's rows, in order
        reachable = []
        for i in rows:
            if dnc[i]:
                out[i] = number((DO_NOT_CONTACT, None, "do_not_contact",
                                 f"do not contact: {dnc[i]}"))
            else:
                reachable.append(i)
        if not reachable:
            return
        option = choices.choose(reachable[0], {stale[i] for i in reachable})
        if option.rep < 0:
            out[reachable] = number((BACKLOG, None, "backlog", option.phrase))
            return
        rep, taken = reps[option.rep], 0
        assigned = number((rep.name, rep.email, option.rule, option.phrase))
        for i in reachable:
            if taken < territories.max_leads_per_company and choices.left[option.rep] > 0:
                out[i] = assigned
                taken += 1
                choices.take(option.rep)
            else:
                out[i] = number((BACKLOG, None, "backlog", _held(rep, territories, taken)))

    order, edges = _account_order(ranked["account"])
    account = 0  # accounts are placed one by one until every list is full
    while account < len(edges) - 1 and choices.room:
        place(order[edges[account]:edges[account + 1]].tolist())
        account += 1
    _place_when_full(order, edges[account:], dnc, stale, choices, place, number, out)
    return _frame(list(outcomes), out, ranked["lead_id"])


def _frame(outcomes: list[tuple], which: np.ndarray, lead_ids: pd.Series) -> pd.DataFrame:
    """lead_id and FIELDS of each lead, `which` numbering its outcome among `outcomes`."""
    frame = pd.DataFrame({name: pd.Series([o[k] for o in outcomes]).take(which).array
                          for k, name in enumerate(FIELDS)})
    return frame.assign(lead_id=lead_ids.to_numpy())[["lead_id", *FIELDS]]


def _account_order(accounts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The rows grouped by account (positions, each account's in order), accounts in the
    order they first come, and where each account's rows start and the last ends.

    >>> order, edges = _account_order(pd.Series(["b", "a", "b", "c"]))
    >>> order.tolist(), edges.tolist()
    ([0, 2, 1, 3], [0, 2, 3, 4])
    """
    codes = pd.factorize(accounts, use_na_sentinel=False)[0]  # numbered as they first come
    order = np.argsort(codes, kind="stable")
    edges = np.r_[0, np.flatnonzero(np.diff(codes[order])) + 1, len(order)]
    return order, edges.astype(np.int64)


def _place_when_full(order: np.ndarray, edges: np.ndarray, dnc: list[str],
                     stale: list[int | None], choices: _Choices, place, number,
                     out: np.ndarray) -> None:
    """The outcome of the rows of the accounts `edges` bound in `order`, once every list is
    full. Then an account whose contacts all may be contacted and none was held unworked goes
    to the backlog with the phrase its first contact's preferences give (worked out once per
    distinct preference: at a million leads, 356,000 accounts and a few hundred such), set for
    all its rows at once; any other account is placed as before, by `place`."""
    if len(edges) < 2:
        return
    rows = order[edges[0]:]
    starts = edges[:-1] - edges[0]
    plain = np.fromiter((not dnc[i] and stale[i] is None for i in rows.tolist()), dtype=bool,
                        count=len(rows))
    simple = np.logical_and.reduceat(plain, starts)  # per account
    for k in np.flatnonzero(~simple).tolist():
        place(rows[starts[k]:edges[k + 1] - edges[0]].tolist())
    firsts = rows[starts[simple]].tolist()
    keys: dict[tuple, int] = {}
    key_of = np.fromiter((keys.setdefault(choices.prefs.key(i), len(keys)) for i in firsts),
                         dtype=np.int64, count=len(firsts))
    outcome = np.empty(len(keys), dtype=np.int64)
    for code, i in zip(*np.unique(key_of, return_index=True), strict=True):
        option = choices.choose(firsts[i], set())
        if option.rep >= 0:  # cannot be: a full rep is never chosen
            raise AssertionError(f"{option} chosen once every list is full")
        outcome[code] = number((BACKLOG, None, "backlog", option.phrase))
    sizes = np.diff(edges)
    out[rows[np.repeat(simple, sizes)]] = np.repeat(outcome[key_of], sizes[simple])


class _Choices:
    """Where each account goes (`_options`, then `_choose`), each worked out once per distinct
    input: the options depend on the account's preferences alone, and once every list is full
    the choice depends on them and the skipped reps alone (at a million leads, 356,000
    accounts: all but the first few hundred meet full lists)."""

    def __init__(self, prefs: _Prefs, territories: Territories) -> None:
        self.prefs, self.territories = prefs, territories
        self.left = [territories.capacity(r) for r in territories.reps]  # room per rep
        self.room = sum(self.left)
        self._options: dict[tuple, list[_Option]] = {}
        self._when_full: dict[tuple, _Option] = {}

    def choose(self, first: int, stale: set[int | None]) -> _Option:
        """The option of the account whose first reachable contact is row `first` and whose
        contacts' stale holders are `stale`."""
        key = self.prefs.key(first)
        if key not in self._options:
            self._options[key] = _options(self.prefs, first, self.territories)
        options = self._options[key]
        # a stale holder who is no option any more (the territories changed) skips nothing
        skip = stale & {o.rep for o in options}
        days = self.territories.recycle_after_days
        if self.room:
            return _choose(options, skip, self.left, self.territories.reps, days)
        full = (key, frozenset(skip))
        if full not in self._when_full:
            self._when_full[full] = _choose(options, skip, self.left, self.territories.reps, days)
        return self._when_full[full]

    def take(self, rep: int) -> None:
        """One lead more on `rep`'s list."""
        self.left[rep] -= 1
        self.room -= 1


def _held(rep: Rep, territories: Territories, taken: int) -> str:
    if taken >= territories.max_leads_per_company:
        return (f"backlog: {rep.name} already has {taken} contacts of this company "
                "(max_leads_per_company)")
    return f"backlog: {rep.name} at capacity"


@dataclass(frozen=True)
class _Prefs:
    """scoring.assignment.preferences as plain lists: the walk reads one row per account, and a
    DataFrame cell read costs tens of microseconds."""

    crm_rep: list[int]
    chain: list[tuple[int, ...]]
    crm_unknown: list[bool]
    rule: list[str]
    country_code: list[str | None]
    industry_key: list[str | None]

    def key(self, i: int) -> tuple:
        """Everything `_options` reads of row `i`."""
        return (self.crm_rep[i], self.chain[i], self.crm_unknown[i], self.rule[i],
                self.country_code[i], self.industry_key[i])

    @classmethod
    def of(cls, prefs: pd.DataFrame) -> _Prefs:
        return cls(*(prefs[f].tolist() for f in ("crm_rep", "chain", "crm_unknown", "rule",
                                                 "country_code", "industry_key")))


def _options(prefs: _Prefs, i: int, territories: Territories) -> list[_Option]:
    """The reps who may take the account whose first reachable contact is row `i`, in order."""
    reps = territories.reps
    crm = int(prefs.crm_rep[i])
    options = [_Option(crm, "crm", "CRM owner")] if crm >= 0 else []
    chain = prefs.chain[i]
    unknown = " (CRM owner unknown)" if prefs.crm_unknown[i] else ""
    if prefs.rule[i] == "default":
        first = _Option(chain[0], "default", f"no territory: default rep{unknown}")
    else:
        first = _Option(chain[0], "territory", _territory(
            reps[chain[0]], prefs.country_code[i], prefs.industry_key[i]) + unknown)
    return options + [first] + [_Option(j, "territory", first.phrase) for j in chain[1:]]


def _territory(rep: Rep, code: str | None, industry: str | None) -> str:
    """"territory FR software": the lead's values that put it in the rep's territory (the
    territory's own when the lead reaches this rep by overflow)."""
    parts = ["territory"]
    if rep.countries:
        parts.append(code if code in rep.countries else "/".join(sorted(rep.countries)))
    if rep.industries:
        parts.append(industry if industry in rep.industries else "/".join(sorted(rep.industries)))
    return " ".join(parts)


def _choose(options: list[_Option], skip: set[int], left: list[int], reps: tuple[Rep, ...],
            days: int) -> _Option:
    """The first option with room; a CRM owner's account waits rather than overflow."""
    crm_owner = options[0].rep if options[0].rule == "crm" else None
    if crm_owner is not None and crm_owner not in skip:
        if left[crm_owner] > 0:
            return options[0]
        return _Option(-1, "backlog", f"backlog: {reps[crm_owner].name} (CRM owner) at capacity")
    full: list[int] = []
    for option in options[1:] if crm_owner is not None else options:
        if option.rep in skip:
            continue
        if left[option.rep] > 0:
            if full:
                return _Option(option.rep, "overflow", f"overflow: {reps[full[0]].name} at "
                               "capacity")
            if skip:
                names = ", ".join(sorted(reps[j].name for j in skip))
                return _Option(option.rep, "recycled",
                               f"recycled: not worked by {names} in {days} days")
            return option
        full.append(option.rep)
    if full:
        return _Option(-1, "backlog", f"backlog: {reps[full[0]].name} at capacity")
    names = ", ".join(sorted(reps[j].name for j in skip))
    return _Option(-1, "backlog", f"backlog: not worked by {names} in {days} days, "
                   "and no other rep covers it")


def _stale_holders(ranked: pd.DataFrame, territories: Territories, run_date: date
                   ) -> list[int | None]:
    """Per lead, the rep (index) who held it `recycle_after_days` days or more unworked."""
    if "holder" not in ranked:
        return [None] * len(ranked)
    index = {r.name: j for j, r in enumerate(territories.reps)}
    since = pd.to_datetime(ranked["held_since"], errors="coerce")
    age = (pd.Timestamp(run_date) - since).dt.days
    worked = ranked["worked"].fillna(False).astype(bool) if "worked" in ranked else False
    due = ((age >= territories.recycle_after_days) & ~worked).fillna(False).to_numpy(bool)
    stale: list[int | None] = [None] * len(ranked)
    rows = np.flatnonzero(due)  # the leads due, not every lead made a Python value
    for i, h in zip(rows.tolist(), ranked["holder"].iloc[rows].tolist(), strict=True):
        stale[i] = index.get(h) if isinstance(h, str) else None
    return stale


def _text(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame:
        return [""] * len(frame)
    return frame[column].astype("string").fillna("").tolist()
