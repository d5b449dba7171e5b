"""Country values as CRM exports write them, read as ISO 3166-1 alpha-2 codes: English and
French names, common aliases and codes in any case; an unknown value is left as it is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.countries import country_code, normalise_countries


@pytest.mark.parametrize(("value", "code"), [
    ("France", "FR"), ("Germany", "DE"), ("United States", "US"), ("United Kingdom", "GB"),
    ("Spain", "ES"), ("Ireland", "IE"), ("Switzerland", "CH"), ("Netherlands", "NL"),
    ("United States of America", "US"), ("Czech Republic", "CZ"), ("South Korea", "KR"),
    ("Republic of Korea", "KR"), ("Korea, Republic of", "KR"), ("Vietnam", "VN"),
    ("Russian Federation", "RU"), ("Palestine", "PS"), ("Türkiye", "TR"),
])
def test_an_english_country_name_gives_its_code(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("Allemagne", "DE"), ("Royaume-Uni", "GB"), ("États-Unis", "US"), ("Espagne", "ES"),
    ("Belgique", "BE"), ("Suisse", "CH"), ("Pays-Bas", "NL"), ("Irlande", "IE"),
    ("Italie", "IT"), ("Autriche", "AT"), ("Corée du Sud", "KR"), ("Émirats arabes unis", "AE"),
    ("République tchèque", "CZ"), ("Maroc", "MA"), ("Côte d'Ivoire", "CI"),
])
def test_a_french_country_name_gives_its_code(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("USA", "US"), ("U.S.", "US"), ("U.S.A.", "US"), ("UK", "GB"), ("U.K.", "GB"),
    ("Great Britain", "GB"), ("England", "GB"), ("Holland", "NL"), ("The Netherlands", "NL"),
    ("Deutschland", "DE"), ("España", "ES"), ("Italia", "IT"), ("Schweiz", "CH"),
    ("België", "BE"), ("Éire", "IE"), ("Turkey", "TR"), ("Ivory Coast", "CI"), ("UAE", "AE"),
    ("Russia", "RU"), ("Trinidad & Tobago", "TT"), ("St. Lucia", "LC"), ("EL", "GR"),
    ("DEU", "DE"), ("gbr", "GB"),
])
def test_a_common_alias_or_alpha_3_code_gives_the_alpha_2_code(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("FR", "FR"), ("fr", "FR"), (" be ", "BE"), ("Ch", "CH"), ("us\t", "US"), ("gb", "GB"),
])
def test_a_code_in_any_case_with_spaces_gives_the_code(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("FRANCE", "FR"), ("  france ", "FR"), ("ETATS-UNIS", "US"), ("etats unis", "US"),
    ("Royaume Uni", "GB"), ("espana", "ES"), ("BELGIE", "BE"), ("cote d’ivoire", "CI"),
    ("Viet Nam", "VN"), ("turkiye", "TR"),
])
def test_accents_case_and_punctuation_do_not_matter(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize("value", [
    "Atlantis", "XX", "Frence", "Korea", "Europe", "", "   ", None, 33, float("nan"),
])
def test_an_unknown_or_ambiguous_value_has_no_code(value):
    assert country_code(value) is None  # "Korea": North or South, nobody can tell


def test_a_series_gets_codes_and_keeps_unknown_and_missing_values_as_they_are():
    values = pd.Series(["France", " fr", "Allemagne", "Atlantis", None, "U.K.", "Sverige"],
                       index=[10, 11, 12, 13, 14, 15, 16], name="country")
    codes = normalise_countries(values)
    assert codes.tolist()[:4] == ["FR", "FR", "DE", "Atlantis"]
    assert pd.isna(codes[14]) and codes.tolist()[5:] == ["GB", "SE"]
    assert codes.index.tolist() == values.index.tolist() and codes.name == "country"
    assert codes.dtype == values.dtype


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_a_series_of_any_text_dtype_keeps_its_dtype_and_its_missing_values(dtype):
    values = pd.Series(["Belgique", None, "Schweiz", "Mars"], dtype=dtype)
    codes = normalise_countries(values)
    assert codes.dtype == values.dtype
    assert codes.isna().tolist() == [False, True, False, False]
    assert codes[[0, 2, 3]].tolist() == ["BE", "CH", "Mars"]


def test_an_empty_series_gives_an_empty_series():
    assert normalise_countries(pd.Series([], dtype="str")).empty


def test_a_million_leads_cost_one_lookup_per_distinct_value(monkeypatch):
    import features.countries as countries

    rng = np.random.default_rng(7)
    distinct = ["France", "FR", "Allemagne", "United States", "U.K.", "Belgique", None] + [
        f"Nowhere {i}" for i in range(300)]
    values = pd.Series(np.array(distinct, dtype=object)[rng.integers(0, len(distinct),
                                                                     1_000_000)], dtype="str")
    normalise_countries(values.head(10))  # the table is built once per process
    folded = []
    fold = countries._fold
    monkeypatch.setattr(countries, "_fold", lambda v: folded.append(v) or fold(v))
    codes = normalise_countries(values)
    assert len(folded) == values.nunique() <= len(distinct) - 1  # not one per lead
    assert codes[values == "Allemagne"].eq("DE").all()
    assert codes[values == "Nowhere 3"].eq("Nowhere 3").all()


def test_every_iso_country_is_found_by_its_english_and_french_names_and_codes():
    import gettext

    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    wrong = {(country.alpha_2, value) for country in pycountry.countries
             for value in (country.name, french.gettext(country.name), country.alpha_3,
                           country.alpha_2.lower())
             if country_code(value) != country.alpha_2}
    assert wrong == set()  # no name of one country is taken by another
    assert len(list(pycountry.countries)) >= 249
