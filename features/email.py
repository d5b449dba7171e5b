from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import pandas as pd
from disposable_email_domains import blocklist

from features.domains import encode_domain

_FREE_DOMAINS_FILE = "free_email_domains.txt"
_MAX_EMAIL_LENGTH = 254
_MAX_LOCAL_LENGTH = 64
# Unquoted local parts (RFC 5322 dot-atom): no spaces, specials or control characters, and
# dots only between characters. Non-ASCII letters are allowed (RFC 6531).
# A plain address, whose domain is its host in lower case: features.domains' labels and an
# alphabetic top-level label, a dot-atom local part without specials (the import's
# lp_email_plain, flows/intake/sql/import/normalise.sql).
_PLAIN = (r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
          r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
_BAD_LOCAL = re.compile(r'[\s"(),:;<>\[\\\]\x00-\x1f\x7f]|^\.|\.$|\.\.')


@cache
def _free_domains() -> frozenset[str]:
    text = files("features").joinpath(_FREE_DOMAINS_FILE).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)


def _is_disposable(domain: str) -> bool:
    labels = domain.split(".")
    # The blocklist names services, which often hand out sub-domains: check each parent too.
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))


def _domain_kind(domain: str | None) -> str:
    if domain is None:
        return "missing"
    if domain in _free_domains():
        return "free"
    if _is_disposable(domain):
        return "disposable"
    return "corporate"


def email_domain(email: str | None) -> str | None:
    """Return the domain of a syntactically valid email address.

    Args:
        email: An address as typed, e.g. ``"Jean.Dupont@ACME.fr "``.

    Returns:
        The lower-case ASCII domain (punycode for IDN), e.g. ``"acme.fr"``, or None when the
        address is empty or fails :func:`is_valid_email`.

    Examples:
        >>> email_domain("Jean.Dupont@ACME.fr ")
        'acme.fr'
    """
    if not isinstance(email, str):
        return None
    text = email.strip()
    if not text or len(text) > _MAX_EMAIL_LENGTH or text.count("@") != 1:
        return None
    local, _, host = text.partition("@")
    if not local or len(local) > _MAX_LOCAL_LENGTH or _BAD_LOCAL.search(local):
        return None
    return encode_domain(host)


def is_valid_email(email: str | None) -> bool:
    """Pragmatic syntax check used by intake validation.

    Surrounding whitespace is ignored. The address needs exactly one ``@``, a non-empty local
    part without spaces or special characters, and a domain with a dot and valid labels (see
    :func:`features.domains.encode_domain`). Deliverability is not checked.

    Args:
        email: The address to check; None and NaN are invalid.

    Returns:
        True when the address is well formed.
    """
    return email_domain(email) is not None


def email_kind(email: str | None) -> str:
    """Classify an address by its domain.

    Args:
        email: The address to classify.

    Returns:
        ``"missing"`` when the address is empty or invalid, ``"free"`` for a consumer webmail
        domain (``features/free_email_domains.txt``), ``"disposable"`` for a throw-away domain
        (``disposable_email_domains.blocklist``, sub-domains included), else ``"corporate"``.
    """
    return _domain_kind(email_domain(email))


def email_domains(emails: pd.Series) -> pd.Series:
    """Vectorised :func:`email_domain`: each distinct address is parsed once.

    Most addresses are plain (``jean.dupont@acme.fr``): one vectorised pattern (the import's
    ``lp_email_plain``) finds them, and their domain is the host in lower case. The others
    (IDN, quoted or odd ones) go through :func:`email_domain` one by one.

    Args:
        emails: Addresses; nulls allowed.

    Returns:
        A ``str`` Series on the same index, NaN where the address is missing or invalid.

    >>> email_domains(pd.Series(["Jean@ACME.fr", None, "bad@@x.fr", "a@Müller.de"])).tolist()
    ['acme.fr', nan, nan, 'xn--mller-kva.de']
    """
    distinct = pd.Series(emails.dropna().unique(), dtype="str")
    hosts = distinct.str.replace(r"^[^@]*@", "", regex=True).str.lower()
    plain = (distinct.str.fullmatch(_PLAIN) & distinct.str.len().le(_MAX_EMAIL_LENGTH)
             & distinct.str.find("@").le(_MAX_LOCAL_LENGTH)
             & ~hosts.str.contains("xn--", regex=False)).astype(bool)
    mapping = dict(zip(distinct[plain].tolist(), hosts[plain].tolist(), strict=True))
    mapping.update((email, email_domain(email)) for email in distinct[~plain].tolist())
    return emails.map(mapping).astype("str")


def domain_kinds(domains: pd.Series) -> pd.Series:
    """Each domain's kind (free, disposable, corporate; missing for NaN), each distinct one
    classified once: a ``str`` Series named ``email_kind`` on the same index, never null."""
    kinds = {domain: _domain_kind(domain) for domain in domains.dropna().unique()}
    return domains.map(kinds).astype("str").fillna("missing").rename("email_kind")


def email_kinds(emails: pd.Series) -> pd.Series:
    """Vectorised :func:`email_kind`: each distinct domain is classified once.

    Args:
        emails: Addresses; nulls allowed.

    Returns:
        A ``str`` Series named ``email_kind`` on the same index, never null.
    """
    return domain_kinds(email_domains(emails))
