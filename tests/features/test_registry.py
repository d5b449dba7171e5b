"""The registry parser against the recorded Recherche d'entreprises responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from features.registry import (
    HEADCOUNT_BANDS,
    NAF_SECTIONS,
    normalise_name,
    parse_registry,
    registry_facts,
    registry_lookup,
)

RECORDINGS = Path(__file__).parents[1] / "fixtures" / "enrichment" / "recherche_entreprises"


def _body(n: int) -> dict:
    return json.loads((RECORDINGS / f"{n}.json").read_text(encoding="utf-8"))["result"]


def test_a_siren_lookup_of_danone_gives_band_naf_category_creation_seat_and_establishments():
    status, facts = parse_registry(_body(2), registry_lookup("Danone", None, "552032534", "FR"))
    assert status == "ok"
    assert facts["headcount_band"] == "1000–1999"  # tranche_effectif_salarie "42"
    assert (facts["naf_code"], facts["naf_section"]) == ("70.10Z", "M")
    assert facts["naf_label"] == "Activités spécialisées, scientifiques et techniques"
    assert facts["company_category"] == "GE"
    assert facts["creation_date"] == "1955-01-01"
    assert (facts["hq_city"], facts["hq_postal_code"]) == ("PARIS", "75009")
    assert (facts["establishments"], facts["open_establishments"]) == ("19", "3")


def test_coordinates_given_as_strings_become_numbers_and_finances_keyed_by_year_the_latest():
    facts = parse_registry(_body(2), registry_lookup(None, None, "552032534", "FR"))[1]
    assert float(facts["hq_latitude"]) == pytest.approx(48.876352027085)
    assert float(facts["hq_longitude"]) == pytest.approx(2.34353622272517)
    assert (facts["revenue_year"], facts["revenue"], facts["net_income"]) == (
        "2024", "27376000000", "0")


def test_non_diffusible_values_are_left_out_never_passed_on_as_text():
    status, facts = parse_registry(_body(7), registry_lookup(None, None, "300025764", "FR"))
    assert status == "ok"
    assert "[NON-DIFFUSIBLE]" not in json.dumps(facts)
    for masked in ("legal_name", "hq_postal_code", "hq_latitude", "hq_longitude"):
        assert masked not in facts
    assert facts["hq_city"] == "RENNES" and facts["naf_section"] == "L"


def test_an_empty_results_list_is_no_match_not_an_error():
    assert parse_registry(_body(6), registry_lookup(None, None, "12345678900003", "FR")) == (
        "not_found", {})


def test_a_ceased_company_says_so_and_a_null_category_is_left_out():
    facts = parse_registry(_body(3), registry_lookup(None, None, "842019051", "FR"))[1]
    assert facts["state"] == "ceased"
    facts = registry_facts(_body(8)["results"][0])  # created in 2026: no category yet
    assert "company_category" not in facts and facts["creation_date"] == "2026-04-09"


def test_a_siret_lookup_finds_its_company_by_the_siren_it_starts_with():
    lookup = registry_lookup(None, None, "880 878 145 00015", "FR")
    assert lookup.params["q"] == "88087814500015"
    assert parse_registry(_body(10), lookup)[1]["siren"] == "880878145"


def test_a_name_search_takes_the_exact_name_before_a_longer_one():
    status, facts = parse_registry(_body(5), registry_lookup("Ganymède", None, None, "FR"))
    assert status == "ok" and facts["siren"] == "817883150"  # GANYMEDE, not FINANCIERE GANYMEDE


def test_by_name_alone_only_the_exact_name_matches_and_with_a_postal_code_a_longer_one_may():
    body = {"results": [{**_body(5)["results"][1]}]}  # FINANCIERE GANYMEDE only
    assert parse_registry(body, registry_lookup("Ganymede", None, None, "FR"))[0] == "not_found"
    lookup = registry_lookup("Ganymede", "75008", None, "FR")
    assert parse_registry(body, lookup)[1]["legal_name"] == "FINANCIERE GANYMEDE"


def test_a_name_search_whose_results_do_not_carry_the_name_is_no_match():
    assert parse_registry(_body(9), registry_lookup("Boulangerie Dupont", None, None, "FR")) == (
        "not_found", {})


def test_a_name_plus_postal_code_lookup_sends_both_and_matches_within_them():
    lookup = registry_lookup("AG Office", "35000", None, "FR")
    assert lookup.params["q"] == "AG Office" and lookup.params["code_postal"] == "35000"
    assert lookup.params["minimal"] == "true" and lookup.params["include"] == "siege"
    assert parse_registry(_body(4), lookup)[1]["siren"] == "492659784"


@pytest.mark.parametrize(("name", "postal_code", "siren", "country"), [
    ("Müller GmbH", "10115", None, "DE"),  # not French and no SIREN
    ("AB", "75009", None, "FR"),  # a name too short to search
    (None, None, "552032535", "FR"),  # a SIREN that fails its checksum, and no name
])
def test_no_request_is_made_when_the_registry_cannot_answer(name, postal_code, siren, country):
    assert registry_lookup(name, postal_code, siren, country) is None


def test_a_bad_postal_code_is_not_sent_and_names_compare_without_accents_or_legal_form():
    lookup = registry_lookup("Boulangeries Lefèvre & Fils SARL", "7509", None, "fr")
    assert "code_postal" not in lookup.params
    assert lookup.key == "name:BOULANGERIES LEFEVRE FILS"
    assert normalise_name("Société Générale S.A.") == "SOCIETE GENERALE"


def test_a_payload_that_is_not_a_search_response_is_an_error_the_caller_records():
    with pytest.raises(ValueError, match="no results list"):
        parse_registry({"erreur": "Numéro Siren invalide."}, registry_lookup(
            None, None, "552032534", "FR"))


def test_the_code_lists_match_the_official_label_files():
    codes = RECORDINGS / "codes"
    bands = json.loads((codes / "tranches-effectifs.json").read_text(encoding="utf-8"))
    assert set(HEADCOUNT_BANDS) == set(bands)
    for code, label in HEADCOUNT_BANDS.items():  # "50–99" for "50 à 99 salariés"
        digits = [part for part in label.replace("+", "").split("–") if part != "0"]
        assert all(d in bands[code].replace(" ", "") for d in digits), (code, label)
    sections = json.loads((codes / "sections-codes-NAF.json").read_text(encoding="utf-8"))
    assert NAF_SECTIONS == sections
