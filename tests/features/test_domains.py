import numpy as np
import pandas as pd
import pytest

from features.domains import encode_domain, normalise_domain, normalise_domains


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.Acme.FR/contact?x=1", "acme.fr"),
        ("WWW.acme.fr/", "acme.fr"),
        ("acme.fr:8080", "acme.fr"),
        ("http://user@acme.fr", "acme.fr"),
        ("Müller.de", "xn--mller-kva.de"),
        ("acme.fr.", "acme.fr"),
        ("jean@acme.fr", "acme.fr"),
        ("  acme.fr  ", "acme.fr"),
        ("HTTPS://ACME.FR", "acme.fr"),
        ("//acme.fr/page", "acme.fr"),
        ("acme.fr#top", "acme.fr"),
        ("www2.acme.fr", "acme.fr"),
        ("blog.acme.co.uk", "blog.acme.co.uk"),
        ("ftp://files.acme.fr/x", "files.acme.fr"),
        ("xn--mller-kva.de", "xn--mller-kva.de"),
        ("straße.de", "xn--strae-oqa.de"),
        ("acme。fr", "acme.fr"),
        ("www.com", "www.com"),
        ("mailto:jean@acme.fr", "acme.fr"),
    ],
)
def test_normalise_domain_reduces_urls_hosts_and_emails_to_the_bare_domain(value, expected):
    assert normalise_domain(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        np.nan,
        "",
        "   ",
        "n/a",
        "-",
        "acme",
        "localhost",
        "ACME SAS",
        "www. acme.fr",
        "acme_fr.com",
        "acme..fr",
        "-acme.fr",
        "acme-.fr",
        "a" * 64 + ".fr",
        "192.168.0.1",
        "http://[::1]:80/",
        "http://[bad",
        "acme.f",
        "acme.fr,acme.com",
        "xn--zz.de",
        "https://www.",
    ],
)
def test_normalise_domain_returns_none_for_empty_or_garbage(value):
    assert normalise_domain(value) is None


def test_encode_domain_rejects_a_trailing_dot_that_normalise_domain_tolerates():
    assert encode_domain("acme.fr.") is None
    assert normalise_domain("acme.fr.") == "acme.fr"


def test_normalise_domains_keeps_index_and_order_and_maps_nulls_to_nan():
    values = pd.Series(
        ["www.acme.fr", None, "https://Müller.de/", "www.acme.fr", "garbage"],
        index=[10, 11, 12, 13, 14],
        name="website",
    )
    result = normalise_domains(values)
    assert result.index.tolist() == [10, 11, 12, 13, 14]
    assert result.name == "website"
    assert result.dtype == "str"
    assert result.tolist()[0] == "acme.fr"
    assert result.tolist()[2:4] == ["xn--mller-kva.de", "acme.fr"]
    assert result.isna().tolist() == [False, True, False, False, True]


def test_normalise_domains_accepts_an_all_null_series():
    result = normalise_domains(pd.Series([np.nan, np.nan]))
    assert result.dtype == "str"
    assert result.isna().all()
