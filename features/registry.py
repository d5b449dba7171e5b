"""The French company registry (API Recherche d'entreprises): which request a company needs,
and the payload turned into facts. Pure: no network; the traps listed in API_NOTES.md are
handled here (coordinates as strings, `finances` keyed by year, "[NON-DIFFUSIBLE]" values, an
empty `results` list for "no match")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NON_DIFFUSIBLE = "[NON-DIFFUSIBLE]"

# tranche_effectif_salarie code -> headcount range (app/labels/tranches-effectifs.json)
HEADCOUNT_BANDS: dict[str, str] = {
    "NN": "0", "00": "0", "01": "1–2", "02": "3–5", "03": "6–9", "11": "10–19",
    "12": "20–49", "21": "50–99", "22": "100–199", "31": "200–249", "32": "250–499",
    "41": "500–999", "42": "1000–1999", "51": "2000–4999", "52": "5000–9999", "53": "10000+",
}
COMPANY_CATEGORIES: tuple[str, ...] = ("PME", "ETI", "GE")
# section_activite_principale -> label (app/labels/sections-codes-NAF.json)
NAF_SECTIONS: dict[str, str] = {
    "A": "Agriculture, sylviculture et pêche",
    "B": "Industries extractives",
    "C": "Industrie manufacturière",
    "D": "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    "E": "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
    "F": "Construction",
    "G": "Commerce; réparation d'automobiles et de motocycles",
    "H": "Transports et entreposage",
    "I": "Hébergement et restauration",
    "J": "Information et communication",
    "K": "Activités financières et d'assurance",
    "L": "Activités immobilières",
    "M": "Activités spécialisées, scientifiques et techniques",
    "N": "Activités de services administratifs et de soutien",
    "O": "Administration publique",
    "P": "Enseignement",
    "Q": "Santé humaine et action sociale",
    "R": "Arts, spectacles et activités récréatives",
    "S": "Autres activités de services",
    "T": "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages "
         "en tant que producteurs de biens et services pour usage propre",
    "U": "Activités extra-territoriales",
}
STATES = {"A": "active", "C": "ceased"}

_POSTAL_CODE = re.compile(r"^((0[1-9])|([1-8][0-9])|(9[0-8])|(2A)|(2B))[0-9]{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOISE = frozenset({"SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCI", "SCOP", "SCA", "SELARL",
                    "GIE", "ET", "CIE", "LA", "LE", "LES", "DE", "DU", "DES", "D", "L"})


@dataclass(frozen=True)
class RegistryLookup:
    """One request to `/search`: `key` names it in the cache, `params` is its query string."""

    key: str
    params: dict[str, str] = field(hash=False)
    siren: str | None = None
    name: str | None = None


def registry_lookup(name: object, postal_code: object, siren: object,
                    country: object) -> RegistryLookup | None:
    """The request for one company: by SIREN (or SIRET) when known, else by name plus postal
    code for a French company; None when the registry cannot be asked.

    >>> registry_lookup("Danone", None, "552 032 534", "FR").params["q"]
    '552032534'
    >>> registry_lookup("Boulangeries Lefèvre & Fils", "75009", None, "FR").key
    'name:BOULANGERIES LEFEVRE FILS|75009'
    """
    common = {"minimal": "true", "include": "siege", "per_page": "5"}
    digits = re.sub(r"[\s.]", "", siren) if isinstance(siren, str) else ""
    if (len(digits) == 9 and digits.isdigit() and _luhn(digits)) or (
            len(digits) == 14 and digits.isdigit()):
        return RegistryLookup(f"siren:{digits}", {"q": digits, **common}, siren=digits[:9])
    if not (isinstance(country, str) and country.strip().upper() == "FR"):
        return None
    normalised = normalise_name(name)
    if len(normalised) < 3:
        return None
    code = postal_code.strip().upper() if isinstance(postal_code, str) else ""
    if _POSTAL_CODE.match(code):
        return RegistryLookup(f"name:{normalised}|{code}",
                              {"q": str(name).strip(), "code_postal": code, **common},
                              name=normalised)
    return RegistryLookup(f"name:{normalised}", {"q": str(name).strip(), **common},
                          name=normalised)


def normalise_name(name: object) -> str:
    """Upper case, no accents, no punctuation, no legal form: how two names are compared."""
    if not isinstance(name, str):
        return ""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^A-Z0-9]+", " ", plain.upper().replace(".", "")).split()  # S.A. is SA
    return " ".join(word for word in words if word not in _NOISE)


def parse_registry(payload: Any, lookup: RegistryLookup) -> tuple[str, dict[str, str]]:
    """("ok", facts) for the company the lookup meant, or ("not_found", {}).

    Raises:
        ValueError: the payload is not a `/search` response (no `results` list).
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("results"), list):
        raise ValueError("not a Recherche d'entreprises response (no results list)")
    result = _pick([r for r in payload["results"] if isinstance(r, Mapping)], lookup)
    return ("ok", registry_facts(result)) if result is not None else ("not_found", {})


def registry_facts(result: Mapping) -> dict[str, str]:
    """The facts of one result (unité légale); masked or missing values are left out."""
    siege = result.get("siege") if isinstance(result.get("siege"), Mapping) else {}
    section = _text(result.get("section_activite_principale"))
    category = _text(result.get("categorie_entreprise"))
    revenue_year, revenue, net_income = _latest_finances(result.get("finances"))
    facts = {
        "siren": _text(result.get("siren")),
        "legal_name": _text(result.get("nom_raison_sociale")) or _text(result.get("nom_complet")),
        "headcount_band": HEADCOUNT_BANDS.get(_text(result.get("tranche_effectif_salarie"))),
        "headcount_year": _text(result.get("annee_tranche_effectif_salarie")),
        "naf_code": _text(result.get("activite_principale")),
        "naf_section": section if section in NAF_SECTIONS else None,
        "naf_label": NAF_SECTIONS.get(section),
        "company_category": category if category in COMPANY_CATEGORIES else None,
        "creation_date": _date(result.get("date_creation")),
        "state": STATES.get(_text(result.get("etat_administratif"))),
        "hq_city": _text(siege.get("libelle_commune")),
        "hq_postal_code": _text(siege.get("code_postal")),
        "hq_latitude": _number(siege.get("latitude")),
        "hq_longitude": _number(siege.get("longitude")),
        "establishments": _number(result.get("nombre_etablissements")),
        "open_establishments": _number(result.get("nombre_etablissements_ouverts")),
        "revenue": revenue,
        "revenue_year": revenue_year,
        "net_income": net_income,
    }
    return {name: value for name, value in facts.items() if value is not None}


def _pick(results: list[Mapping], lookup: RegistryLookup) -> Mapping | None:
    if lookup.siren is not None:
        return next((r for r in results if _text(r.get("siren")) == lookup.siren), None)
    names = [(r, {normalise_name(r.get(k)) for k in ("nom_raison_sociale", "nom_complet",
                                                     "sigle")} - {""}) for r in results]
    exact = next((r for r, known in names if lookup.name in known), None)
    if exact is not None or "code_postal" not in lookup.params:
        return exact  # by name alone, only the exact name: a namesake elsewhere is likelier
    wanted = set((lookup.name or "").split())
    return next((r for r, known in names if any(wanted <= set(n.split()) for n in known)),
                None)


def _latest_finances(finances: object) -> tuple[str | None, str | None, str | None]:
    """`finances` is null or keyed by year: {"2024": {"ca": …, "resultat_net": …}}."""
    if not isinstance(finances, Mapping):
        return None, None, None
    years = sorted((y for y, v in finances.items() if str(y).isdigit() and isinstance(v, Mapping)
                    and _number(v.get("ca")) is not None), reverse=True)
    if not years:
        return None, None, None
    latest = finances[years[0]]
    return str(years[0]), _number(latest.get("ca")), _number(latest.get("resultat_net"))


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return None if not text or text == NON_DIFFUSIBLE else text


def _number(value: object) -> str | None:
    """A number given as a number or as a string ("48.87…"); None when masked or not numeric."""
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return str(int(number)) if number.is_integer() else repr(number)


def _date(value: object) -> str | None:
    text = _text(value)
    return text if text and _DATE.match(text) else None


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0
