"""Pricing: a negotiation band for each lead, in its country's currency, and an expected value.

For each lead: the suggested (target) annual price, the walk-away (floor) price under which the
rep may not go, the discount above which a manager must approve, and the same band per year for
each multi-year term. Money is exact: ``Decimal`` everywhere, never float, rounded ROUND_HALF_UP
to the cent at each step listed on ``quote``. Prices come per currency from the price book
(``data/pricebook.yaml``, checked by scoring.pricebook and loaded by ``flows``); no amount is
ever converted with an exchange rate.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from scoring.arrow_money import decimal_array, exact_column
from scoring.distinct import Columns, _objects, per_distinct, per_group
from scoring.grades import GRADES
from scoring.pricebook import Plan, PriceBook, SeatSizing, SeatTier, Term
from scoring.win_probability import CENT, basis_points, expected_values, kept_probability

__all__ = ["GRADES", "QUOTE_COLUMNS", "PriceBook", "Plan", "Quote", "SeatSizing", "SeatTier",
           "Term", "TermOffer", "quote", "quote_leads", "seats_for", "term_offers"]

MONTHS = 12  # the quoted contract is priced by the year


@dataclass(frozen=True)
class TermOffer:
    """The band per year for a multi-year commitment: the one-year band less the term's discount."""

    years: int
    discount: Decimal  # the term's rate, taken off every price of the one-year band
    price: Decimal  # suggested price per year
    floor_price: Decimal  # walk-away price per year


@dataclass(frozen=True)
class Quote:
    """The negotiation band of one lead. Amounts in ``currency`` (the lead's country's) except
    ``expected_value``, which is in the price book's reference currency; rates as fractions."""

    plan: str
    seats: int
    currency: str
    unit_price_monthly: Decimal  # per seat per month, from the plan, in ``currency``
    list_price: Decimal  # annual: unit x 12 x seats
    volume_discount: Decimal  # rate from seat_tiers
    prepay_discount: Decimal  # rate
    suggested_discount: Decimal  # min(volume + prepay, cap - room, approval), at least 0
    discount_amount: Decimal  # list x suggested, to the cent
    acv: Decimal  # the suggested (target) annual price = list - discount_amount
    floor_discount: Decimal  # the grade's cap
    floor_price: Decimal  # walk-away: list - round(list x cap)
    approval_discount: Decimal  # a discount above this rate needs a manager's approval
    terms: tuple[TermOffer, ...]  # the band per year of each multi-year term
    expected_value: Decimal  # round(win_probability x ACV in the reference currency)


QUOTE_COLUMNS: tuple[str, ...] = ("lead_id", *(f.name for f in fields(Quote)))


def seats_for(book: PriceBook, employees: int | None) -> int:
    """Seats to suggest: ceil(employees x seats_per_employee), kept within [min, max] seats.

    Args:
        book: The price book.
        employees: The company's head count, or None when unknown (gives ``default_seats``).

    Raises:
        ValueError: ``employees`` is negative.
    """
    sizing = book.seat_sizing
    if employees is None:
        return sizing.default_seats
    count = operator.index(employees)  # a whole number; a float raises TypeError
    if count < 0:
        raise ValueError(f"employees must be 0 or more, got {count}")
    raw = int((count * sizing.seats_per_employee).to_integral_value(ROUND_CEILING))
    return min(max(raw, sizing.min_seats), sizing.max_seats)


def quote(book: PriceBook, employees: int | None, grade: str, win_probability: Decimal,
          country: str | None = None) -> Quote:
    """Price one lead. Each amount is rounded half-up to the cent where it is computed.

    Steps: seats (``seats_for``) -> the plan covering them -> the currency of ``country`` ->
    list = unit x 12 x seats -> suggested rate = min(volume + prepay, cap - room, approval
    threshold), never below 0 -> discount = list x rate -> ACV = list - discount -> floor =
    list - list x cap -> each term: ACV x (1 - term rate), floor x (1 - term rate) -> expected
    value = probability x the ACV priced the same way in the reference currency.

    So the suggested price sits above the walk-away price whenever the grade's cap is above 0
    and the book keeps some room, and it never needs a manager's approval.

    Args:
        book: The price book.
        employees: Head count, or None when unknown.
        grade: The lead's grade, a key of ``book.max_discount_by_grade``.
        win_probability: A Decimal between 0 and 1 (floats are refused: they are inexact).
        country: The lead's country (code or name); None or unlisted: the reference currency.

    Raises:
        ValueError: Unknown grade, probability outside [0, 1], negative head count.
        TypeError: ``win_probability`` is not a Decimal, or ``employees`` not a whole number.

    Example: 120 employees in the UK, grade B (15 % cap), 42 % chance of winning.

    >>> book = PriceBook(
    ...     currency="EUR", currencies={"EUR": ("FR",), "GBP": ("GB",)},
    ...     plans=(Plan("Starter", {"EUR": Decimal("29.00"), "GBP": Decimal("25.00")}, 1, None),),
    ...     seat_sizing=SeatSizing(Decimal("0.05"), min_seats=3, max_seats=500, default_seats=5),
    ...     seat_tiers=(SeatTier(1, None, discount=Decimal("0")),),
    ...     annual_prepay_discount=Decimal("0.10"),
    ...     max_discount_by_grade={"B": Decimal("0.15")},
    ...     negotiation_room=Decimal("0.08"), approval_above=Decimal("0.12"),
    ...     multi_year_terms=(Term(2, Decimal("0.04")),),
    ... )
    >>> q = quote(book, employees=120, grade="B", win_probability=Decimal("0.42"), country="GB")
    >>> q.seats, q.currency, q.list_price  # ceil(120 x 0.05) = 6 seats; 25.00 x 12 x 6
    (6, 'GBP', Decimal('1800.00'))
    >>> q.suggested_discount  # min(0 % + 10 %, 15 % - 8 % room, 12 % approval) = 7 %
    Decimal('0.07')
    >>> q.discount_amount, q.acv  # 1800.00 x 7 % = 126.00; 1800.00 - 126.00
    (Decimal('126.00'), Decimal('1674.00'))
    >>> q.floor_price  # 1800.00 - 1800.00 x 15 % = 1800.00 - 270.00
    Decimal('1530.00')
    >>> q.terms[0].price, q.terms[0].floor_price  # 2 years: 1674.00 x 96 %; 1530.00 x 96 %
    (Decimal('1607.04'), Decimal('1468.80'))
    >>> q.expected_value  # in EUR: 0.42 x (2088.00 - 146.16) = 0.42 x 1941.84 = 815.5728
    Decimal('815.57')
    """
    _check(book, grade, win_probability)
    band, reference_acv = _band(book, seats_for(book, employees), grade, country)
    return replace(band, expected_value=_cents(win_probability * reference_acv))


def _band(book: PriceBook, seats: int, grade: str, country: str | None) -> tuple[Quote, Decimal]:
    return _band_in(book, seats, grade, book.currency_for(country))


def _band_in(book: PriceBook, seats: int, grade: str, currency: str) -> tuple[Quote, Decimal]:
    """``quote``'s steps once the inputs are checked and the seats known, but the expected
    value (left at 0): the band, and the ACV in the reference currency it is worked out from."""
    plan = _covering(book.plans, seats, "plan")
    volume = _covering(book.seat_tiers, seats, "seat tier").discount
    cap = book.max_discount_by_grade[grade]
    suggested = max(Decimal(0), min(volume + book.annual_prepay_discount,
                                    cap - book.negotiation_room, book.approval_above))
    list_price = _cents(plan.per_seat_monthly[currency] * MONTHS * seats)
    discount_amount = _cents(list_price * suggested)
    acv = list_price - discount_amount
    floor_price = list_price - _cents(list_price * cap)
    reference_list = _cents(plan.per_seat_monthly[book.currency] * MONTHS * seats)
    reference_acv = reference_list - _cents(reference_list * suggested)
    return Quote(
        plan=plan.name, seats=seats, currency=currency,
        unit_price_monthly=plan.per_seat_monthly[currency], list_price=list_price,
        volume_discount=volume, prepay_discount=book.annual_prepay_discount,
        suggested_discount=suggested, discount_amount=discount_amount, acv=acv,
        floor_discount=cap, floor_price=floor_price, approval_discount=book.approval_above,
        terms=tuple(TermOffer(t.years, t.discount, _cents(acv * (1 - t.discount)),
                              _cents(floor_price * (1 - t.discount)))
                    for t in book.multi_year_terms),
        expected_value=Decimal(0),
    ), reference_acv


def term_offers(text: object) -> tuple[TermOffer, ...]:
    """The terms of a quote back from the JSON text ``quote_leads`` writes (none for a null).

    >>> offer, = term_offers('[{"years": 2, "discount": "0.04", "price": "1607.04", '
    ...                      '"floor_price": "1468.80"}]')
    >>> offer.years, offer.discount, offer.price, offer.floor_price
    (2, Decimal('0.04'), Decimal('1607.04'), Decimal('1468.80'))
    """
    if not isinstance(text, str) or not text:
        return ()
    return tuple(TermOffer(int(t["years"]), Decimal(t["discount"]), Decimal(t["price"]),
                           Decimal(t["floor_price"])) for t in json.loads(text))


def quote_leads(leads: pd.DataFrame, book: PriceBook, bands: Bands | None = None
                ) -> pd.DataFrame:
    """Quote every lead: ``lead_id`` plus every ``Quote`` field, one row per lead, same index.

    Args:
        leads: Columns ``lead_id``, ``employees`` (nullable Int64, or float with NaN for unknown),
            ``grade``, ``win_probability`` (float 0-1, kept to 4 decimals, i.e. 0.01 %, via
            ``Decimal(str(round(p, 4)))``) and optionally ``country`` (else the reference
            currency).
        book: The price book.
        bands: ``Bands`` of `book`, kept by a caller that prices a day in parts (else new).

    Returns:
        Money and rate columns hold exact Arrow decimals (pd.ArrowDtype: each value is its
        ``Decimal``), never floats; ``terms`` holds JSON text (amounts as strings, read back
        by ``term_offers``).

    Raises:
        ValueError: A column is missing, or a lead cannot be priced (its lead_id is named).
    """
    missing = [c for c in ("lead_id", "employees", "grade", "win_probability") if c not in leads]
    if missing:
        raise ValueError(f"leads lack the column(s) {', '.join(missing)}")
    countries = leads["country"] if "country" in leads else pd.Series(None, index=leads.index)
    if leads.empty:
        return pd.DataFrame([], columns=list(QUOTE_COLUMNS), index=leads.index)
    inputs = Columns(pd.DataFrame({  # text as it is held (Arrow's: converted per distinct text)
        "employees": leads["employees"].to_numpy(), "grade": leads["grade"].array,
        "country": countries.array}), list)
    every = np.arange(len(leads))
    keys = {  # what the band depends on, worked out once per distinct input
        "seats": per_group(partial(_seats, book), ["employees"], inputs, every),
        "grade": per_group(partial(_grade, book), ["grade"], inputs, every),
        "currency": per_group(partial(_currency, book), ["country"], inputs, every)}
    basis, plain = basis_points(leads["win_probability"])
    probability = np.full(len(leads), None, dtype=object)  # as a Decimal where not plain
    probability[~plain] = per_distinct(_decimal_probability, ["p"], Columns(pd.DataFrame(
        {"p": leads["win_probability"].to_numpy()[~plain]}), list), np.arange((~plain).sum()))
    priced = np.logical_and.reduce([(results != _FAILED)[inverse]
                                    for results, inverse in keys.values()])
    priced &= plain | (probability != _FAILED)
    bands = bands or Bands(book)  # worked out by this call
    numbers, group = per_group(bands.number, ["seats", "grade", "currency"],
                               Columns.of_groups(keys), np.flatnonzero(priced))
    failed = np.flatnonzero(~priced)
    if not len(failed) and len(numbers[numbers == _FAILED]):
        failed = np.flatnonzero(priced)[numbers[group] == _FAILED]
    if len(failed):  # the first lead that cannot be priced, priced alone to say why
        _quote_row(book, *(list(column.iloc[failed[:1]])[0] for column in (
            leads["lead_id"], leads["employees"], leads["grade"], leads["win_probability"],
            countries)))
        raise AssertionError(f"lead {leads['lead_id'].iloc[failed[0]]} was priced alone")
    ids = leads["lead_id"]
    table = {"lead_id": ids.array if isinstance(ids.dtype, pd.StringDtype) else list(ids)}
    band = numbers[group].astype(np.int64)  # each lead's number in `bands`
    for name in QUOTE_COLUMNS[1:-1]:
        table[name] = bands.column(name).take(band)
    cents = bands.column("reference_cents")[band]
    table["expected_value"] = expected_values(cents, basis, plain, probability)
    return pd.DataFrame(table, columns=list(QUOTE_COLUMNS), index=leads.index)


_FAILED = object()  # stands for a step that raised: the lead is priced alone to say why


class Bands:
    """The bands of one price book worked out so far, by (seats, grade, currency), with their
    columns as pandas arrays made once (`column`): kept across the parts of a day, each band is
    worked out, and its amounts made Arrow decimals, once a day, not once per part (at a
    million leads in parts of 50,000, 2,000 bands a part, 6,000 a day)."""

    def __init__(self, book: PriceBook) -> None:
        self.book = book
        self._numbers: dict[tuple, object] = {}  # (seats, grade, currency) -> number or _FAILED
        self._found: list[tuple[str, Quote, Decimal]] = []  # terms text, band, reference ACV
        self._columns: dict[str, tuple[int, Any]] = {}  # name -> (bands it holds, column)

    def number(self, context: dict) -> object:
        """The number of the band of `context` (seats, grade and currency), or _FAILED."""
        key = (context["seats"], context["grade"], context["currency"])
        if key not in self._numbers:
            found = _band_of(self.book, context)
            self._numbers[key] = found if found is _FAILED else len(self._found)
            if found is not _FAILED:
                self._found.append(found)
        return self._numbers[key]

    def column(self, name: str) -> Any:
        """A field of every band, by band number: a Quote field or "terms" (text as pandas
        text, Decimals as exact Arrow decimals, whole numbers as int64), or "reference_cents"
        (the reference ACV, the expected value's basis, in whole cents). Each band's value is
        made once: the bands found since the column was last asked for are added to it."""
        made, column = self._columns.get(name, (0, None))
        if made < len(self._found) or column is None:
            added = _as_column(_objects([
                terms if name == "terms" else int(reference.scaleb(2))
                if name == "reference_cents" else getattr(band, name)
                for terms, band, reference in self._found[made:]]))
            column = added if column is None else _joined(column, added)
            self._columns[name] = (len(self._found), column)
        return column


def _joined(before: Any, added: Any) -> Any:
    """A band column and the one of the bands found since, as one (decimals in a type that
    holds both exactly: the most places and the most digits before the point of either)."""
    if isinstance(before, np.ndarray):
        return np.concatenate([before, added])
    if not isinstance(before.dtype, pd.ArrowDtype):  # pandas text
        return before._concat_same_type([before, added])
    old, new = before.dtype.pyarrow_dtype, added.dtype.pyarrow_dtype
    places = max(old.scale, new.scale)
    kind = pa.decimal128(max(old.precision - old.scale, new.precision - new.scale) + places,
                         places)
    chunks = [*before.__arrow_array__().chunks, *added.__arrow_array__().chunks]
    return exact_column(pa.chunked_array([c.cast(kind) for c in chunks]).combine_chunks())


def _as_column(values: np.ndarray) -> Any:
    if all(isinstance(v, str) for v in values):
        return pd.array(values, dtype="str")
    if len(values) and all(isinstance(v, Decimal) for v in values):
        return exact_column(decimal_array(values))
    return values.astype(np.int64)


def _quote_row(book: PriceBook, lead_id: object, employees: object, grade: object, p: object,
               country: object) -> Quote:
    """One lead's quote from its raw values, or ValueError naming the lead."""
    try:
        return quote(book, _head_count(employees), grade, kept_probability(p),
                     country if isinstance(country, str) else None)
    except (ValueError, TypeError) as err:
        raise ValueError(f"lead {lead_id}: {err}") from err


def _seats(book: PriceBook, context: dict) -> object:
    try:
        return seats_for(book, _head_count(context["employees"]))
    except (ValueError, TypeError):
        return _FAILED


def _grade(book: PriceBook, context: dict) -> object:
    try:
        return context["grade"] if context["grade"] in book.max_discount_by_grade else _FAILED
    except TypeError:  # unhashable
        return _FAILED


def _currency(book: PriceBook, context: dict) -> str:
    return book.currency_for(context["country"] if isinstance(context["country"], str) else None)


def _decimal_probability(context: dict) -> object:
    try:
        probability = kept_probability(context["p"])
    except (ValueError, TypeError):
        return _FAILED
    return probability if probability.is_finite() and 0 <= probability <= 1 else _FAILED


def _band_of(book: PriceBook, context: dict) -> object:
    """The band of (seats, grade, currency), its terms as JSON text, the reference ACV."""
    try:
        band, reference_acv = _band_in(book, context["seats"], context["grade"],
                                       context["currency"])
    except Exception:
        return _FAILED
    terms = json.dumps([{k: str(v) if isinstance(v, Decimal) else v for k, v in vars(t).items()}
                        for t in band.terms])
    return terms, band, reference_acv


def _check(book: PriceBook, grade: str, win_probability: Decimal) -> None:
    if grade not in book.max_discount_by_grade:
        raise ValueError(f"grade must be one of {', '.join(book.max_discount_by_grade)}, "
                         f"got {grade!r}")
    if not isinstance(win_probability, Decimal):
        raise TypeError(f"win_probability must be a Decimal, got {type(win_probability).__name__}")
    if not (win_probability.is_finite() and 0 <= win_probability <= 1):
        raise ValueError(f"win_probability must be between 0 and 1, got {win_probability}")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _covering(ranges: Sequence[Plan] | Sequence[SeatTier], seats: int, kind: str) -> Any:
    for r in ranges:
        if r.min_seats <= seats and (r.max_seats is None or seats <= r.max_seats):
            return r
    raise ValueError(f"the price book has no {kind} for {seats} seats")


def _head_count(employees: Any) -> int | None:
    if pd.isna(employees):
        return None
    if isinstance(employees, float) and not employees.is_integer():
        raise ValueError(f"employees must be a whole number, got {employees}")
    return int(employees)
