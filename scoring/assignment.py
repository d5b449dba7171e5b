"""Who owns each lead: the CRM's owner when the import gave one, else the sales territories.

A CRM owner is a rep when it is the rep's name or email (any case), or one of the rep's
`crm_ids` (a Salesforce OwnerId, a HubSpot owner id…): a Salesforce id matches in its
15- or 18-character form.

The territories live in data/reps.yaml (sales ops edit it). A rep covers a lead when every
criterion the rep lists matches: the lead's company country is in `countries` (if listed) and its
industry is in `industries` (if listed). Countries match as ISO codes on both sides: the file's
and the CRM's "France", "Allemagne", "USA", "U.K." or "fr" are read as FR, DE, US, GB, FR
(features.countries); a CRM value that is no known country is matched as written. The rep
listing both wins over a rep listing one; reps that tie share the leads, each lead going to the
same rep every day (a hash of its lead id). A lead no rep covers goes to `default_rep`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.countries import country_code, normalise_countries
from features.email import is_valid_email
from scoring.editable import Editable

RULES: tuple[str, ...] = ("crm", "territory", "default")
_REP_FIELDS = ("name", "email", "countries", "industries", "crm_ids")
_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


@dataclass(frozen=True)
class Rep:
    name: str
    email: str
    countries: frozenset[str]  # ISO 3166-1 alpha-2, e.g. FR (UK is GB); empty: any country
    industries: frozenset[str]  # lower case, e.g. software; empty: any industry
    crm_ids: frozenset[str] = frozenset()  # as crm_key() gives them, e.g. 005bm00000NCJmQ

    @property
    def specificity(self) -> int:
        """How many criteria the rep lists: a rep listing both beats a rep listing one."""
        return bool(self.countries) + bool(self.industries)


@dataclass(frozen=True)
class Territories:
    """The reps in file order and the rep who gets every lead no territory covers."""

    reps: tuple[Rep, ...]
    default: Rep

    @classmethod
    def from_file(cls, editable: Editable) -> Territories:
        """Validate `default_rep: <name>` and
        `reps: [{name, email, countries, industries, crm_ids}]`."""
        data = editable.data if isinstance(editable.data, dict) else {}
        unknown = sorted(set(data) - {"default_rep", "reps"})
        if unknown:
            raise editable.error(unknown[0], "is not a setting of this file (default_rep, reps)")
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
        return cls(reps, by_name[default.strip().casefold()])


def _rep(editable: Editable, field: str, item: object) -> Rep:
    if not isinstance(item, dict):
        raise editable.error(field, "must be a rep with name, email and countries or industries")
    unknown = sorted(set(item) - set(_REP_FIELDS))
    if unknown:
        raise editable.error(f"{field}.{unknown[0]}",
                             "is not a rep setting (name, email, countries, industries, crm_ids)")
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
    return Rep(name.strip(), email.strip(), countries, industries, crm_ids)


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
    """The owner of each lead, with the rule that chose it.

    Args:
        leads: lead_id, owner (from the CRM import, may be empty), country and industry.
        territories: the reps, from data/reps.yaml.

    Returns:
        lead_id, owner (a rep's name, or the CRM's text when it is no listed rep's name,
        email or CRM id), owner_email (None for an unlisted CRM owner) and rule (crm,
        territory or default).

    >>> reps = (Rep("Ana", "ana@x.fr", frozenset({"FR"}), frozenset()),)
    >>> leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "owner": [None, None, "Bob"],
    ...                       "country": ["FR", "DE", "FR"], "industry": [None] * 3})
    >>> assign(leads, Territories(reps, reps[0]))["rule"].tolist()
    ['territory', 'default', 'crm']
    """
    country = normalise_countries(leads["country"]).astype("string").str.strip().str.upper()
    industry = leads["industry"].astype("string").str.strip().str.lower()
    covers = np.column_stack([
        (country.isin(r.countries).fillna(False).to_numpy(bool) if r.countries else
         np.ones(len(leads), bool))
        & (industry.isin(r.industries).fillna(False).to_numpy(bool) if r.industries else
           np.ones(len(leads), bool))
        & bool(r.countries or r.industries)  # a rep with only CRM ids has no territory
        for r in territories.reps
    ]) if len(leads) else np.zeros((0, len(territories.reps)), bool)
    strength = covers * np.array([r.specificity for r in territories.reps])
    best = (strength == strength.max(axis=1, keepdims=True)) & covers
    ties = best.sum(axis=1)
    spread = pd.util.hash_pandas_object(leads["lead_id"].astype(str), index=False).to_numpy()
    turn = spread % np.maximum(ties, 1).astype(np.uint64)
    chosen = np.argmax(best & (np.cumsum(best, axis=1) == (turn[:, None] + 1)), axis=1)
    covered = ties > 0
    everyone = (*territories.reps, territories.default)
    pick = np.where(covered, chosen, len(territories.reps))
    names = np.array([r.name for r in everyone], dtype=object)[pick]
    emails = np.array([r.email for r in everyone], dtype=object)[pick]

    crm = leads["owner"].astype("string").str.strip().replace("", pd.NA)
    by_id = {key: r for r in territories.reps for key in r.crm_ids}
    by_key = {k: r for r in territories.reps for k in (r.name.casefold(), r.email.casefold())}
    rep_of = {v: by_key.get(v.casefold()) or by_id.get(crm_key(v))  # per distinct owner
              for v in crm.dropna().unique()}
    crm_name = crm.map({v: r.name for v, r in rep_of.items() if r}).astype("string").fillna(crm)
    crm_email = crm.map({v: r.email for v, r in rep_of.items() if r}).astype("string")
    has_crm = crm.notna().to_numpy()
    return pd.DataFrame({
        "lead_id": leads["lead_id"].to_numpy(),
        "owner": np.where(has_crm, crm_name.to_numpy(dtype=object, na_value=None), names),
        "owner_email": np.where(has_crm, crm_email.to_numpy(dtype=object, na_value=None),
                                emails),
        "rule": np.where(has_crm, "crm", np.where(covered, "territory", "default")),
    })
