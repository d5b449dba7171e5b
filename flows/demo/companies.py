"""The demo's companies as a CRM holds them: names in their country's style, messy domains,
gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flows.demo.naming import COUNTRIES, ascii_lower, draw_cultures, draw_from, name_pools

COUNTRY_P = (0.60, 0.10, 0.07, 0.08, 0.06, 0.05, 0.04)
TLD = (".fr", ".be", ".ch", ".de", ".co.uk", ".com", ".es")
LEGAL = ("SAS SARL SA", "SRL NV SA", "AG SA Sàrl", "GmbH AG KG", "Ltd plc", "Inc. LLC Corp.",
         "S.L. S.A.")
INDUSTRIES = ("software", "retail", "manufacturing", "finance", "healthcare", "logistics",
              "consulting", "education")
INDUSTRY_P = (0.20, 0.12, 0.16, 0.10, 0.09, 0.11, 0.14, 0.08)
INDUSTRY_WORDS = {  # words in company names: French, English
    "software": ("Logiciels Informatique Digital", "Software Systems Digital"),
    "retail": ("Distribution Commerce", "Retail Stores"),
    "manufacturing": ("Industries Mécanique Plasturgie", "Industries Manufacturing"),
    "finance": ("Finance Gestion Assurances", "Capital Finance"),
    "healthcare": ("Santé Médical Pharma", "Health Medical"),
    "logistics": ("Logistique Transports", "Logistics Freight"),
    "consulting": ("Conseil Stratégie Partenaires", "Consulting Partners"),
    "education": ("Formation Académie", "Learning Academy"),
}
BRAND = ("Alti Nova Kera Vivo Opti Lumi Axe Sigma Terra Helio Ori Neo Proxi Valo Arca Iso Cal "
         "Dyna Flo Quadri", "ma tec log ris via sys ium nis lia ora tis gen")
PREFIXES = "Groupe Société Établissements Laboratoires Cabinet Ateliers"
SPECIAL = (("Société Générale des Eaux", "sge-eaux", 0, 2), ("Müller GmbH", "mueller", 3, 2),
           ("Crédit Mutuel du Léman", "cml-leman", 2, 3), ("Boulangeries Lefèvre & Fils",
           "lefevre-fils", 0, 1))  # name, domain slug, country index, industry index


def generate_companies(rng: np.random.Generator, n: int,
                       year: int) -> tuple[pd.DataFrame, np.ndarray]:
    """`n` companies as a CRM holds them, and each one's clean web domain."""
    m = 4 * n + 100
    country = rng.choice(len(COUNTRIES), m, p=COUNTRY_P)
    industry = rng.choice(len(INDUSTRIES), m, p=INDUSTRY_P)
    culture = draw_cultures(rng, country)
    heads, tails = (s.split() for s in BRAND)
    brand = np.char.add(rng.choice(heads, m), rng.choice(tails, m)).astype(object)
    family = draw_from(rng, culture, name_pools(2))
    core = np.where(rng.random(m) < 0.4, family, brand)
    lang = np.where(culture == "fr", ":fr", ":en")
    pools = {f"{ind}:{lg}": words.split() for ind, pair in INDUSTRY_WORDS.items()
             for lg, words in zip(("fr", "en"), pair, strict=True)}
    word = draw_from(rng, np.asarray(INDUSTRIES, dtype=object)[industry] + lang, pools)
    legal = draw_from(rng, np.asarray(COUNTRIES, dtype=object)[country],
                  {c: s.split() for c, s in zip(COUNTRIES, LEGAL, strict=True)})
    prefix = np.where(culture == "fr", rng.choice(PREFIXES.split(), m).astype(object) + " " + core,
                      core + " Group")
    pattern = rng.choice(4, m, p=(0.35, 0.25, 0.2, 0.2))
    name = np.select([pattern == 0, pattern == 1, pattern == 2],
                     [core + " " + word + " " + legal, core + " " + legal, prefix],
                     core + " " + word)
    slug = np.where(np.isin(pattern, (0, 3)), core + "-" + word, core)
    for i, (special, special_slug, c, ind) in enumerate(SPECIAL):
        name[i], slug[i], country[i], industry[i] = special, special_slug, c, ind
    tld = np.where(rng.random(m) < 0.8, np.asarray(TLD, dtype=object)[country], ".com")
    clean = ascii_lower(pd.Series(slug, dtype="str")).str.replace(r"[^a-z0-9]+", "-", regex=True)
    clean = (clean.str.strip("-") + tld).to_numpy(dtype=object)
    keep, name, clean = _distinct(name, clean, n)
    clean = clean[keep]
    u = rng.random(n)
    domain = np.select([u < 0.55, u < 0.70, u < 0.80, u < 0.84, u < 0.92],
                       [clean, "www." + clean, "https://" + clean + "/", "http://www." + clean,
                        pd.Series(clean, dtype="str").str.upper().to_numpy(dtype=object)], None)
    employees = np.clip(np.round(np.exp(rng.normal(np.log(60), 1.6, n))), 1, 100_000)
    revenue = np.round(employees * np.exp(rng.normal(np.log(120_000), 0.5, n)), -3)
    founded = np.maximum(year - 1 - np.floor(rng.gamma(1.5, 14.0, n)), 1850)
    width = max(5, len(str(n)))
    frame = pd.DataFrame({
        "company_id": np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), width)),
        "name": name[keep],
        "domain": domain,
        "country": np.asarray(COUNTRIES)[country[keep]],
        "industry": np.asarray(INDUSTRIES)[industry[keep]],
    }).astype("str")
    for column, values, missing in (("employees", employees, 0.10),
                                    ("annual_revenue", revenue, 0.20),
                                    ("founded_year", founded, 0.15)):
        frame[column] = pd.Series(values).astype("Int64").mask(rng.random(n) < missing)
    return frame, clean


def _distinct(name: np.ndarray, clean: np.ndarray, n: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The indices of the first `n` companies whose name and domain are both new, with the names
    and domains. Past what the word pools can make (a large demo), a number tells the repeats
    apart ("Acme Conseil 2", acme-conseil-2.fr); the default sizes never need it."""
    keep = np.flatnonzero(~(pd.Series(clean).duplicated() | pd.Series(name).duplicated()))[:n]
    if len(keep) == n:
        return keep, name, clean
    names, domains = pd.Series(name, dtype="str"), pd.Series(clean, dtype="str")
    parts = domains.str.rpartition(".")
    names = names + _repeat_suffix(names, " ")
    domains = parts[0] + _repeat_suffix(domains, "-") + "." + parts[2]
    keep = np.flatnonzero(~(domains.duplicated() | names.duplicated()))[:n]
    if len(keep) < n:
        raise ValueError(f"cannot make {n} distinct company domains")
    return keep, names.to_numpy(dtype=object), domains.to_numpy(dtype=object)


def _repeat_suffix(values: pd.Series, separator: str) -> pd.Series:
    """"" for the first of each value, then separator + 2, 3... for its repeats."""
    seen = values.groupby(values).cumcount()
    return pd.Series(np.where(seen > 0, separator + (seen + 1).astype(str), ""),
                     index=values.index, dtype="str")
