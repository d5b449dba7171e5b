"""The sheet in the rep's language: headers and the values the sheet itself words (source,
change, scored by, multi-year offers, outcome choices). Pure: a frame in, a frame out.

Reasons and talking points are worded when the lead is scored, in the lead's language (or the
language setting), from data/reasons.yaml and data/playbook.yaml; they are not re-worded here.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd

from scoring.pricing import term_offers
from scoring.sheet import SHEET_COLUMNS
from scoring.sheet_layout import OUTCOME_CHOICES

LOCALES: tuple[str, ...] = ("en", "fr")

FRENCH_HEADERS: dict[str, str] = {
    "rank": "Rang", "account_rank": "Rang du compte", "priority": "Priorité",
    "owner": "Commercial", "assigned_because": "Attribué parce que", "grade": "Note",
    "primary_contact": "Contact principal", "account_contacts": "Contacts du compte",
    "win_probability": "Probabilité de gain (%)", "change": "Évolution depuis hier",
    "expected_value": "Valeur attendue (EUR)", "lead_name": "Contact", "company": "Entreprise",
    "title": "Fonction", "email": "E-mail", "phone": "Téléphone", "country": "Pays",
    "source": "Origine", "reasons": "Pourquoi ce score", "scored_by": "Noté par",
    "talking_points": "Arguments", "enriched_facts": "Faits enrichis", "plan": "Offre",
    "seats": "Licences", "currency": "Devise", "list_price": "Prix catalogue (par an)",
    "discount": "Remise suggérée (%)", "acv": "Prix suggéré (ACV, par an)",
    "floor_price": "Prix plancher (par an)", "approval": "Accord du manager au-delà de (% remise)",
    "multi_year": "Offres pluriannuelles (par an)", "lead_id": "ID du lead",
    "outcome": "Résultat", "outcome_reason": "Raison", "close_date": "Date de clôture",
    "deal_value": "Montant", "feedback": "Retour", "feedback_reason": "Raison du retour",
    "useful_points": "Arguments utiles", "wrong_points": "Arguments faux",
}
SOURCES_FR: dict[str, str] = {
    "web_form": "formulaire du site", "demo_request": "demande de démo", "webinar": "webinaire",
    "partner": "partenaire", "outbound": "prospection", "event": "événement",
}
# What the rep picks in the Outcome column; flows/intake/outcomes.py reads both languages back.
OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "en": OUTCOME_CHOICES,
    "fr": ("gagné", "perdu", "pas de réponse", "hors cible"),  # same order
}
_WORDS = {"en": ("years", "walk-away"), "fr": ("ans", "plancher")}
_SCORED_BY_FR = (
    (re.compile(r"^model "), "modèle "),
    (re.compile(r"^rules-based: not enough outcomes yet"),
     "règles : pas encore assez de résultats"),
    (re.compile(r"^rules-based: not enough wins yet"), "règles : pas encore assez de gains"),
)


# The prices of the offer, in the row's currency (the expected value stays in euros).
PRICE_COLUMNS = ("list_price", "acv", "floor_price")
CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}  # other currencies show their code


def headers(locale: str) -> dict[str, str]:
    """Internal column name -> the header the rep reads in `locale`.

    >>> headers("fr")["acv"], headers("en")["acv"]
    ('Prix suggéré (ACV, par an)', 'Suggested price (ACV, per year)')
    """
    english = dict(SHEET_COLUMNS)
    if locale == "en":
        return english
    return {name: FRENCH_HEADERS.get(name, header) for name, header in english.items()}


def offers_text(terms: object, currency: object, locale: str = "en") -> str:
    """The multi-year offers of one lead, a line per term, from the quote's JSON terms.

    >>> terms = ('[{"years": 2, "discount": "0.05", "price": "1884.42", '
    ...          '"floor_price": "1785.24"}]')
    >>> offers_text(terms, "EUR")
    '2 years: 1884.42 EUR (walk-away 1785.24)'
    >>> offers_text(terms, "EUR", "fr")
    '2 ans : 1884,42 EUR (plancher 1785,24)'
    """
    years, walk_away = _WORDS[locale]
    colon = " :" if locale == "fr" else ":"
    code = f" {currency}" if isinstance(currency, str) and currency else ""
    return "\n".join(
        f"{t.years} {years}{colon} {_amount(t.price, locale)}{code} "
        f"({walk_away} {_amount(t.floor_price, locale)})"
        for t in term_offers(terms))


def localise(sheet: pd.DataFrame, locale: str) -> pd.DataFrame:
    """The sheet's own words in `locale` (internal column names kept; see `headers`).

    The multi-year offers are worded in every locale (the sheet keeps them as JSON terms).
    """
    if locale not in LOCALES:
        raise ValueError(f"unknown sheet locale {locale!r}")
    out = sheet.copy(deep=False)  # copy-on-write: setting a column leaves `sheet` as it was
    if "multi_year" in out:
        currency = out["currency"] if "currency" in out else pd.Series("", index=out.index)
        out["multi_year"] = _offers_texts(out["multi_year"], currency, locale)
    if locale == "fr":
        if "source" in out:
            out["source"] = out["source"].map(lambda v: SOURCES_FR.get(v, v))
        if "change" in out:
            out["change"] = out["change"].map(lambda v: "nouveau" if v == "new" else v)
        if "scored_by" in out:
            out["scored_by"] = out["scored_by"].map(_scored_by_fr)
        if "primary_contact" in out:
            out["primary_contact"] = out["primary_contact"].map(
                lambda v: {"yes": "oui", "no": "non"}.get(v, v))
        if "priority" in out:  # "grade A, #3 of 48 by expected value"
            out["priority"] = out["priority"].map(_priority_fr)
        if "assigned_because" in out:  # few distinct phrases: each worded once
            reasons = out["assigned_because"]
            out["assigned_because"] = reasons.map(
                {r: assigned_fr(r) for r in reasons.dropna().unique()})
    return out


def _offers_texts(terms: pd.Series, currency: pd.Series, locale: str) -> list[str]:
    """`offers_text` of each row, worded once per distinct (terms, currency): a day holds few
    distinct offers."""
    if terms.empty:
        return []
    term_codes, distinct_terms = pd.factorize(terms, use_na_sentinel=False)
    currency_codes, currencies = pd.factorize(currency, use_na_sentinel=False)
    pairs, which = np.unique(term_codes * len(currencies) + currency_codes, return_inverse=True)
    distinct_terms, currencies = distinct_terms.tolist(), currencies.tolist()  # not an Index
    texts = np.array([offers_text(distinct_terms[t], currencies[c], locale)  # read per cell
                      for t, c in zip(*np.divmod(pairs, len(currencies)), strict=True)],
                     dtype=object)
    return texts[which.ravel()].tolist()


_PRIORITY = re.compile(r"^grade (\S+), #(\d+) of (\d+) by expected value$")


def _priority_fr(text: object) -> object:
    """The Priority column in French.

    >>> _priority_fr("grade A, #3 of 48 by expected value")
    'note A, n° 3 sur 48 par valeur attendue'
    """
    if not isinstance(text, str):
        return text
    return _PRIORITY.sub(r"note \1, n° \2 sur \3 par valeur attendue", text)


# scoring.workload's phrases, most specific first; a rep's name is whatever data/reps.yaml says
_ASSIGNED_FR = tuple((re.compile(pattern, re.DOTALL), french) for pattern, french in (
    (r"CRM owner", "propriétaire CRM"),
    (r"no territory: default rep", "aucun territoire : commercial par défaut"),
    (r"territory (.*)", r"territoire \1"),
    (r"backlog: (.+) \(CRM owner\) at capacity",
     r"en attente : \1 (propriétaire CRM) a atteint sa capacité"),
    (r"backlog: (.+) already has (\d+) contacts of this company \(max_leads_per_company\)",
     r"en attente : \1 a déjà \2 contacts de cette entreprise (max_leads_per_company)"),
    (r"backlog: not worked by (.+) in (\d+) days, and no other rep covers it",
     r"en attente : non travaillé par \1 depuis \2 jours, et aucun autre commercial ne le "
     r"couvre"),
    (r"backlog: (.+) at capacity", r"en attente : \1 a atteint sa capacité"),
    (r"overflow: (.+) at capacity", r"débordement : \1 a atteint sa capacité"),
    (r"recycled: not worked by (.+) in (\d+) days",
     r"réattribué : non travaillé par \1 depuis \2 jours"),
    (r"do not contact: (.*)", r"ne pas contacter : \1"),
))
_CRM_UNKNOWN = " (CRM owner unknown)"


def assigned_fr(text: object) -> object:
    """Why a lead went to its owner (scoring.workload), in French; a phrase it does not know
    stays as it is.

    >>> assigned_fr("territory FR software (CRM owner unknown)")
    'territoire FR software (propriétaire CRM inconnu)'
    >>> assigned_fr("backlog: Léa Rousseau at capacity")
    'en attente : Léa Rousseau a atteint sa capacité'
    """
    if not isinstance(text, str):
        return text
    unknown = text.endswith(_CRM_UNKNOWN)
    base = text[:-len(_CRM_UNKNOWN)] if unknown else text
    for pattern, french in _ASSIGNED_FR:
        if match := pattern.fullmatch(base):
            worded = match.expand(french)
            return worded + " (propriétaire CRM inconnu)" if unknown else worded
    return text


def _scored_by_fr(text: object) -> object:
    if not isinstance(text, str):
        return text
    for pattern, french in _SCORED_BY_FR:
        text = pattern.sub(french, text)
    return text


def _amount(text: Decimal, locale: str) -> str:
    number = format(Decimal(text), "f")
    return number.replace(".", ",") if locale == "fr" else number
