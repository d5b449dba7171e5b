"""Who should own each lead: the CRM's owner when it is a listed rep, else the territories.

A CRM owner is a rep when it is the rep's name or email (any case), or one of the rep's
`crm_ids` (a Salesforce OwnerId, a HubSpot owner id…): a Salesforce id matches in its
15- or 18-character form. A CRM owner that is no listed rep (an unknown OwnerId, a former
colleague) is ignored: the lead goes to the territories like a lead without an owner, rather
than to an owner with no capacity and no list of their own.

The territories live in data/reps.yaml (sales ops edit it). A rep covers a lead when every
criterion the rep lists matches: the lead's company country is in `countries` (if listed) and its
industry is in `industries` (if listed). Countries match as ISO codes on both sides: the file's
and the CRM's "France", "Allemagne", "USA", "U.K." or "fr" are read as FR, DE, US, GB, FR
(features.countries); a CRM value that is no known country is matched as written. The rep
listing both wins over a rep listing one; reps that tie share the leads, each lead going to the
same rep every day (a hash of its lead id). A lead no rep covers goes to `default_rep`.

The same file says how much a rep can work in a day (`leads_per_day`, for everyone and per rep),
how many contacts of one company a rep gets in a day (`max_leads_per_company`) and after how
many days a lead nobody worked goes to another rep (`recycle_after_days`); scoring.workload fills
the day's lists with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.countries import country_code, normalise_countries
from features.email import is_valid_email
from scoring.editable import Editable

RULES: tuple[str, ...] = ("crm", "territory", "default")
_REP_FIELDS = ("name", "email", "countries", "industries", "crm_ids", "leads_per_day")
# The day's limits when the file leaves them out (data/reps.yaml states them).
LIMITS: dict[str, int] = {"leads_per_day": 40, "max_leads_per_company": 2,
                          "recycle_after_days": 7}
_LIMIT_EXAMPLES = {"leads_per_day": "a whole number of leads such as 40",
                   "max_leads_per_company": "a whole number of leads such as 2",
                   "recycle_after_days": "a whole number of days such as 7"}
_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


@dataclass(frozen=True)
class Rep:
    name: str
    email: str
    countries: frozenset[str]  # ISO 3166-1 alpha-2, e.g. FR (UK is GB); empty: any country
    industries: frozenset[str]  # lower case, e.g. software; empty: any industry
    crm_ids: frozenset[str] = frozenset()  # as crm_key() gives them, e.g. 005bm00000NCJmQ
    leads_per_day: int | None = None  # None: the file's leads_per_day for everyone

    @property
    def specificity(self) -> int:
        """How many criteria the rep lists: a rep listing both beats a rep listing one."""
        return bool(self.countries) + bool(self.industries)


@dataclass(frozen=True)
class Territories:
    """The reps in file order, the rep who gets every lead no territory covers, and the day's
    limits (see LIMITS)."""

    reps: tuple[Rep, ...]
    default: Rep
    leads_per_day: int = LIMITS["leads_per_day"]
    max_leads_per_company: int = LIMITS["max_leads_per_company"]
    recycle_after_days: int = LIMITS["recycle_after_days"]

    def capacity(self, rep: Rep) -> int:
        """How many leads `rep` can work in a day."""
        return self.leads_per_day if rep.leads_per_day is None else rep.leads_per_day

    @classmethod
    def from_file(cls, editable: Editable) -> Territories:
        """Validate `default_rep: <name>`, the limits of LIMITS and
        `reps: [{name, email, countries, industries, crm_ids, leads_per_day}]`."""
        data = editable.data if isinstance(editable.data, dict) else {}
        unknown = sorted(set(data) - {"default_rep", "reps", *LIMITS})
        if unknown:
            raise editable.error(unknown[0], "is not a setting of this file (default_rep, "
                                 f"{', '.join(LIMITS)}, reps)")
        limits = {key: _count(editable, key, data.get(key, default))
                  for key, default in LIMITS.items()}
        items = data.get("reps")
        if not isinstance(items, list) or not items:
            raise editable.error("reps", "must list at least one rep (name, email, countries)")
        reps = tuple(_rep(editable, f"reps[{i}]", item) for i, item in enumerate(items))
        names = [r.name.casefold() for r in reps]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise editable.error(f"reps[{i}].name", f"{reps[i].name!r} is listed twice")
        owner_of: dict[str, str] = {}
        for i, rep in enumerate(reps):
            for key in sorted(rep.crm_ids):
                if key in owner_of:
                    raise editable.error(f"reps[{i}].crm_ids", f"{key!r} is already listed "
                                         f"for {owner_of[key]}; a CRM id belongs to one rep")
                owner_of[key] = rep.name
        default = data.get("default_rep")
        by_name = {r.name.casefold(): r for r in reps}
        if not isinstance(default, str) or default.strip().casefold() not in by_name:
            listed = ", ".join(r.name for r in reps)
            raise editable.error("default_rep", f"must be the name of a listed rep ({listed}), "
                                 f"got {default!r}")
        return cls(reps, by_name[default.strip().casefold()], **limits)


def _count(editable: Editable, field: str, value: object) -> int:
    """A whole number of at least 1 (YAML reads `40` as 40 and `yes` as True: refuse the bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        key = field.rsplit(".", 1)[-1]
        raise editable.error(field, f"must be {_LIMIT_EXAMPLES[key]} (at least 1), got {value!r}")
    return value


def _rep(editable: Editable, field: str, item: object) -> Rep:
    if not isinstance(item, dict):
        raise editable.error(field, "must be a rep with name, email and countries or industries")
    unknown = sorted(set(item) - set(_REP_FIELDS))
    if unknown:
        raise editable.error(f"{field}.{unknown[0]}",
                             f"is not a rep setting ({', '.join(_REP_FIELDS)})")
    name, email = item.get("name"), item.get("email")
    if not isinstance(name, str) or not name.strip():
        raise editable.error(f"{field}.name", "must be the rep's name, e.g. Camille Martin")
    if not isinstance(email, str) or not is_valid_email(email):
        raise editable.error(f"{field}.email", f"must be an email address, got {email!r}")
    countries = _codes(editable, f"{field}.countries", item.get("countries"), country=True)
    industries = _codes(editable, f"{field}.industries", item.get("industries"), country=False)
    crm_ids = _crm_ids(editable, f"{field}.crm_ids", item.get("crm_ids"))
    if not countries and not industries and not crm_ids:
        raise editable.error(field, "needs countries, industries or crm_ids to own any lead")
    per_day = item.get("leads_per_day")
    if per_day is not None:
        per_day = _count(editable, f"{field}.leads_per_day", per_day)
    return Rep(name.strip(), email.strip(), countries, industries, crm_ids, per_day)


def _crm_ids(editable: Editable, field: str, value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not value:
        raise editable.error(field, f"must be a list like [005xx0000012345], got {value!r}")
    for item in value:
        if not isinstance(item, str):  # YAML reads 0123 as 83 and 12_345 as 12345
            raise editable.error(field, f"must hold ids as text: put the id YAML read as "
                                 f"the number {item!r} in quotes, as the CRM export writes it")
        if not item.strip() or any(c.isspace() for c in item.strip()):
            raise editable.error(field, f"must hold ids without spaces, got {item!r}")
    return frozenset(crm_key(v) for v in value)


def crm_key(value: str) -> str:
    """The form a CRM id is matched in: a Salesforce 18-character id becomes its 15-character
    form (the last 3 characters are a checksum of its capitals), any other id stays as is.

    >>> crm_key("005bm00000NCJmQAAX"), crm_key(" 005bm00000NCJmQ "), crm_key("12345678")
    ('005bm00000NCJmQ', '005bm00000NCJmQ', '12345678')
    """
    value = value.strip()
    if len(value) == 18 and value.isascii() and value.isalnum():
        suffix = "".join(
            _SF_SUFFIX[sum(1 << i for i, c in enumerate(value[start:start + 5]) if c.isupper())]
            for start in (0, 5, 10))
        if value[15:].upper() == suffix:
            return value[:15]
    return value


def _codes(editable: Editable, field: str, value: object, country: bool) -> frozenset[str]:
    if value is None:
        return frozenset()
    example = "[FR, BE]" if country else "[software, retail]"
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise editable.error(field, f"must be a list like {example}, got {value!r}")
    if country:
        codes = [country_code(v) for v in value]
        if None in codes:
            bad = value[codes.index(None)]
            raise editable.error(field, f"must hold country codes like FR or country names, "
                                 f"got {bad!r}, which is neither")
        return frozenset(codes)
    return frozenset(v.strip().lower() for v in value)


def assign(leads: pd.DataFrame, territories: Territories) -> pd.DataFrame:
    """The rep who should own each lead, with the rule that chose it (no capacity: that is
    scoring.workload's job).

    Args:
        leads: lead_id, owner (from the CRM import, may be empty), country and industry.
        territories: the reps, from data/reps.yaml.

    Returns:
        lead_id, owner (a rep's name), owner_email and rule (crm, territory or default). A CRM
        owner that is no listed rep's name, email or CRM id is ignored (the territories decide).

    >>> reps = (Rep("Ana", "ana@x.fr", frozenset({"FR"}), frozenset()),)
    >>> leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "owner": [None, None, "Bob"],
    ...                       "country": ["FR", "DE", "FR"], "industry": [None] * 3})
    >>> assign(leads, Territories(reps, reps[0]))["rule"].tolist()
    ['territory', 'default', 'territory']
    """
    choice = preferences(leads, territories)
    crm = choice["crm_rep"].to_numpy()
    pick = np.where(crm >= 0, crm, [chain[0] for chain in choice["chain"]]).astype(int)
    reps = territories.reps
    return pd.DataFrame({
        "lead_id": leads["lead_id"].to_numpy(),
        "owner": np.array([r.name for r in reps], dtype=object)[pick],
        "owner_email": np.array([r.email for r in reps], dtype=object)[pick],
        "rule": np.where(crm >= 0, "crm", choice["rule"].to_numpy(dtype=object)),
    })


def preferences(leads: pd.DataFrame, territories: Territories) -> pd.DataFrame:
    """Per lead, the reps who may own it, as indexes into `territories.reps`.

    Returns:
        crm_rep (the rep the CRM owner names, else -1), crm_unknown (a CRM owner was given but
        names no rep), chain (a tuple: the territory's choice first, then the other reps whose
        territory covers the lead, most specific first, then the default rep) and rule
        (territory, or default when no territory covers the lead).
    """
    reps = territories.reps
    # each distinct country and industry is cleaned and matched once (a few hundred values),
    # and each lead takes its value's result by its code
    country = _Distinct.of(leads["country"], lambda values: normalise_countries(
        values).astype("string").str.strip().str.upper())
    industry = _Distinct.of(leads["industry"],
                            lambda values: values.astype("string").str.strip().str.lower())
    covers = np.column_stack([
        country.among(r.countries) & industry.among(r.industries)
        & bool(r.countries or r.industries)  # a rep with only CRM ids has no territory
        for r in reps
    ]) if len(leads) else np.zeros((0, len(reps)), bool)
    strength = covers * np.array([r.specificity for r in reps])
    best = (strength == strength.max(axis=1, keepdims=True)) & covers
    ties = best.sum(axis=1)
    turn = _turns(leads["lead_id"], ties)
    chosen = np.argmax(best, axis=1)  # the first of the best; a tied lead's turn-th after it:
    tied = np.flatnonzero(turn)  # where the best reps counted so far pass its turn
    chosen[tied] = np.argmax(np.cumsum(best[tied], axis=1) > turn[tied, None], axis=1)
    default = reps.index(territories.default)
    by_strength = sorted(range(len(reps)), key=lambda j: -reps[j].specificity)
    # a lead's chain follows from its territory's choice and which reps cover it: made once
    # per such pattern (a few dozen), not once per lead
    which = _row_codes(np.column_stack([chosen, ties > 0, covers]).astype(np.int64))
    _, firsts = np.unique(which, return_index=True)  # a lead of each pattern, by its code
    made = np.empty(len(firsts), dtype=object)
    for k, i in enumerate(firsts.tolist()):  # one at a time: tuples must stay cells
        made[k] = (tuple(dict.fromkeys([int(chosen[i]),
                                        *(j for j in by_strength if covers[i, j]), default]))
                   if ties[i] else (default,))
    chains = made[which]
    crm = leads["owner"].astype("string").str.strip().replace("", pd.NA)
    rep_index = _crm_reps(crm, territories)
    return pd.DataFrame({
        "lead_id": leads["lead_id"].array,  # as they are: no text made again
        "crm_rep": rep_index,
        "crm_unknown": (crm.notna().to_numpy() & (rep_index < 0)),
        "chain": chains,
        "rule": pd.Series(np.array(["default", "territory"], dtype=object)[
            (ties > 0).astype(np.intp)], dtype=object),
        # Python values (None where missing), each distinct one shared by its leads
        "country_code": pd.Series(country.objects(), dtype=object),
        "industry_key": pd.Series(industry.objects(), dtype=object),
    })


@dataclass(frozen=True)
class _Distinct:
    """A column as the code of each value (-1: missing) and its distinct values, cleaned.

    >>> values = _Distinct.of(pd.Series([" fr", None, "DE", " fr"]), lambda v: v.str.strip())
    >>> values.among(frozenset({"fr"})).tolist(), values.objects().tolist()
    ([True, False, False, True], ['fr', None, 'DE', 'fr'])
    """

    codes: np.ndarray
    distinct: pd.Series  # cleaned, none missing

    @classmethod
    def of(cls, values: pd.Series, clean) -> _Distinct:
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        return cls(codes, clean(pd.Series(distinct)).reset_index(drop=True))

    def among(self, allowed: frozenset[str]) -> np.ndarray:
        """Whether each value is in `allowed` (a missing one never is); all when it is empty."""
        if not allowed:
            return np.ones(len(self.codes), bool)
        return np.append(self.distinct.isin(allowed).to_numpy(bool), False)[self.codes]

    def objects(self) -> np.ndarray:
        """Each value as a Python str, None where missing."""
        return np.array([*self.distinct.tolist(), None], dtype=object)[self.codes]


def _turns(lead_ids: pd.Series, ties: np.ndarray) -> np.ndarray:
    """Which of its `ties` tied reps each lead goes to: its id's hash modulo the ties, so a
    lead always goes to the same one. Only tied leads are hashed (a hash depends on its own
    value alone; the others' turn is 0).

    >>> _turns(pd.Series(["L1", "L2", "L3"]), np.array([0, 1, 2])).tolist()
    [0, 0, 1]
    """
    turn = np.zeros(len(ties), dtype=np.uint64)
    tied = np.flatnonzero(ties > 1)
    if len(tied):
        spread = pd.util.hash_pandas_object(lead_ids.iloc[tied].astype(str), index=False)
        turn[tied] = spread.to_numpy() % ties[tied].astype(np.uint64)
    return turn


def _row_codes(columns: np.ndarray) -> np.ndarray:
    """A code per row of `columns` (non-negative integers), the same for equal rows only: the
    columns folded in one at a time, the codes numbered again after each so they stay below the
    number of rows (any number of columns, no overflow).

    >>> _row_codes(np.array([[1, 0], [0, 2], [1, 0]])).tolist()
    [0, 1, 0]
    """
    codes = np.zeros(len(columns), dtype=np.int64)
    for column in columns.T:
        codes, _ = pd.factorize(codes * (int(column.max(initial=0)) + 1) + column)
    return codes.astype(np.int64)


def _crm_reps(crm: pd.Series, territories: Territories) -> np.ndarray:
    """The index of the rep each CRM owner names (name, email or CRM id), else -1."""
    reps = territories.reps
    by_id = {key: i for i, r in enumerate(reps) for key in r.crm_ids}
    by_key = {k: i for i, r in enumerate(reps) for k in (r.name.casefold(), r.email.casefold())}
    rep_of = {v: by_key.get(v.casefold(), by_id.get(crm_key(v), -1))  # per distinct owner
              for v in crm.dropna().unique()}
    return crm.map(rep_of).fillna(-1).astype(int).to_numpy()
