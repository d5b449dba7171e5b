from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from features.columns import EMAIL_KINDS
from features.domains import encode_domain
from features.email import email_domain, email_domains, email_kind, email_kinds, is_valid_email

CASES = [
    # (email, is_valid_email, email_domain, email_kind)
    ("Jean.Dupont@ACME.fr ", True, "acme.fr", "corporate"),
    ("jean+crm@acme.fr", True, "acme.fr", "corporate"),
    ("josé@société.fr", True, "xn--socit-esab.fr", "corporate"),
    ("jean@paris.acme.fr", True, "paris.acme.fr", "corporate"),
    ("jean@gmail.com", True, "gmail.com", "free"),
    ("JEAN@GMAIL.COM", True, "gmail.com", "free"),
    ("marie@orange.fr", True, "orange.fr", "free"),
    ("hans@t-online.de", True, "t-online.de", "free"),
    ("anna@proton.me", True, "proton.me", "free"),
    ("x@yopmail.com", True, "yopmail.com", "disposable"),
    ("x@inbox.mailinator.com", True, "inbox.mailinator.com", "disposable"),
    (None, False, None, "missing"),
    (np.nan, False, None, "missing"),
    ("", False, None, "missing"),
    ("   ", False, None, "missing"),
    ("jean.dupont", False, None, "missing"),
    ("jean@acme", False, None, "missing"),
    ("jean@@acme.fr", False, None, "missing"),
    ("jean@acme.fr@gmail.com", False, None, "missing"),
    ("@acme.fr", False, None, "missing"),
    ("jean@", False, None, "missing"),
    ("jean dupont@acme.fr", False, None, "missing"),
    ("Jean <jean@acme.fr>", False, None, "missing"),
    ("jean.@acme.fr", False, None, "missing"),
    ("jean..dupont@acme.fr", False, None, "missing"),
    ("jean@acme..fr", False, None, "missing"),
    ("jean@192.168.1.1", False, None, "missing"),
    ("b.levy@expressl&t.net", False, None, "missing"),
    ("a" * 65 + "@acme.fr", False, None, "missing"),
]


@pytest.mark.parametrize(("email", "valid", "domain", "kind"), CASES)
def test_is_valid_email_accepts_well_formed_addresses_only(email, valid, domain, kind):
    assert is_valid_email(email) is valid


@pytest.mark.parametrize(("email", "valid", "domain", "kind"), CASES)
def test_email_domain_is_the_lower_case_ascii_domain_or_none(email, valid, domain, kind):
    assert email_domain(email) == domain


@pytest.mark.parametrize(("email", "valid", "domain", "kind"), CASES)
def test_email_kind_classifies_by_domain(email, valid, domain, kind):
    assert email_kind(email) == kind


def test_every_case_kind_is_an_allowed_category():
    assert {kind for *_, kind in CASES} == set(EMAIL_KINDS)


def test_email_kinds_matches_email_kind_row_by_row_and_keeps_the_index():
    emails = pd.Series(
        ["jean@acme.fr", None, "Zoé@gmail.com", "jean@acme.fr", "x@yopmail.com", "oops"],
        index=[5, 3, 9, 1, 7, 2],
    )
    result = email_kinds(emails)
    assert result.index.tolist() == [5, 3, 9, 1, 7, 2]
    assert result.name == "email_kind"
    assert result.dtype == "str"
    assert result.tolist() == [
        "corporate", "missing", "free", "corporate", "disposable", "missing",
    ]


def test_email_kinds_of_an_all_null_series_is_all_missing():
    assert email_kinds(pd.Series([None, np.nan])).tolist() == ["missing", "missing"]


def test_email_domains_gives_nan_for_invalid_addresses():
    result = email_domains(pd.Series(["Jean@ACME.fr", "nope", None]))
    assert result.dtype == "str"
    assert result.tolist()[0] == "acme.fr"
    assert result.isna().tolist() == [False, True, True]


def _addresses(seed: int, n: int) -> list[str]:
    """Addresses near the edges of the plain pattern: dots, hyphens, lengths, IDN, spaces."""
    rng = np.random.default_rng(seed)
    pieces = ["a", "Z", "9", ".", "-", "_", "+", "%", "é", " ", '"', "..", "xn--", "XN--",
              "a" * 62, "b" * 64, "-a", "a-", "ü", "(", ")", "\t", "@"]
    tlds = ["fr", "COM", "c", "x" * 63, "x" * 64, "1a", "xn--p1ai", "", "fr.", "fr-"]

    weights = np.array([8, 4, 4] + [1] * (len(pieces) - 3), dtype=float)

    def part(k):
        return "".join(rng.choice(pieces, size=k, p=weights / weights.sum()))

    return [f"{part(rng.integers(1, 5))}@{part(rng.integers(1, 4))}.{rng.choice(tlds)}"
            for _ in range(n)] + [f"{'a' * 64}@acme.fr", f"{'a' * 65}@acme.fr",
                                  f"a@{'b' * 63}.fr", f"a@{'b' * 64}.fr", " a@b.fr",
                                  "a@" + ".".join(["b" * 60] * 4) + ".fr"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_email_domains_matches_email_domain_on_every_address(seed):
    """The vectorised shortcut for plain addresses never disagrees with the one-by-one parse."""
    emails = pd.Series(_addresses(seed, 3000))
    expected = [email_domain(e) for e in emails]
    assert sum(d is not None for d in expected) > 150  # plenty of valid ones among the odd
    assert [None if pd.isna(d) else d for d in email_domains(emails)] == expected


def _listed_free_domains():
    text = files("features").joinpath("free_email_domains.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def test_free_domain_list_ships_with_the_package_and_holds_unique_valid_domains():
    domains = _listed_free_domains()
    assert len(domains) >= 80
    assert len(set(domains)) == len(domains)
    assert all(encode_domain(domain) == domain for domain in domains)


def test_every_listed_free_domain_is_classified_free():
    domains = _listed_free_domains()
    assert [d for d in domains if email_kind(f"someone@{d}") != "free"] == []
