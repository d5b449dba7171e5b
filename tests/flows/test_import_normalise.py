"""The importer's SQL email and domain macros agree with features/email.py and domains.py."""

from __future__ import annotations

import duckdb
import pytest

from features.domains import normalise_domain
from features.email import email_domain
from flows.intake.rows import install

EMAILS = [
    "jean.dupont@acme.fr", "John@X.com", "a@b", "jean.dupont@", "@acme.fr", "a@@acme.fr",
    "x y@acme.fr", '"x"@acme.fr', ".jean@acme.fr", "jean.@acme.fr", "je..an@acme.fr",
    "jean@acme..fr", "jean@-acme.fr", "jean@acme-.fr", "jean@acme.f", "jean@acme.123",
    "jean@192.168.0.1", "jean@localhost", "a" * 65 + "@acme.fr", "a@" + "b" * 250 + ".fr",
    "jean+tag@sub.acme.co.uk", "jean@ACME.FR", "j(e)an@acme.fr", "j;an@acme.fr",
    "jean@acme.fr.", "jean@a_b.fr", "user@company12345.com", "o'brien@acme.ie",
]
WEBSITES = [
    "https://www.Acme.FR/contact?x=1", "www.x.com", "https://x.com/", "x.com", "//x.com/a",
    "http://user:pw@www.x.com:8080/p", "ftp://files.x.com", "www2.x.com", "www.com",
    "jean@acme.fr", "acme.fr.", "acme", "n/a", "-", "http://", "192.168.0.1", "localhost",
    "http://[::1]/", "a.b.c.d.example.org", "WWW.EXAMPLE.ORG/", "example.org#top",
    "example.org?q=1", "exa mple.org", "https://www.x.com:443", "x.com:80:90",
    "https://sub.www.x.com", "http://x.com.:80/", "mailto:jean@acme.fr", "acme_corp.com",
    "x.com..", "HTTPS://u@v@Acme.com/x", "x.com#a@b.org", "x.com/path@evil.com", "?x.com",
    "http:x.com", "1http://x.com", "http:///x.com",
]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    install(connection)
    yield connection
    connection.close()


@pytest.mark.parametrize("email", EMAILS)
def test_the_sql_email_check_agrees_with_features_email(con, email):
    needs_python, sql = con.execute(
        "SELECT lp_needs_python(e), lp_email_domain_of(e, p) FROM "
        "(SELECT e, lp_email_parts(e) AS p FROM (SELECT trim(?) AS e))", [email]).fetchone()
    assert not needs_python
    assert sql == email_domain(email)


@pytest.mark.parametrize("email", EMAILS)
def test_the_plain_address_shortcut_accepts_only_what_features_email_accepts(con, email):
    plain = con.execute("SELECT lp_email_plain(trim(?))", [email]).fetchone()[0]
    assert not plain or email_domain(email) is not None


def test_the_plain_address_shortcut_takes_the_usual_addresses(con):
    usual = ["jean.dupont@acme.fr", "John@X.com", "jean+tag@sub.acme.co.uk", "a_b-c%d@x-y.io",
             "user@company12345.com"]
    assert con.execute("SELECT list(lp_email_plain(e)) FROM unnest(?) AS t(e)",
                       [usual]).fetchone()[0] == [True] * len(usual)


@pytest.mark.parametrize("website", WEBSITES)
def test_the_sql_domain_agrees_with_features_domains(con, website):
    sql = con.execute("SELECT lp_domain(?)", [website]).fetchone()[0]
    assert sql == normalise_domain(website)


@pytest.mark.parametrize("website", WEBSITES + ["acme.fr", "www.acme.fr", "www2.acme.co.uk",
                                     "www.com", "sub.www.acme.fr", "a-b.example.org"])
def test_a_bare_host_is_its_own_host_and_loses_its_www_as_the_full_reading_does(con, website):
    plain, domain = con.execute("SELECT lp_host_ok(w), lp_without_www(w) FROM (SELECT ? AS w)",
                                [website]).fetchone()
    if plain:  # the importer's shortcut for a website that is a bare lower-case host
        assert con.execute("SELECT lp_website_host(?)", [website]).fetchone()[0] == website
        assert domain == normalise_domain(website)


@pytest.mark.parametrize("value", ["zoë@müller.de", "http://www.müller.de/", "xn--mller-kva.de"])
def test_non_ascii_and_punycode_values_go_to_the_python_functions(con, value):
    assert con.execute("SELECT lp_needs_python(?)", [value]).fetchone()[0]
