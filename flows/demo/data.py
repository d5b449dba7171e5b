"""Deterministic demo data: a French sales-ops SaaS seller's CRM export, with a hidden answer key.

`generate(anchor, seed)` builds companies, leads (history closed won/lost, plus today's open
leads and 3 malformed rows) and activity events; `write_demo` writes them as the CSVs the intake
step reads. Same arguments, byte-identical CSVs.

The hidden propensity (constants in `flows.demo.propensity`, never read by the pipeline):

    p = sigmoid(base + fit + engagement + source + noise),  outcome ~ Bernoulli(p)

- base: -3.1 (a win rate near 22 %).
- fit: size band (1-10 -1.2, 11-50 -0.2, 51-200 and 201-500 +0.6, 501-1000 +0.1, 1000+ and
  unknown -0.3), industry (software +0.6, consulting +0.3, finance +0.2 ... education -0.7),
  country (FR +0.3, BE/CH +0.2, DE/ES -0.3, UK -0.4, US -0.6), seniority (VP/head +0.6,
  C-level/director +0.5, manager +0.1, individual -0.4, unknown -0.3; interns a further -0.8),
  department (sales +0.5, operations +0.4, IT/finance 0, marketing -0.1, other -0.6; general
  management counts as operations), email kind (free -0.6, disposable -2.0), -0.12 per missing
  profile field (employees, revenue, founded year, title, phone, CRM domain), -0.3 for a company
  under 3 years old.
- engagement: only the lead's events strictly before its scoring moment (created_at + 3 days,
  at most closed_at, for history; the anchor's midnight for open leads). For each event type and
  window w of 7/30/90 days (events with scoring - w days <= occurred_at < scoring):
  weight(type) x (0.5, 0.3, 0.2)[w] x log1p(count), with weights demo_request 1.0,
  pricing_page 0.7, docs and webinar_attended 0.4, email_click 0.25, page_view 0.08,
  email_open 0.06; plus -0.25 x log1p(days since the last event, 120 if none).
- source: demo_request +0.8, partner +0.6, webinar +0.2, web_form 0, event -0.3, outbound -0.5.
- noise: Normal(0, 0.5) per lead, unobservable, included in the stored true probability.

Events come first: a latent lognormal intensity per lead (weakly correlated with fit) drives a
Poisson count of events before the scoring moment; the engagement term counts those events; the
outcome is drawn; then follow-up events fill the time up to closed_at, more of them for won deals
(a pipeline that peeks past the scoring moment would look suspiciously good).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from features.columns import EVENT_TYPES, SOURCES
from flows.demo import propensity as hp

DAY = hp.DAY
MALFORMED_REASONS: tuple[str, ...] = ("invalid email", "invalid created_at", "empty source")
SOURCE_P = (0.30, 0.12, 0.13, 0.08, 0.25, 0.12)  # in the order of SOURCES
COUNTRIES = ("FR", "BE", "CH", "DE", "UK", "US", "ES")
COUNTRY_P = (0.60, 0.10, 0.07, 0.08, 0.06, 0.05, 0.04)
TLD = (".fr", ".be", ".ch", ".de", ".co.uk", ".com", ".es")
LEGAL = ("SAS SARL SA", "SRL NV SA", "AG SA Sàrl", "GmbH AG KG", "Ltd plc", "Inc. LLC Corp.",
         "S.L. S.A.")
CULTURE = (("fr", "fr", 0.0), ("fr", "nl", 0.3), ("fr", "de", 0.4), ("de", "de", 0.0),
           ("en", "en", 0.0), ("en", "en", 0.0), ("es", "es", 0.0))  # main, other, P(other)
FRENCH_TITLE_P = {"fr": 0.85, "nl": 0.2, "de": 0.1, "en": 0.0, "es": 0.15}
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
FREE_MAIL = ("gmail.com", "orange.fr", "hotmail.fr", "yahoo.fr", "free.fr", "wanadoo.fr",
             "outlook.com", "laposte.net")  # in French-speaking countries; elsewhere gmail...
FREE_MAIL_P = (0.35, 0.15, 0.12, 0.1, 0.1, 0.05, 0.08, 0.05)
DISPOSABLE_MAIL = ("mailinator.com", "yopmail.com", "guerrillamail.com")
PHONES = ("+33 6 ## ## ## ##|+33 7 ## ## ## ##|+33 1 ## ## ## ##|06 ## ## ## ##",
          "+32 47# ## ## ##|+32 2 ### ## ##", "+41 79 ### ## ##|+41 22 ### ## ##",
          "+49 15# ########|+49 30 #######", "+44 7### ######|+44 20 #### ####",
          "+1 ### 555 ####", "+34 6## ## ## ##|+34 91 ### ## ##")
LEAD_COLUMNS = ("lead_id", "created_at", "first_name", "last_name", "title", "email", "phone",
                "company_id", "source", "status", "closed_at")


@dataclass(frozen=True, eq=False)
class DemoData:
    """The demo tables, as written to CSV by `write_demo`.

    Attributes:
        companies: One row per company (companies.csv).
        leads: Closed history, open leads, then the malformed rows (leads.csv).
        activities: Events sorted by time (activities.csv).
        truth: lead_id and true_win_probability of every valid lead; the answer key for tests
            and oracle metrics, never read by the pipeline (truth.csv).
        malformed_lead_ids: Ids of the last rows of `leads`, in the order of MALFORMED_REASONS.
    """

    companies: pd.DataFrame
    leads: pd.DataFrame
    activities: pd.DataFrame
    truth: pd.DataFrame
    malformed_lead_ids: tuple[str, ...] = ()


def generate(anchor: date, seed: int = 42, n_history: int = 3000, n_open: int = 300) -> DemoData:
    """Generate the demo CRM export as of `anchor` (a pure function of its arguments).

    Args:
        anchor: The run date; open leads arrive in the 5 days before its midnight (UTC).
        seed: Seed of `numpy.random.default_rng`.
        n_history: Number of closed (won or lost) leads over the 18 months before the anchor.
        n_open: Number of open leads.

    Returns:
        The tables. `leads` ends with 3 malformed rows listed in `malformed_lead_ids`.

    Example:
        >>> data = generate(date(2026, 11, 29), n_history=200, n_open=20)
        >>> int((data.leads["status"] == "open").sum()), data.malformed_lead_ids[0]
        (23, 'L000221')
    """
    rng = np.random.default_rng(seed)
    t0 = int(np.datetime64(date(anchor.year, anchor.month, anchor.day), "s").astype(np.int64))
    n = n_history + n_open
    companies, clean_domains = _companies(rng, max(20, round(0.6 * n)), anchor.year)

    created = np.concatenate([
        np.sort(t0 - rng.integers(31, 549, n_history) * DAY + _office_seconds(rng, n_history)),
        np.sort(t0 - rng.integers(1, 5 * DAY + 1, n_open)),
    ])
    scoring = np.where(np.arange(n) < n_history, created + 3 * DAY, t0)
    source = np.asarray(SOURCES)[rng.choice(len(SOURCES), n, p=SOURCE_P)]
    people = _contacts(rng, companies, clean_domains, n)
    comp = companies.set_index("company_id").loc[people["company_id"]]
    emp = comp["employees"].to_numpy(dtype=float, na_value=np.nan)
    founded = comp["founded_year"].to_numpy(dtype=float, na_value=np.nan)
    year = created.astype("datetime64[s]").astype("datetime64[Y]").astype(int) + 1970
    n_missing = (comp[["employees", "annual_revenue", "founded_year", "domain"]].isna().sum(axis=1)
                 .to_numpy() + people[["title", "phone"]].isna().sum(axis=1).to_numpy())
    fit = hp.fit_logit(
        hp.size_band(emp), comp["industry"].to_numpy(), comp["country"].to_numpy(),
        people["seniority"].to_numpy(), people["department"].to_numpy(),
        people["email_kind"].to_numpy(), people["intern"].to_numpy(),
        n_missing, (year - founded) < 3,
    )
    fit_z = (fit - fit.mean()) / (fit.std() + 1e-9)
    log_intensity = (2.0 + 0.35 * fit_z + hp.lookup(hp.SOURCE_INTENSITY, source)
                     + rng.normal(0.0, 1.1, n))

    lead, kind, when = hp.events_before(rng, created, scoring, log_intensity, source)
    before = scoring[lead] - when
    counts = hp.window_counts(lead, kind, before, n)
    last = np.full(n, np.inf)
    np.minimum.at(last, lead, before / DAY)
    last[np.isinf(last)] = np.nan
    logit = (hp.BASE + fit + hp.engagement_logit(counts, last) + hp.lookup(hp.SOURCE_EFFECT, source)
             + rng.normal(0.0, hp.NOISE_SD, n))
    p = hp.sigmoid(logit)

    won = rng.random(n_history) < p[:n_history]
    low, high = np.where(won, 14, 7) * DAY, np.where(won, 90, 75) * DAY
    high = np.minimum(high, t0 - 1 - created[:n_history])
    closed = created[:n_history] + low + (rng.random(n_history) * (high - low)).astype(np.int64)
    f_lead, f_kind, f_when = hp.follow_ups(rng, scoring[:n_history], closed, log_intensity, won)

    width = max(6, len(str(n + 3)))
    lead_ids = np.char.add("L", np.char.zfill(np.arange(1, n + 1).astype(str), width))
    leads = pd.DataFrame({
        "lead_id": lead_ids,
        "created_at": _fmt(created),
        **{c: people[c].to_numpy() for c in ("first_name", "last_name", "title", "email", "phone",
                                              "company_id")},
        "source": source,
        "status": np.concatenate([np.where(won, "won", "lost"), np.full(n_open, "open")]),
        "closed_at": np.concatenate([_fmt(closed), np.full(n_open, None, dtype=object)]),
    }).astype({c: "str" for c in LEAD_COLUMNS})
    leads, bad_ids = _append_malformed(leads, companies, clean_domains, t0, width)
    activities = _activities(
        lead_ids, np.concatenate([lead, f_lead]), np.concatenate([kind, f_kind]),
        np.concatenate([when, f_when]),
    )
    truth = pd.DataFrame({"lead_id": lead_ids, "true_win_probability": np.round(p, 6)})
    return DemoData(companies, leads, activities, truth, bad_ids)


def write_demo(data: DemoData, folder: Path) -> dict[str, Path]:
    """Write the four tables as UTF-8, comma-separated CSVs with a header.

    Args:
        data: Tables from `generate`.
        folder: Destination folder, created if needed.

    Returns:
        Paths keyed by table name: companies, leads, activities, truth.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in ("companies", "leads", "activities", "truth"):
        paths[name] = folder / f"{name}.csv"
        getattr(data, name).to_csv(paths[name], index=False, encoding="utf-8", lineterminator="\n")
    return paths


def _office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds into the day, mostly during European office hours (UTC)."""
    hour = np.clip(rng.normal(12.0, 3.0, n), 0, 23.99)
    return (hour * 3600).astype(np.int64)


def _fmt(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds to "YYYY-MM-DD HH:MM:SS" strings."""
    text = np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s")
    return np.char.replace(text, "T", " ").astype(object)


def _activities(
    lead_ids: np.ndarray, lead: np.ndarray, kind: np.ndarray, when: np.ndarray
) -> pd.DataFrame:
    """Sort events by time (then lead, type) and number them."""
    order = np.lexsort((kind, lead, when))
    width = max(7, len(str(len(order))))
    return pd.DataFrame({
        "event_id": np.char.add("E", np.char.zfill(np.arange(1, len(order) + 1).astype(str),
                                                    width)),
        "lead_id": lead_ids[lead[order]],
        "occurred_at": _fmt(when[order]),
        "event_type": np.asarray(EVENT_TYPES)[kind[order]],
    }).astype("str")


def _append_malformed(
    leads: pd.DataFrame, companies: pd.DataFrame, clean_domains: np.ndarray, t0: int, width: int
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Append the 3 rows the intake step must reject (see MALFORMED_REASONS)."""
    first = len(leads) + 1
    ids = tuple(f"L{i:0{width}d}" for i in range(first, first + 3))
    yesterday = _fmt(np.array([t0 - DAY + 9 * 3600, t0 - 2 * DAY + 14 * 3600]))
    rows = pd.DataFrame({
        "lead_id": ids,
        "created_at": [yesterday[0], "2026-13-45 10:00:00", yesterday[1]],
        "first_name": ["Jean", "Claire", "Éric"],
        "last_name": ["Dupont", "Martin", "Lefèvre"],
        "title": ["Directeur commercial", "Responsable marketing", "Gérant"],
        "email": ["jean.dupont@", f"claire.martin@{clean_domains[1]}",
                  f"eric.lefevre@{clean_domains[2]}"],
        "phone": ["+33 6 12 34 56 78", "+33 1 42 68 53 00", None],
        "company_id": companies["company_id"].iloc[:3].tolist(),
        "source": ["web_form", "webinar", None],
        "status": ["open"] * 3,
        "closed_at": [None] * 3,
    }).astype("str")
    return pd.concat([leads, rows], ignore_index=True), ids


def _draw(rng: np.random.Generator, keys: np.ndarray, pools: dict[str, list[str]]) -> np.ndarray:
    """One uniform draw per row from the pool named by its key."""
    out = np.full(len(keys), "", dtype=object)
    for key, pool in pools.items():
        hit = keys == key
        out[hit] = rng.choice(np.array(pool, dtype=object), hit.sum())
    return out


def _names(index: int) -> dict[str, list[str]]:
    """Male (0), female (1) or last (2) names of each culture in NAMES."""
    return {c: [w.replace("_", " ") for w in v[index].split()] for c, v in NAMES.items()}


def _ascii(text: pd.Series) -> pd.Series:
    """Lower-case ASCII version of a text (accents dropped)."""
    return text.str.normalize("NFKD").str.replace(r"[^\x00-\x7f]", "", regex=True).str.lower()


def _culture(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """Naming culture of each row, from its country index."""
    main, other, p = (np.array(col, dtype=object) for col in zip(*CULTURE, strict=True))
    return np.where(rng.random(len(country)) < p[country].astype(float), other[country],
                    main[country])


def _companies(rng: np.random.Generator, n: int, year: int) -> tuple[pd.DataFrame, np.ndarray]:
    """`n` companies as a CRM holds them, and each one's clean web domain."""
    m = 4 * n + 100
    country = rng.choice(len(COUNTRIES), m, p=COUNTRY_P)
    industry = rng.choice(len(INDUSTRIES), m, p=INDUSTRY_P)
    culture = _culture(rng, country)
    heads, tails = (s.split() for s in BRAND)
    brand = np.char.add(rng.choice(heads, m), rng.choice(tails, m)).astype(object)
    family = _draw(rng, culture, _names(2))
    core = np.where(rng.random(m) < 0.4, family, brand)
    lang = np.where(culture == "fr", ":fr", ":en")
    pools = {f"{ind}:{lg}": words.split() for ind, pair in INDUSTRY_WORDS.items()
             for lg, words in zip(("fr", "en"), pair, strict=True)}
    word = _draw(rng, np.asarray(INDUSTRIES, dtype=object)[industry] + lang, pools)
    legal = _draw(rng, np.asarray(COUNTRIES, dtype=object)[country],
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
    clean = _ascii(pd.Series(slug, dtype="str")).str.replace(r"[^a-z0-9]+", "-", regex=True)
    clean = (clean.str.strip("-") + tld).to_numpy(dtype=object)
    keep = np.flatnonzero(~(pd.Series(clean).duplicated() | pd.Series(name).duplicated()))[:n]
    if len(keep) < n:
        raise ValueError(f"cannot make {n} distinct company domains")
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


def _contacts(rng: np.random.Generator, companies: pd.DataFrame, clean_domains: np.ndarray,
              n: int) -> pd.DataFrame:
    """`n` contacts: company, name, title (with its hidden seniority and department), email."""
    emp = companies["employees"].to_numpy(dtype=float, na_value=np.nan)
    weight = rng.lognormal(0.0, 1.0, len(emp)) * np.nan_to_num(emp, nan=50.0) ** 0.3
    company = rng.choice(len(emp), n, p=weight / weight.sum())
    country = pd.Index(COUNTRIES).get_indexer(companies["country"].to_numpy()[company])
    culture = _culture(rng, country)
    title_cols = [np.array(col, dtype=object) for col in zip(*hp.TITLES, strict=True)]
    titles, seniority, department, lang, gender, weights = title_cols
    weights = weights.astype(float)
    french = rng.random(n) < hp.lookup(FRENCH_TITLE_P, culture)
    pick = np.zeros(n, dtype=np.int64)
    for is_french, language in ((True, "fr"), (False, "en")):
        pool, hit = np.flatnonzero(lang == language), french == is_french
        pick[hit] = rng.choice(pool, hit.sum(), p=weights[pool] / weights[pool].sum())
    sex = np.where(gender[pick] == "", np.where(rng.random(n) < 0.5, "m", "f"), gender[pick])
    first = _draw(rng, culture + ":" + sex,
                  {f"{c}:{g}": pool for i, g in enumerate("mf") for c, pool in _names(i).items()})
    last = _draw(rng, culture, _names(2))
    title = np.where(rng.random(n) < 0.04, np.char.lower(titles[pick].astype(str)), titles[pick])
    no_title = rng.random(n) < 0.03
    first_s, last_s = _ascii(pd.Series(first, dtype="str")), _ascii(pd.Series(last, dtype="str"))
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
    template = _draw(rng, np.asarray(COUNTRIES, dtype=object)[country],
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
