"""The sheet's own words in French: why each lead went to its owner (scoring.workload's
phrases), with the reps' names and the numbers kept."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.sheet_locale import assigned_fr, localise

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
