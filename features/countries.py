"""Country values as CRM exports write them ("France", "Royaume-Uni", "USA", "fr ") turned into
ISO 3166-1 alpha-2 codes, so they match the territories in data/reps.yaml.

Names come from pycountry (ISO 3166-1, English and its French gettext locale: short, common and
official names, "Korea, Republic of" read both ways, and "Palestine, State of" or "Holy See
(Vatican City State)" shortened to their first words when no other country shares them) plus
the aliases below (abbreviations, former names, the parts of the United Kingdom, and a few names
in the countries' own languages).
Values are folded before lookup: accents removed, any case, "U.K." -> "uk", punctuation and
"&" -> spaces and "and", a leading "the" dropped ("The Netherlands"), "St." -> "saint".
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd

# Alpha-2 code -> other ways CRM exports write the country. Folded like every value, so accents,
# case and punctuation need not be listed twice. UK and EL are the codes the EU uses.
ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("UAE", "Emirates"),
    "AT": ("Österreich",),
    "BE": ("België", "Belgien", "Belgio", "Bélgica"),
    "BR": ("Brasil",),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "CH": ("Schweiz", "Svizzera", "Svizra", "Suiza", "Zwitserland", "Helvetia"),
    "CI": ("Ivory Coast",),
    "CN": ("PRC",),
    "CV": ("Cape Verde",),
    "CZ": ("Česko", "Česká republika", "Tschechien"),
    "DE": ("Deutschland", "Alemania", "Germania", "Duitsland"),
    "DK": ("Danmark", "Dänemark"),
    "ES": ("España", "Spanien", "Spagna", "Spanje", "Espanha"),
    "FI": ("Suomi", "Finnland"),
    "GB": ("UK", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "Grande-Bretagne", "Angleterre", "Écosse", "Pays de Galles",
           "Irlande du Nord", "Vereinigtes Königreich", "Reino Unido", "Regno Unito",
           "Verenigd Koninkrijk"),
    "GR": ("EL", "Hellas", "Ελλάδα", "Griechenland"),
    "IE": ("Éire", "Republic of Ireland", "Irland"),
    "IT": ("Italia", "Italien", "Italië"),
    "LU": ("Luxemburg", "Lëtzebuerg"),
    "MK": ("Macedonia", "Macédoine"),
    "MM": ("Burma",),
    "NL": ("Holland", "Hollande", "Nederland", "Niederlande", "Países Bajos", "Paesi Bassi"),
    "NO": ("Norge", "Norwegen"),
    "PL": ("Polska", "Polen"),
    "PT": ("Portogallo",),
    "RU": ("Russia", "Russie"),
    "SA": ("KSA",),
    "SE": ("Sverige", "Schweden"),
    "SZ": ("Swaziland",),
    "TR": ("Turkey", "Türkei"),
    "US": ("U.S.", "America", "Estados Unidos", "Vereinigte Staaten"),
    "VA": ("Vatican", "Vatican City", "Cité du Vatican"),
    "XK": ("Kosovo",),  # not in ISO 3166-1 yet, but the code every registry and CRM uses
}
_PUNCTUATION = re.compile(r"[\W_]+")
_LEADING_THE = re.compile(r"^the ")
_SAINT = re.compile(r"\bst(e?)\b")


def _fold(value: str) -> str:
    """'  Côte d’Ivoire ' -> 'cote d ivoire', 'U.S.A.' -> 'usa', 'St. Lucia' -> 'saint lucia'."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace(".", "").replace("&", " and ")
    text = _PUNCTUATION.sub(" ", text).strip()
    return _SAINT.sub(r"saint\1", _LEADING_THE.sub("", text))


def _forms(name: str) -> tuple[str, ...]:
    """'Korea, Republic of' -> itself and 'Republic of Korea'."""
    if ", " in name:
        head, tail = name.split(", ", 1)
        return name, f"{tail} {head}"
    return (name,)


def _short_form(name: str) -> str | None:
    """'Palestine, State of' -> 'Palestine', 'Holy See (Vatican City State)' -> 'Holy See'."""
    short = name.split(", ", 1)[0].split(" (", 1)[0]
    return short if short != name else None


@cache
def _table() -> dict[str, str]:
    """Folded value -> alpha-2 code. Codes first, then aliases, then names: the first country a
    folded value is given to keeps it (no English or French name is another country's)."""
    import pycountry  # 70 ms: paid by the first lookup, not by every CLI start

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    table: dict[str, str] = {}

    def add(value: str, code: str) -> None:
        table.setdefault(_fold(value), code)

    for country in pycountry.countries:
        add(country.alpha_2, country.alpha_2)
        add(country.alpha_3, country.alpha_2)
    for code, aliases in ALIASES.items():
        add(code, code)
        for alias in aliases:
            add(alias, code)
    shorts: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            name = getattr(country, field, None)
            for form in (name, french.gettext(name)) if name else ():
                for variant in _forms(form):
                    add(variant, country.alpha_2)
                short = _short_form(form)
                if short:
                    shorts.setdefault(_fold(short), set()).add(country.alpha_2)
    for short, codes in shorts.items():  # 'Korea' (KR, KP) and 'Saint-Martin' stay unknown
        if len(codes) == 1:
            table.setdefault(short, codes.pop())
    table.pop("", None)
    return table


def country_code(value: object) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name, alias or code; None when unknown.

    Args:
        value: a country as a CRM export or a person writes it, in English or French.

    Returns:
        The upper-case two-letter code, or None for an unknown value, an empty one or a non-text.

    >>> [country_code(v) for v in ("France", "Allemagne", " u.k. ", "États-Unis", "de", "Mars")]
    ['FR', 'DE', 'GB', 'US', 'DE', None]
    """
    if not isinstance(value, str):
        return None
    return _table().get(_fold(value))


def normalise_countries(values: pd.Series) -> pd.Series:
    """Each country value as its alpha-2 code when it is a known name, alias or code; an unknown
    value is left as it is, and a missing one stays missing.

    Each distinct value is looked up once, so a million leads cost what their few hundred
    distinct countries cost, plus one factorize.

    >>> normalise_countries(pd.Series(["Royaume-Uni", "USA", None, "Atlantis"])).tolist()
    ['GB', 'US', nan, 'Atlantis']
    """
    positions, distinct = pd.factorize(values, use_na_sentinel=True)  # missing -> -1
    table = _table()
    mapped = [table.get(_fold(v), v) if isinstance(v, str) else v for v in distinct]
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        # str / string columns: taking from a small array of their own dtype keeps them Arrow
        # strings (building them from a million Python objects would cost ten times more)
        taken = pd.array(mapped, dtype=values.dtype).take(positions, allow_fill=True)
        return pd.Series(taken, index=values.index, name=values.name)
    taken = np.array([*mapped, None], dtype=object)[positions]
    return pd.Series(taken, index=values.index, name=values.name, dtype=object)
