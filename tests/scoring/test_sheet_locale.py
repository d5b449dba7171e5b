"""The sheet's own words in French: why each lead went to its owner (scoring.workload's
phrases), with the reps' names and the numbers kept."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.sheet_locale import assigned_fr, localise, offers_text

PHRASES = [
    ("CRM owner", "propriétaire CRM"),
    ("no territory: default rep", "aucun territoire : commercial par défaut"),
    ("no territory: default rep (CRM owner unknown)",
     "aucun territoire : commercial par défaut (propriétaire CRM inconnu)"),
    ("territory FR software", "territoire FR software"),
    ("territory DE/FR (CRM owner unknown)", "territoire DE/FR (propriétaire CRM inconnu)"),
    ("backlog: Léa Rousseau (CRM owner) at capacity",
     "en attente : Léa Rousseau (propriétaire CRM) a atteint sa capacité"),
    ("backlog: O'Brien (at capacity) already has 2 contacts of this company "
     "(max_leads_per_company)",
     "en attente : O'Brien (at capacity) a déjà 2 contacts de cette entreprise "
     "(max_leads_per_company)"),
    ("backlog: not worked by Hannah Weber, Oliver Smith in 14 days, and no other rep covers it",
     "en attente : non travaillé par Hannah Weber, Oliver Smith depuis 14 jours, et aucun "
     "autre commercial ne le couvre"),
    ("backlog: Julien Moreau at capacity", "en attente : Julien Moreau a atteint sa capacité"),
    ("overflow: Camille Martin at capacity",
     "débordement : Camille Martin a atteint sa capacité"),
    ("recycled: not worked by Zoé in 30 days",
     "réattribué : non travaillé par Zoé depuis 30 jours"),
    ("do not contact: asked to be left alone", "ne pas contacter : asked to be left alone"),
]


@pytest.mark.parametrize(("english", "french"), PHRASES)
def test_each_assignment_phrase_reads_in_french(english, french):
    assert assigned_fr(english) == french


def test_an_unknown_phrase_or_an_empty_cell_stays_as_it_is():
    assert assigned_fr("manual: set by sales ops") == "manual: set by sales ops"
    assert assigned_fr(None) is None


def test_the_french_sheet_words_the_assigned_because_column_and_english_keeps_it():
    sheet = pd.DataFrame({"assigned_because": [e for e, _ in PHRASES] + [None]})
    assert localise(sheet, "fr")["assigned_because"].tolist()[:-1] == [f for _, f in PHRASES]
    assert localise(sheet, "en")["assigned_because"].tolist()[:-1] == [e for e, _ in PHRASES]


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_each_rows_multi_year_offers_are_worded_from_its_own_terms_and_currency(locale):
    two = ('[{"years": 2, "discount": "0.05", "price": "1884.42", "floor_price": "1785.24"}]')
    three = ('[{"years": 2, "discount": "0.04", "price": "1607.04", "floor_price": "1468.80"},'
             ' {"years": 3, "discount": "0.08", "price": "1540.00", "floor_price": "1400.10"}]')
    terms = [two, three, None, two, three, "", two, None, three]
    currency = ["EUR", "EUR", "GBP", "USD", None, "EUR", float("nan"), "USD", "EUR"]
    sheet = pd.DataFrame({"multi_year": pd.array(terms, dtype="str"), "currency": currency},
                         index=[9, 3, 5, 1, 0, 2, 8, 7, 6])
    worded = localise(sheet, locale)["multi_year"].tolist()
    assert worded == [offers_text(t, c, locale) for t, c in zip(terms, currency, strict=True)]
    assert worded[0] != worded[3] and worded[1] != worded[4]  # the currency is each row's own
    assert localise(sheet.iloc[:0], locale)["multi_year"].tolist() == []
    assert localise(sheet.drop(columns="currency"), locale)["multi_year"].tolist() == [
        offers_text(t, "", locale) for t in terms]
