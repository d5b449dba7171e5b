"""The rep's own view of the day: one card per lead (who, why, what to say, what to offer), as an
HTML page and as an e-mail (HTML and plain-text parts), rendered from the rep's rows of the sheet.

Pure: the sheet in, text out; flows/sheets/rep_pages.py writes the files. The cards are built
over whatever columns the sheet has: the columns named below go to their section, any money
(Decimal) or percent column to the offer, any other column with a value to "More" under its
sheet header.
Lead data is hostile: the templates autoescape (a name ``<script>`` is shown as text) and the page
forbids scripts and every fetch (Content-Security-Policy), so it opens offline and runs nothing.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from email.headerregistry import Address
from email.message import EmailMessage

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from scoring.sheet import FORMULA_PREFIXES, OUTCOME_COLUMNS, SHEET_COLUMNS
from scoring.sheet_layout import MONEY_COLUMNS, PERCENT_COLUMNS
from scoring.sheet_locale import CURRENCY_SYMBOLS, PRICE_COLUMNS, headers

HEADLINE = ("grade", "win_probability", "expected_value")
WHO = ("title", "company", "email", "phone", "country")
WHY, SAY = "reasons", "talking_points"
OFFER = ("plan", "seats", "list_price", "discount", "floor_price", "acv")
NOT_SHOWN = ("rank", "lead_name", "owner", *OUTCOME_COLUMNS)  # in the card's title, or the rep's
HEADERS = dict(SHEET_COLUMNS)
# A page or e-mail shows at most this many cards: a rep's list is far shorter (reps.yaml
# leads_per_day), but the backlog of a large team can hold most of a million leads.
MAX_CARDS = 500
WORDS = {
    "en": {"title": "Leads of {rep} for {day}", "count": "{n} leads, best first",
           "first": "The best {shown} of {n} leads; the sheet has them all.",
           "why": "Why", "say": "What to say", "offer": "What to offer", "more": "More",
           "subject": "Your {n} leads for {day}", "none": "No lead today."},
    "fr": {"title": "Leads de {rep} du {day}", "count": "{n} leads, les meilleurs d'abord",
           "first": "Les {shown} meilleurs de {n} leads ; la feuille les a tous.",
           "why": "Pourquoi", "say": "Quoi dire", "offer": "Quoi proposer", "more": "Plus",
           "subject": "Vos {n} leads du {day}", "none": "Aucun lead aujourd'hui."},
}
_ENV = Environment(loader=PackageLoader("scoring", "templates"), undefined=StrictUndefined,
                   autoescape=select_autoescape(enabled_extensions=("html",), default=False),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class Field:
    """One labelled value of a card; several lines for a multi-line cell."""

    label: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Card:
    """One lead as the rep reads it."""

    rank: str
    name: str
    headline: tuple[Field, ...]
    who: tuple[Field, ...]
    why: tuple[str, ...]
    say: tuple[str, ...]
    offer: tuple[Field, ...]
    more: tuple[Field, ...]


def unquoted(text: str) -> str:
    """A sheet text without the ' that scoring.sheet.neutralise put before a would-be formula.

    >>> unquoted("'=1+1"), unquoted("'+33 6 12"), unquoted("O'Brien")
    ('=1+1', '+33 6 12', "O'Brien")
    """
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def shown(value: object, column: str, locale: str = "en", currency: object = None) -> str:
    """One sheet value as the card shows it ("" when there is none); the prices of the offer
    in the row's `currency`, the other amounts (expected value) in euros.

    >>> shown(Decimal("347846.4"), "acv"), shown(Decimal("347846.40"), "acv", "fr")
    ('347,846.40 €', '347\u202f846,40 €')
    >>> shown(Decimal("12668.4"), "acv", "en", "GBP"), shown(Decimal("5"), "acv", "en", "CHF")
    ('12,668.40 £', '5.00 CHF')
    >>> shown(22.6, "win_probability", "fr"), shown("'=1+1", "company"), shown(None, "title")
    ('22,6 %', '=1+1', '')
    """
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and math.isnan(value)):
        return ""
    if column in PERCENT_COLUMNS and isinstance(value, Decimal | int | float):
        return _number(Decimal(str(value)), locale) + " %"
    if isinstance(value, Decimal) or (column in MONEY_COLUMNS and isinstance(value, int | float)):
        code = currency if column in PRICE_COLUMNS and isinstance(currency, str) and currency \
            else "EUR"
        return (_number(Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP), locale)
                + " " + CURRENCY_SYMBOLS.get(code, code))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y" if locale == "fr" else "%Y-%m-%d")
    return unquoted(str(value)).strip()


def _number(value: Decimal, locale: str) -> str:
    text = f"{value:,f}"
    return text.replace(",", "\u202f").replace(".", ",") if locale == "fr" else text


def cards(sheet: pd.DataFrame, locale: str = "en") -> list[Card]:
    """The rep's cards, in the sheet's order, built over whatever columns `sheet` has."""
    columns = list(sheet.columns)
    extra_offer = tuple(c for c in columns if c not in HEADLINE + OFFER + NOT_SHOWN and (
        c in MONEY_COLUMNS + PERCENT_COLUMNS or _holds_money(sheet[c])))
    known = set(HEADLINE + WHO + OFFER + extra_offer + NOT_SHOWN + (WHY, SAY))
    more = tuple(c for c in columns if c not in known)
    found = []
    for row in sheet.to_dict(orient="records"):
        def fields(names: tuple[str, ...], row=row) -> tuple[Field, ...]:
            return tuple(Field(_label(c, locale), lines) for c in names if c in row
                         if (lines := _lines(row[c], c, locale, row.get("currency"))))

        found.append(Card(
            rank=shown(row.get("rank"), "rank"), name=shown(row.get("lead_name"), "lead_name"),
            headline=fields(HEADLINE), who=fields(WHO),
            why=_lines(row.get(WHY), WHY, locale), say=_lines(row.get(SAY), SAY, locale),
            offer=fields(OFFER + extra_offer), more=fields(more)))
    return found


def _label(column: str, locale: str = "en") -> str:
    """The column's sheet header, less a unit the value now carries ("Win probability (%)")."""
    return re.sub(r" \((%|EUR)\)$", "", headers(locale).get(column, column))


def _holds_money(values: pd.Series) -> bool:
    """A column the sheet gained since: money is Decimal, whatever its name."""
    return bool(values.map(lambda v: isinstance(v, Decimal)).any())


def _lines(value: object, column: str, locale: str, currency: object = None
           ) -> tuple[str, ...]:
    return tuple(line for line in (unquoted(part).strip() for part in
                                   shown(value, column, locale, currency).splitlines()) if line)


def render_page(sheet: pd.DataFrame, rep: str, day: date, locale: str = "en") -> str:
    """The rep's page: a self-contained HTML document (styles inline, no script, no fetch)."""
    return _ENV.get_template("rep_page.html").render(**_context(sheet, rep, day, locale))


def render_text(sheet: pd.DataFrame, rep: str, day: date, locale: str = "en") -> str:
    """The same cards as plain text: the e-mail's text part."""
    return _ENV.get_template("rep_email.txt").render(**_context(sheet, rep, day, locale))


def _context(sheet: pd.DataFrame, rep: str, day: date, locale: str,
             total: int | None = None) -> dict[str, object]:
    """What the templates show: the first MAX_CARDS cards, and how many leads there are
    (`total`, when `sheet` holds only the rep's first rows; else its length)."""
    words = WORDS.get(locale, WORDS["en"])
    when, rep = shown(day, "run_date", locale), unquoted(rep)
    n = len(sheet) if total is None else total
    count = (words["count"].format(n=n) if n <= MAX_CARDS
             else words["first"].format(shown=MAX_CARDS, n=_number(Decimal(n), locale)))
    return {"lang": locale, "words": words, "cards": cards(sheet.head(MAX_CARDS), locale),
            "title": words["title"].format(rep=rep or "—", day=when), "count": count}


def rep_files(sheet: pd.DataFrame, rep: str, day: date, locale: str = "en",
              address: str | None = None, total: int | None = None
              ) -> tuple[str, EmailMessage]:
    """The rep's page and e-mail (`rep_email`), from one set of cards. `total`: how many leads
    the rep has, when `sheet` holds only the first MAX_CARDS of them."""
    context = _context(sheet, rep, day, locale, total)
    page = _ENV.get_template("rep_page.html").render(**context)
    text = _ENV.get_template("rep_email.txt").render(**context)
    n = len(sheet) if total is None else total
    return page, _message(text, page, n, rep, day, locale, address)


def rep_email(sheet: pd.DataFrame, rep: str, day: date, locale: str = "en",
              address: str | None = None) -> EmailMessage:
    """The rep's cards as an unsent e-mail: a plain-text part and the HTML page as alternative.

    `address` (the rep's, from data/reps.yaml) becomes the To header when given; the message
    is marked unsent (X-Unsent), so a mail client opens it as a draft, and carries no date or
    message id: the same rows give the same bytes. Header values are cleaned
    of line breaks and control characters: a hostile owner name cannot add a header.
    """
    return rep_files(sheet, rep, day, locale, address)[1]


def _message(text: str, page: str, n: int, rep: str, day: date, locale: str,
             address: str | None) -> EmailMessage:
    words = WORDS.get(locale, WORDS["en"])
    message = EmailMessage()
    message["Subject"] = _header(words["subject"].format(n=n, day=shown(day, "run_date", locale)))
    if address:
        message["To"] = Address(display_name=_header(unquoted(rep)), addr_spec=address)
    message["X-Unsent"] = "1"
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    # the same day gives the same file: a boundary from the content's hash (which the content
    # cannot contain) instead of a random one
    message.set_boundary("=_" + hashlib.sha256((text + page).encode()).hexdigest()[:40])
    return message


def _header(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()
