"""The rep's page and e-mail, rendered from sheet rows: the sections, whatever the columns, the
French figures, hostile text escaped, and the sizes of wrapped XLSX rows (scoring.sheet_fit)."""

from __future__ import annotations

import doctest
from decimal import Decimal
from email import message_from_bytes, policy

import pandas as pd
import pytest
from support import ANCHOR

import scoring.rep_view
import scoring.sheet_fit
from scoring.rep_view import cards, render_page, render_text, rep_email, rep_files
from scoring.sheet import build_sheet

HOSTILE = "<script>alert('x')</script>"


def _sheet(**overrides) -> pd.DataFrame:
    scored = pd.DataFrame({
        "lead_id": ["L1", "L2"], "win_probability": [0.426, 0.1], "grade": ["B", "D"],
        "expected_value": [Decimal("61601.64"), Decimal("10.00")],
        "first_name": ["Émilie", "Ann"], "last_name": ["Guérin", "Lee"],
        "company": ["Ateliers Optima", "=1+1"], "title": ["Commerciale", None],
        "email": ["e@example.fr", "a@example.com"], "phone": ["+33 6 12 34 56 78", ""],
        "country": ["FR", "GB"], "source": ["demo_request", "web_form"],
        "reasons_positive": [["Arrivé par une demande de démo", "Dernière activité"], []],
        "reasons_negative": [["Contributeur individuel"], None],
        "points": [["Confirmez le créneau", "Appelez aujourd'hui"], ["p1"]],
        "plan": ["Enterprise", "Starter"], "seats": [143, 3],
        "list_price": [Decimal("169884.00"), Decimal("100.00")],
        "suggested_discount": [Decimal("0.15"), Decimal("0")],
        "floor_price": [Decimal("144401.40"), Decimal("90.00")],
        "acv": [Decimal("144401.40"), Decimal("100.00")], "owner": ["Léa Rousseau"] * 2,
        "currency": ["EUR", "GBP"], "approval_discount": [Decimal("0.15")] * 2,
        "terms": ['[{"years": 2, "discount": "0.05", "price": "137181.33", '
                  '"floor_price": "137181.33"}]', ""],
    })
    return build_sheet(scored.assign(**overrides))


def test_the_doc_examples_hold():
    assert doctest.testmod(scoring.rep_view).failed == 0
    assert doctest.testmod(scoring.sheet_fit).failed == 0


def test_a_card_says_who_why_what_to_say_and_what_to_offer():
    first = cards(_sheet())[0]
    assert first.rank == "1" and first.name == "Émilie Guérin"
    assert {f.label: f.lines for f in first.who}["Company"] == ("Ateliers Optima",)
    assert first.why == ("▲ Arrivé par une demande de démo", "▲ Dernière activité",
                         "▼ Contributeur individuel")
    assert first.say == ("1. Confirmez le créneau", "2. Appelez aujourd'hui")
    offer = {f.label: f.lines[0] for f in first.offer}
    assert offer["List price (per year)"] == "169,884.00 €"
    assert offer["Walk-away price (per year)"] == "144,401.40 €"
    assert offer["Suggested discount"] == "15.0 %"  # the unit moved from the label to the value
    assert "Outcome" not in {f.label for f in first.more}  # the rep's own columns stay out


def test_columns_the_sheet_gains_later_find_a_place_on_the_card():
    sheet = _sheet().assign(walk_away=[Decimal("150000"), None],
                            contacts=["Anne (buyer)\nBob (user)", ""])
    first, second = cards(sheet)
    assert {f.label: f.lines for f in first.offer}["walk_away"] == ("150,000.00 €",)
    assert {f.label: f.lines for f in first.more}["contacts"] == ("Anne (buyer)", "Bob (user)")
    assert "contacts" not in {f.label for f in second.more}  # nothing to show, no line


def test_french_figures_use_decimal_commas_and_day_first_dates():
    offer = {f.label: f.lines[0] for f in cards(_sheet(), "fr")[0].offer}
    assert offer["Prix suggéré (ACV, par an)"] == "144\u202f401,40 €"  # French labels too


def test_the_offer_is_in_the_leads_currency_and_the_expected_value_in_euros():
    second = cards(_sheet())[1]  # a GB lead, priced from the book's pounds
    offer = {f.label: f.lines[0] for f in second.offer}
    assert offer["List price (per year)"] == "100.00 £"
    assert {f.label: f.lines[0] for f in second.headline}["Expected value"] == "10.00 €"
    page = render_page(_sheet(), "Léa Rousseau", ANCHOR, "fr")
    assert "Leads de Léa Rousseau du 27/11/2026" in page and 'lang="fr"' in page


def test_hostile_text_is_escaped_and_the_neutralising_quote_dropped():
    page = render_page(_sheet(first_name=[HOSTILE, "Ann"]), HOSTILE, ANCHOR)
    assert "<script>" not in page and "&lt;script&gt;alert(" in page
    assert "=1+1" in page and "'=1+1" not in page  # no spreadsheet here: shown as written
    assert "script-src" not in page and "default-src 'none'" in page  # no script can run
    assert HOSTILE in render_text(_sheet(first_name=[HOSTILE, "Ann"]), "Léa", ANCHOR)


@pytest.mark.parametrize("owner", ["Léa\r\nBcc: all@example.com", "'-Evil\x00owner"])
def test_an_owner_name_cannot_add_an_email_header(owner):
    message = rep_email(_sheet(), owner, ANCHOR, address="lea@example.com")
    parsed = message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert parsed["Bcc"] is None and parsed["X-Unsent"] == "1"
    assert parsed["To"].addresses[0].addr_spec == "lea@example.com"
    assert parsed["Subject"] == "Your 2 leads for 2026-11-27"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]


def test_the_page_and_the_email_come_from_one_pass_over_the_cards(monkeypatch):
    page, message = rep_files(_sheet(), "Léa", ANCHOR, "fr", "lea@example.com")
    assert page == render_page(_sheet(), "Léa", ANCHOR, "fr")
    assert message.as_bytes(policy=policy.SMTP) == rep_email(
        _sheet(), "Léa", ANCHOR, "fr", "lea@example.com").as_bytes(policy=policy.SMTP)
    built = []
    monkeypatch.setattr(scoring.rep_view, "cards",
                        lambda *args, real=scoring.rep_view.cards: built.append(1) or real(*args))
    rep_files(_sheet(), "Léa", ANCHOR)
    assert len(built) == 1


def test_an_empty_day_says_so():
    empty = _sheet().iloc[0:0]
    assert "No lead today." in render_page(empty, "Léa", ANCHOR)
    assert cards(empty) == []


def test_a_long_list_shows_its_best_cards_says_how_many_there_are_and_builds_them_once(
        monkeypatch):
    built = []
    monkeypatch.setattr(scoring.rep_view, "MAX_CARDS", 1)
    monkeypatch.setattr(scoring.rep_view, "cards",
                        lambda sheet, locale="en", real=cards: built.append(len(sheet))
                        or real(sheet, locale))
    page, message = scoring.rep_view.rep_files(_sheet(), "Backlog", ANCHOR, "fr")
    assert built == [1]  # one set of cards for the page and both parts of the e-mail
    assert page.count('<article class="card"') == 1 and "Émilie" in page and "Ann" not in page
    assert "Les 1 meilleurs de 2 leads ; la feuille les a tous." in page
    text = message.get_body(("plain",)).get_content()
    assert "Les 1 meilleurs de 2 leads" in text and "Ann" not in text
    assert message["Subject"] == "Vos 2 leads du 27/11/2026"
