"""Names shared by the demo's companies and contacts: countries, naming cultures and name pools."""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTRIES = ("FR", "BE", "CH", "DE", "UK", "US", "ES")
CULTURE = (("fr", "fr", 0.0), ("fr", "nl", 0.3), ("fr", "de", 0.4), ("de", "de", 0.0),
           ("en", "en", 0.0), ("en", "en", 0.0), ("es", "es", 0.0))  # main, other, P(other)
NAMES = {  # culture: male first names, female first names, last names ("_" is a space)
    "fr": ("Jean Pierre Nicolas Julien Thomas Antoine François Jérôme Sébastien Stéphane "
           "Frédéric Mathieu Guillaume Olivier Hervé Benoît Loïc Rémi Maxime Hugo",
           "Marie Sophie Camille Julie Hélène Céline Émilie Aurélie Nathalie Isabelle Claire Léa "
           "Chloé Zoé Anaïs Mélanie Élodie Manon Sandrine Valérie",
           "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
           "Lefèvre Michel Garcia Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont "
           "Lambert Bonnet Legrand Garnier Faure Rousseau Blanc Guérin Perrin Morin Clément "
           "Gauthier Fontaine Chevalier Robin Châtelain Le_Goff N'Diaye"),
    "nl": ("Jan Pieter Wouter Bram Koen Stijn", "Els Lotte Sanne Eva Annelies Femke",
           "Peeters Janssens Maes Jacobs Willems Claes Goossens Wouters De_Smet Van_Damme"),
    "de": ("Lukas Jonas Felix Stefan Jürgen Tobias Matthias", "Anna Lena Sabine Katrin Jana Jörg",
           "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schäfer Koch Bauer Köhler"),
    "en": ("James Oliver Michael David Daniel George", "Emma Olivia Sarah Emily Charlotte Grace",
           "Smith Jones Taylor Brown Williams Wilson Johnson Davies Evans O'Brien"),
    "es": ("Javier Carlos Alejandro Pablo Sergio", "María Lucía Carmen Laura Elena",
           "García Fernández López Martínez Sánchez Pérez Gómez Núñez Rodríguez"),
}


def draw_from(rng: np.random.Generator, keys: np.ndarray,
              pools: dict[str, list[str]]) -> np.ndarray:
    """One uniform draw per row from the pool named by its key."""
    out = np.full(len(keys), "", dtype=object)
    for key, pool in pools.items():
        hit = keys == key
        out[hit] = rng.choice(np.array(pool, dtype=object), hit.sum())
    return out


def name_pools(index: int) -> dict[str, list[str]]:
    """Male (0), female (1) or last (2) names of each culture in NAMES."""
    return {c: [w.replace("_", " ") for w in v[index].split()] for c, v in NAMES.items()}


def ascii_lower(text: pd.Series) -> pd.Series:
    """Lower-case ASCII version of a text (accents dropped)."""
    return text.str.normalize("NFKD").str.replace(r"[^\x00-\x7f]", "", regex=True).str.lower()


def draw_cultures(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """Naming culture of each row, from its country index."""
    main, other, p = (np.array(col, dtype=object) for col in zip(*CULTURE, strict=True))
    return np.where(rng.random(len(country)) < p[country].astype(float), other[country],
                    main[country])
