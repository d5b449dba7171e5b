"""The homepage parser and the URL a lead's website or email gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from features.website import decode_html, parse_homepage, website_url

HOMEPAGE = Path(__file__).parents[1] / "fixtures" / "enrichment" / "homepage.html"


def test_a_homepage_gives_its_title_description_language_and_technology_hints():
    facts = parse_homepage(HOMEPAGE.read_text(encoding="utf-8"))
    assert facts["site_title"] == ("Boulangeries Lefèvre & Fils — pains et viennoiseries "
                                   "depuis 1952")
    assert facts["site_description"].startswith("Boulangerie artisanale à Lyon : pains")
    assert "\n" not in facts["site_description"]
    assert facts["site_language"] == "fr"
    assert facts["tech_hints"] == ("Google Analytics, Google Tag Manager, HubSpot, Shopify, "
                                   "WordPress")
    assert facts["web_stack"] == "marketing_automation"  # ranks above e-commerce and analytics


def test_a_plain_page_has_no_hints_and_an_empty_one_gives_no_facts_at_all():
    assert parse_homepage("<html><title>Hi</title><p>plain</p></html>") == {
        "site_title": "Hi", "web_stack": "none"}
    assert parse_homepage("") == {"web_stack": "none"}


def test_broken_markup_does_not_stop_the_parser():
    facts = parse_homepage('<html lang="EN_gb"><head><title>Shop <b>now</title><meta name=x'
                           '<script src="https://cdn.shopify.com/a.js">')
    assert facts["site_language"] == "en"
    assert facts["site_title"] == "Shop now"
    assert facts["web_stack"] == "ecommerce"


def test_a_long_title_and_description_are_clipped():
    facts = parse_homepage(f"<title>{'a' * 500}</title><meta property='og:description' "
                           f"content='{'b ' * 400}'>")
    assert len(facts["site_title"]) == 200 and facts["site_title"].endswith("…")
    assert len(facts["site_description"]) <= 300


@pytest.mark.parametrize(("body", "content_type", "text"), [
    ("café".encode("latin-1"), "text/html; charset=ISO-8859-1", "café"),
    (b'<meta charset="windows-1252"><p>' + "é".encode("cp1252"), "text/html", "é"),
    ("café".encode(), "text/html", "café"),
    (b"caf\xff", "text/html; charset=unknown-8", "caf\ufffd"),
])
def test_the_page_is_decoded_with_the_charset_it_declares(body, content_type, text):
    assert text in decode_html(body, content_type)


@pytest.mark.parametrize(("website", "email_domain", "expected"), [
    ("www.acme.fr", None, "https://www.acme.fr"),
    ("http://127.0.0.1:8080/", None, "http://127.0.0.1:8080/"),  # as given: the guard judges
    ("//acme.fr/home", None, "https://acme.fr/home"),
    (None, "acme.fr", "https://acme.fr/"),
    ("  ", None, None),
    (None, None, None),
])
def test_the_website_is_taken_as_given_else_the_corporate_email_domain(website, email_domain,
                                                                       expected):
    assert website_url(website, email_domain) == expected


def test_a_domain_template_sends_only_the_normalised_domain():
    template = "http://127.0.0.1:9/sites/{domain}/"
    assert website_url("HTTPS://WWW.Acme.FR/contact?x=1", None, template) == (
        "http://127.0.0.1:9/sites/acme.fr/")
    assert website_url("http://169.254.169.254/", None, template) is None  # not a domain
