"""The demo's contacts: a company, a name in its culture, a title with its hidden seniority and
department, an email (corporate, free or disposable) and a phone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flows.demo import propensity as hp
from flows.demo.naming import COUNTRIES, ascii_lower, draw_cultures, draw_from, name_pools

FRENCH_TITLE_P = {"fr": 0.85, "nl": 0.2, "de": 0.1, "en": 0.0, "es": 0.15}
FREE_MAIL = ("gmail.com", "orange.fr", "hotmail.fr", "yahoo.fr", "free.fr", "wanadoo.fr",
             "outlook.com", "laposte.net")  # in French-speaking countries; elsewhere gmail...
FREE_MAIL_P = (0.35, 0.15, 0.12, 0.1, 0.1, 0.05, 0.08, 0.05)
DISPOSABLE_MAIL = ("mailinator.com", "yopmail.com", "guerrillamail.com")
PHONES = ("+33 6 ## ## ## ##|+33 7 ## ## ## ##|+33 1 ## ## ## ##|06 ## ## ## ##",
          "+32 47# ## ## ##|+32 2 ### ## ##", "+41 79 ### ## ##|+41 22 ### ## ##",
          "+49 15# ########|+49 30 #######", "+44 7### ######|+44 20 #### ####",
          "+1 ### 555 ####", "+34 6## ## ## ##|+34 91 ### ## ##")


def generate_contacts(rng: np.random.Generator, companies: pd.DataFrame, clean_domains: np.ndarray,
                      n: int) -> pd.DataFrame:
    """`n` contacts: company, name, title (with its hidden seniority and department), email."""
    emp = companies["employees"].to_numpy(dtype=float, na_value=np.nan)
    weight = rng.lognormal(0.0, 1.0, len(emp)) * np.nan_to_num(emp, nan=50.0) ** 0.3
    company = rng.choice(len(emp), n, p=weight / weight.sum())
    country = pd.Index(COUNTRIES).get_indexer(companies["country"].to_numpy()[company])
    culture = draw_cultures(rng, country)
    title_cols = [np.array(col, dtype=object) for col in zip(*hp.TITLES, strict=True)]
    titles, seniority, department, lang, gender, weights = title_cols
    weights = weights.astype(float)
    french = rng.random(n) < hp.lookup(FRENCH_TITLE_P, culture)
    pick = np.zeros(n, dtype=np.int64)
    for is_french, language in ((True, "fr"), (False, "en")):
        pool, hit = np.flatnonzero(lang == language), french == is_french
        pick[hit] = rng.choice(pool, hit.sum(), p=weights[pool] / weights[pool].sum())
    sex = np.where(gender[pick] == "", np.where(rng.random(n) < 0.5, "m", "f"), gender[pick])
    first = draw_from(rng, culture + ":" + sex, {f"{c}:{g}": pool for i, g in enumerate("mf")
                                                 for c, pool in name_pools(i).items()})
    last = draw_from(rng, culture, name_pools(2))
    title = np.where(rng.random(n) < 0.04, np.char.lower(titles[pick].astype(str)), titles[pick])
    no_title = rng.random(n) < 0.03
    first_s = ascii_lower(pd.Series(first, dtype="str"))
    last_s = ascii_lower(pd.Series(last, dtype="str"))
    local = (first_s + "." + last_s).str.replace(r"[^a-z.\-]", "", regex=True).to_numpy(object)
    short = (first_s.str[0] + last_s).str.replace(r"[^a-z]", "", regex=True).to_numpy(object)
    number = rng.integers(1, 100, n).astype(str).astype(object)
    u, v = rng.random(n), rng.random(n)
    p_free = np.where(np.isnan(emp[company]), 0.15, np.where(emp[company] <= 10, 0.35, 0.12))
    kind = np.where(u < 0.01, "disposable", np.where(u < 0.01 + p_free, "free", "corporate"))
    free = np.where(country <= 2, rng.choice(FREE_MAIL, n, p=FREE_MAIL_P),
                    rng.choice(("gmail.com", "outlook.com", "yahoo.com"), n))
    email = np.select(
        [kind == "corporate", kind == "free"],
        [local + "@" + clean_domains[company],
         np.select([v < 0.5, v < 0.8], [local, short + number], short) + "@" + free],
        short + number + "@" + rng.choice(DISPOSABLE_MAIL, n),
    )
    template = draw_from(rng, np.asarray(COUNTRIES, dtype=object)[country],
                     {c: s.split("|") for c, s in zip(COUNTRIES, PHONES, strict=True)})
    digits = rng.integers(0, 10, (n, 12)).astype(str)
    phone = [_fill(t, d) for t, d in zip(template, digits, strict=True)]
    return pd.DataFrame({
        "company_id": companies["company_id"].to_numpy()[company],
        "first_name": first, "last_name": last,
        "title": np.where(no_title, None, title),
        "seniority": np.where(no_title, "unknown", seniority[pick]),
        "department": np.where(no_title, "other", department[pick]),
        "email": email, "email_kind": kind,
        "phone": np.where(rng.random(n) < 0.1, None, np.array(phone, dtype=object)),
    }).astype("str").assign(intern=np.isin(titles[pick], list(hp.INTERN_TITLES)) & ~no_title)


def _fill(template: str, digits: np.ndarray) -> str:
    """Replace each "#" of a phone template with the next digit."""
    it = iter(digits)
    return "".join(next(it) if c == "#" else c for c in template)
