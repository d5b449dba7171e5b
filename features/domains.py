from __future__ import annotations

import re
from urllib.parse import urlsplit

import idna
import pandas as pd

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_WWW = re.compile(r"^www\d*\.")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_MAX_DOMAIN_LENGTH = 253


def encode_domain(host: str) -> str | None:
    """Validate a bare host name and return it in lower-case ASCII (punycode for IDN).

    The host must be a DNS name with at least two labels, letters/digits/hyphens only once
    encoded (IDNA 2008 with UTS #46 mapping), and an alphabetic top-level label, so IP
    addresses, ``localhost`` and filler values such as ``n/a`` are rejected. A trailing dot is
    not accepted here; callers that tolerate one strip it first.

    Args:
        host: The host name, e.g. ``"Müller.de"``.

    Returns:
        The ASCII host, e.g. ``"xn--mller-kva.de"``, or None when it is not a valid domain.
    """
    if not host:
        return None
    if host.isascii() and "xn--" not in host.lower():
        ascii_host = host.lower()
    else:
        try:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
        except (UnicodeError, ValueError):
            return None
    labels = ascii_host.split(".")
    if len(labels) < 2 or len(ascii_host) > _MAX_DOMAIN_LENGTH:
        return None
    if not all(_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return None
    return ascii_host


def normalise_domain(value: str | None) -> str | None:
    """Reduce a website, URL, host or mistyped email to its bare domain.

    The scheme, user info, port, path, query, one leading ``www.`` and one trailing dot are
    dropped; the result is lower case and IDNA-encoded. Sub-domains other than ``www`` are
    kept (no public-suffix list is shipped).

    Args:
        value: What a CRM holds in its website field, e.g. ``"https://www.Acme.FR/contact"``.

    Returns:
        The domain, e.g. ``"acme.fr"``, or None for empty or unusable input (no dot, spaces,
        invalid labels, IP addresses).

    Examples:
        >>> normalise_domain("https://www.Acme.FR/contact?x=1")
        'acme.fr'
        >>> normalise_domain("jean@acme.fr")
        'acme.fr'
        >>> normalise_domain("Müller.de")
        'xn--mller-kva.de'
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or any(char.isspace() for char in text):
        return None
    if not _SCHEME.match(text) and not text.startswith("//"):
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    if host.endswith("."):
        host = host[:-1]
    domain = encode_domain(host)
    if domain is None:
        return None
    stripped = _WWW.sub("", domain, count=1)
    return stripped if "." in stripped else domain


def normalise_domains(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_domain`: each distinct value is normalised once.

    Args:
        values: Websites, URLs or hosts; nulls allowed.

    Returns:
        A ``str`` Series on the same index, with NaN where no domain could be read.
    """
    mapping = {value: normalise_domain(value) for value in values.dropna().unique()}
    return values.map(mapping).astype("str")
