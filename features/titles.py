from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

# Titles are folded before matching (see _fold): accents removed, lower case, "C.E.O." -> "ceo",
# every run of punctuation ("&", "/", "-", "'", "·", "(e)") -> one space. The patterns below are
# matched against that folded text; inside each table the first matching rule wins.

# Seniority, most specific first. Some "manager" titles are jobs, not management roles, and
# assistants or interns of an executive must not inherit the executive's level: those come first.
SENIORITY_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(?:office|(?:key )?accounts?|community|customer success) manager\b", "individual"),
    (r"\b(?:stagiaire|intern|internship|trainee|alternante?|apprentie?)\b", "individual"),
    (
        r"\b(?:assistante?|asst)\b"
        r"(?! (?:director|directeur|directrice|general|manager|head|vice|vp|chief))",
        "individual",
    ),
    (r"\b(?:ceo|cfo|cto|cio|coo|cmo|cro|cdo|cpo|chro|ciso|cxo)\b", "c_level"),
    (r"\bchief\b.*\bofficers?\b", "c_level"),
    (r"\b(?:p ?dg|dga?|dgd|dsi)\b", "c_level"),
    (r"\bdirect(?:eur|rice)s? general(?:e|es)?\b", "c_level"),
    (r"\bdirect(?:eur|rice)s? des systemes d information\b", "c_level"),
    (r"(?<!vice )\bpresident(?:e|s)?\b|\bchair(?:man|woman|person)\b", "c_level"),
    (r"\b(?:co ?)?(?:founder|fondat(?:eur|rice))s?\b|\bfounding\b", "c_level"),
    (r"\b(?:gerante?|proprietaire)\b|(?<!product )(?<!process )\bowner\b", "c_level"),
    (r"\bmanaging (?:director|partner)\b", "c_level"),
    (r"\b[saeg]?vp\b|\bvice presidente?\b|\bhead\b(?! ?hunter)", "vp_head"),
    (r"\bdirect(?:or|eur|rice)s?\b|\bdir\b|\b(?:daf|drh|dircom)\b", "director"),
    (r"\bgeneral manager\b", "director"),
    (r"\b(?:manager|mgr|manageu(?:r|se)|responsable|resp|rssi|raf|chef|encadrante?)\b", "manager"),
    (r"\bsupervis(?:or|eur|euse)\b|\bleader\b", "manager"),
    (r"\blead\b(?! (?:gen|generation|qualification|nurturing|management|scoring)\b)", "manager"),
    (
        r"\b(?:analyste?|chargee?|sdr|bdr|representative|rep|account executive|ae|commerciale?"
        r"|ingenieure?|engineer|developpeu(?:r|se)|developer|dev|consultante?|specialiste?"
        r"|coordinat(?:or|eur|rice)|associate|comptable|accountant|controleu(?:r|se)|auditeur"
        r"|auditor|technicien(?:ne)?|technician|designer|juriste|lawyer|avocate?|acheteu(?:r|se)"
        r"|buyer|gestionnaire|agent|employee?|secretaire|secretary|administrat(?:eur|rice)"
        r"|architecte?|scientist|recrut(?:eur|euse)|recruiter|attachee?|conseill(?:er|ere)"
        r"|advisor|vendeu(?:r|se)|salesman|saleswoman|executive|officer|trader|redact(?:eur|rice)"
        r"|writer|webmaster|product owner|scrum master|business developer|hacker|operat(?:eur|rice)"
        r"|employe|clerk|programmer|programmeur|administrator|expert|partner|associe|teleprospect"
        r"(?:eur|rice)|tresori(?:er|ere)|treasurer|controller|\w*market(?:eur|euse|er)"
        r"|technico commerciale?)\b",
        "individual",
    ),
)

# Department. HR and legal first so that a "Tech recruiter" is not IT; sales before operations so
# that "Sales Ops" stays in sales. General management (CEO, PDG, founder, gérant) and everything
# unmatched falls back to "other".
DEPARTMENT_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(?:revops|revenue operations|office manager)\b", "operations"),
    (
        r"\b(?:rh|drh|hr|hrbp|human resources|ressources humaines|recrut\w*|recruit\w*|talent"
        r"|people|payroll|paie|juridique|juriste|legal|lawyer|avocate?|counsel|compliance"
        r"|conformite|dpo)\b",
        "other",
    ),
    (
        r"\b(?:sales?|ventes?|commercia(?:l|le|ux|les)|cial|business develop\w*|biz ?dev|sdr|bdr"
        r"|account (?:executive|exec|manager|director|lead|rep|representative)|key accounts?"
        r"|grands comptes|comptes cles|revenue|cro|avant vente|pre ?sales|adv|vendeu(?:r|se)"
        r"|(?:ingenieure?|chargee?|apporteur) d affaires|customer success|partnerships?"
        r"|teleprospect\w*|salesman|saleswoman)\b",
        "sales",
    ),
    (
        r"\b(?:\w*market(?:ing|eur|euse|er)s?|mktg|mkt|growth|(?:lead|demand) gen\w*"
        r"|communications?|comm?|dircom|cmo|brand\w*|marque|content|contenus?|seo|sem|events?|evenementiel"
        r"|social media|community manager|relations presse|pr)\b",
        "marketing",
    ),
    (
        r"\b(?:financ\w*|cfo|daf|raf|comptab\w*|accounting|accountant|controle(?:ur|use)? de"
        r" gestion|controll(?:er|ing)|tresor\w*|treasur\w*|audit\w*|fiscal\w*|tax|credit)\b",
        "finance",
    ),
    (
        r"\b(?:it|dsi|cio|cto|ciso|rssi|si|informati\w*|information|systemes? d information"
        r"|develop(?:peur|peuse|er|pement)|dev|devops|software|logiciels?|data|tech|technolog\w*"
        r"|technique|cloud|cyber\w*|reseaux?|network|infrastructure|sysadmin|full ?stack"
        r"|front ?end|back ?end|engineering|eng|programm\w*|sre|administrateur systemes?)\b",
        "it",
    ),
    (
        r"\b(?:operations?|operating|operationnel\w*|ops|coo|supply chain|logisti\w*|achats?"
        r"|procurement|purchas\w*|acheteu(?:r|se)|buyer|administrati\w*|admin|facilit\w*"
        r"|services generaux|production|warehouse|entrepot|transport|qualite|quality|qhse|hse"
        r"|service client|customer service|support)\b",
        "operations",
    ),
)

_SENIORITY = tuple((re.compile(pattern), value) for pattern, value in SENIORITY_RULES)
_DEPARTMENT = tuple((re.compile(pattern), value) for pattern, value in DEPARTMENT_RULES)
_INITIALISM = re.compile(r"\b(?:[a-z]\.){2,}")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class TitleClass:
    seniority: str
    department: str


UNKNOWN = TitleClass("unknown", "other")


def _fold(title: str) -> str:
    text = unicodedata.normalize("NFKD", title)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("œ", "oe").replace("æ", "ae")
    text = _INITIALISM.sub(lambda match: match.group().replace(".", ""), text)
    return _NOT_ALNUM.sub(" ", text).strip()


def _first_match(text: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    return next((value for pattern, value in rules if pattern.search(text)), None)


def classify_title(title: str | None) -> TitleClass:
    """Read a job title's seniority and department, in French or English.

    The title is folded (accents, case, punctuation, gendered endings), then matched against
    ``SENIORITY_RULES`` and ``DEPARTMENT_RULES`` in order. General management (CEO, PDG,
    founder, gérant) belongs to department ``"other"``; so does any title naming no function.

    Args:
        title: A free-text job title, e.g. ``"Directrice financière"``.

    Returns:
        A TitleClass with a seniority from ``columns.SENIORITIES`` (``"unknown"`` when no rule
        matches) and a department from ``columns.DEPARTMENTS``.

    Examples:
        >>> classify_title("Head of Sales Ops")
        TitleClass(seniority='vp_head', department='sales')
        >>> classify_title("DSI")
        TitleClass(seniority='c_level', department='it')
    """
    if not isinstance(title, str):
        return UNKNOWN
    text = _fold(title)
    if not text:
        return UNKNOWN
    seniority = _first_match(text, _SENIORITY) or "unknown"
    department = _first_match(text, _DEPARTMENT) or "other"
    return TitleClass(seniority, department)


def classify_titles(titles: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`classify_title`: each distinct title is classified once.

    Args:
        titles: Job titles; nulls allowed.

    Returns:
        A DataFrame on the same index with ``str`` columns ``seniority`` and ``department``;
        null titles are ``"unknown"`` / ``"other"``.
    """
    classes = {title: classify_title(title) for title in titles.dropna().unique()}
    columns = {}
    for field, missing in (("seniority", UNKNOWN.seniority), ("department", UNKNOWN.department)):
        values = {title: getattr(found, field) for title, found in classes.items()}
        columns[field] = titles.map(values).astype("str").fillna(missing)
    return pd.DataFrame(columns, index=titles.index)
