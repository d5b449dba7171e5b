"""Pricing: a suggested annual price, a floor price and an expected value for each lead.

Money is exact: ``Decimal`` everywhere, never float, rounded ROUND_HALF_UP to the cent at each step
listed on ``quote``. The price book arrives as parsed data (``data/pricebook.yaml``, loaded by
``flows``); this module reads no file.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

from scoring.editable import Editable
from scoring.grades import GRADES

__all__ = ["GRADES", "QUOTE_COLUMNS", "PriceBook", "Plan", "Quote", "SeatSizing", "SeatTier",
           "quote", "quote_leads", "seats_for"]

CENT = Decimal("0.01")
MONTHS = 12  # the quoted contract is one year
PROBABILITY_PLACES = 4  # win probabilities are kept to 0.01 % (0.4217 = 42.17 %)
_PERCENT = re.compile(r"\s*(\d+(?:\.\d{1,2})?)\s*%\s*")  # "12.5%": rates keep 4 decimals


@dataclass(frozen=True)
class Plan:
    name: str
    per_seat_monthly: Decimal  # per seat per month, before discount
    min_seats: int
    max_seats: int | None  # None: no upper limit


@dataclass(frozen=True)
class SeatTier:
    min_seats: int
    max_seats: int | None
    discount: Decimal  # rate: Decimal("0.05") is 5 %


@dataclass(frozen=True)
class SeatSizing:
    seats_per_employee: Decimal
    min_seats: int
    max_seats: int
    default_seats: int  # when the employee count is unknown


@dataclass(frozen=True)
class PriceBook:
    """Prices and discount rules. Rates are Decimal fractions: ``Decimal("0.10")`` is 10 %.

    Build it with ``from_file``, which validates everything; the constructor trusts its inputs.
    """

    currency: str
    plans: tuple[Plan, ...]  # by seats: the first from 1 seat, the last unlimited, no overlap/gap
    seat_sizing: SeatSizing
    seat_tiers: tuple[SeatTier, ...]  # same rules as plans
    annual_prepay_discount: Decimal
    max_discount_by_grade: Mapping[str, Decimal]

    @classmethod
    def from_file(cls, editable: Editable, grades: Sequence[str] = GRADES) -> PriceBook:
        """Validate a parsed price book; raise ``editable.error(field, problem)`` on a bad field.

        Money is a quoted decimal ("29.00": above 0, at most 2 decimals); percentages are quoted
        with a % sign ("5%", "12.5%": 0 to 100, at most 2 decimals); seat counts are whole
        numbers of at least 1; every section and setting is required and no other is accepted.
        """
        c = _Check(editable)
        root = c.mapping("", editable.data, _names(cls))
        currency = root["currency"]
        if not (isinstance(currency, str) and re.fullmatch("[A-Z]{3}", currency)):
            raise c.fail("currency", "must be a three-letter currency code like EUR", currency)
        plans = tuple(
            Plan(c.name(f"{f}.name", p["name"]),
                 c.number(f"{f}.per_seat_monthly", p["per_seat_monthly"], "29.00", places=2),
                 *c.seat_range(f, p))
            for f, p in c.entries("plans", root["plans"], _names(Plan))
        )
        for i, plan in enumerate(plans):
            if plan.name in (p.name for p in plans[:i]):
                raise c.fail(f"plans[{i}].name", "is already the name of another plan", plan.name)
        c.no_overlap_no_gap("plans", plans)
        sz = c.mapping("seat_sizing", root["seat_sizing"], _names(SeatSizing))
        sizing = SeatSizing(
            c.number("seat_sizing.seats_per_employee", sz["seats_per_employee"], "0.05"),
            *(c.count(f"seat_sizing.{k}", sz[k]) for k in _names(SeatSizing)[1:]),
        )
        if sizing.max_seats < sizing.min_seats:
            raise c.fail("seat_sizing.max_seats", "must be at least min_seats", sizing.max_seats)
        if not sizing.min_seats <= sizing.default_seats <= sizing.max_seats:
            raise c.fail("seat_sizing.default_seats", f"must be between min_seats "
                         f"({sizing.min_seats}) and max_seats ({sizing.max_seats})",
                         sizing.default_seats)
        tiers = tuple(
            SeatTier(*c.seat_range(f, t), c.percent(f"{f}.discount", t["discount"]))
            for f, t in c.entries("seat_tiers", root["seat_tiers"], _names(SeatTier))
        )
        c.no_overlap_no_gap("seat_tiers", tiers)
        prepay = c.percent("annual_prepay_discount", root["annual_prepay_discount"])
        caps = c.mapping("max_discount_by_grade", root["max_discount_by_grade"], grades)
        return cls(currency, plans, sizing, tiers, prepay,
                   {g: c.percent(f"max_discount_by_grade.{g}", caps[g]) for g in grades})


@dataclass(frozen=True)
class Quote:
    """The suggested annual contract for one lead. Amounts in ``currency``, rates as fractions."""

    plan: str
    seats: int
    currency: str
    unit_price_monthly: Decimal  # per seat per month, from the plan
    list_price: Decimal  # annual: unit x 12 x seats
    volume_discount: Decimal  # rate from seat_tiers
    prepay_discount: Decimal  # rate
    suggested_discount: Decimal  # rate = min(volume + prepay, grade cap)
    discount_amount: Decimal  # list x suggested, to the cent
    acv: Decimal  # annual contract value = list - discount_amount
    floor_price: Decimal  # list - round(list x grade cap): the lowest acceptable annual price
    expected_value: Decimal  # round(win_probability x acv), to the cent


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


def quote(book: PriceBook, employees: int | None, grade: str, win_probability: Decimal) -> Quote:
    """Price one lead. Each amount is rounded half-up to the cent where it is computed.

    Steps: seats (``seats_for``) -> the plan covering them -> list = unit x 12 x seats ->
    suggested rate = min(volume tier rate + prepay rate, grade cap) -> discount = list x rate ->
    ACV = list - discount -> floor = list - list x cap -> expected value = probability x ACV.

    Args:
        book: The price book.
        employees: Head count, or None when unknown.
        grade: The lead's grade, a key of ``book.max_discount_by_grade``.
        win_probability: A Decimal between 0 and 1 (floats are refused: they are inexact).

    Raises:
        ValueError: Unknown grade, probability outside [0, 1], negative head count.
        TypeError: ``win_probability`` is not a Decimal, or ``employees`` not a whole number.

    Example: 120 employees, grade B, 42 % chance of winning, one plan at 29.00 a seat a month.

    >>> book = PriceBook(
    ...     currency="EUR",
    ...     plans=(Plan("Starter", Decimal("29.00"), 1, None),),
    ...     seat_sizing=SeatSizing(Decimal("0.05"), min_seats=3, max_seats=500, default_seats=5),
    ...     seat_tiers=(SeatTier(1, None, discount=Decimal("0")),),
    ...     annual_prepay_discount=Decimal("0.10"),
    ...     max_discount_by_grade={"B": Decimal("0.15")},
    ... )
    >>> q = quote(book, employees=120, grade="B", win_probability=Decimal("0.42"))
    >>> q.seats, q.plan, q.list_price  # ceil(120 x 0.05) = 6 seats; 29.00 x 12 x 6
    (6, 'Starter', Decimal('2088.00'))
    >>> q.suggested_discount, q.discount_amount, q.acv  # 0 % + 10 % (under the 15 % cap)
    (Decimal('0.10'), Decimal('208.80'), Decimal('1879.20'))
    >>> q.floor_price  # 2088.00 - 2088.00 x 15 % = 2088.00 - 313.20
    Decimal('1774.80')
    >>> q.expected_value  # 0.42 x 1879.20 = 789.264, rounded half-up to the cent
    Decimal('789.26')
    """
    if grade not in book.max_discount_by_grade:
        raise ValueError(f"grade must be one of {', '.join(book.max_discount_by_grade)}, "
                         f"got {grade!r}")
    if not isinstance(win_probability, Decimal):
        raise TypeError(f"win_probability must be a Decimal, got {type(win_probability).__name__}")
    if not (win_probability.is_finite() and 0 <= win_probability <= 1):
        raise ValueError(f"win_probability must be between 0 and 1, got {win_probability}")
    seats = seats_for(book, employees)
    plan = _covering(book.plans, seats, "plan")
    volume = _covering(book.seat_tiers, seats, "seat tier").discount
    cap = book.max_discount_by_grade[grade]
    list_price = _cents(plan.per_seat_monthly * MONTHS * seats)
    suggested = min(volume + book.annual_prepay_discount, cap)
    discount_amount = _cents(list_price * suggested)
    acv = list_price - discount_amount
    return Quote(
        plan=plan.name, seats=seats, currency=book.currency,
        unit_price_monthly=plan.per_seat_monthly, list_price=list_price,
        volume_discount=volume, prepay_discount=book.annual_prepay_discount,
        suggested_discount=suggested, discount_amount=discount_amount, acv=acv,
        floor_price=list_price - _cents(list_price * cap),
        expected_value=_cents(win_probability * acv),
    )


def quote_leads(leads: pd.DataFrame, book: PriceBook) -> pd.DataFrame:
    """Quote every lead: ``lead_id`` plus every ``Quote`` field, one row per lead, same index.

    Args:
        leads: Columns ``lead_id``, ``employees`` (nullable Int64, or float with NaN for unknown),
            ``grade`` and ``win_probability`` (float 0-1, kept to 4 decimals, i.e. 0.01 %, via
            ``Decimal(str(round(p, 4)))``).
        book: The price book.

    Returns:
        Money and rate columns hold ``Decimal`` objects (object dtype), never floats.

    Raises:
        ValueError: A column is missing, or a lead cannot be priced (its lead_id is named).
    """
    missing = [c for c in ("lead_id", "employees", "grade", "win_probability") if c not in leads]
    if missing:
        raise ValueError(f"leads lack the column(s) {', '.join(missing)}")
    rows = []
    for lead_id, employees, grade, p in zip(leads["lead_id"], leads["employees"], leads["grade"],
                                            leads["win_probability"], strict=True):
        try:
            q = quote(book, _head_count(employees), grade, _probability(p))
        except (ValueError, TypeError) as err:
            raise ValueError(f"lead {lead_id}: {err}") from err
        rows.append((lead_id, *(getattr(q, name) for name in QUOTE_COLUMNS[1:])))
    return pd.DataFrame(rows, columns=list(QUOTE_COLUMNS), index=leads.index)


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


def _probability(p: Any) -> Decimal:
    if pd.isna(p):
        raise ValueError("win_probability is missing")
    return Decimal(str(round(float(p), PROBABILITY_PLACES)))


class _Check:
    """Validators for ``PriceBook.from_file``: a clean value, or a located error is raised."""

    def __init__(self, editable: Editable) -> None:
        self.src = editable

    def fail(self, field: str, problem: str, value: Any) -> Exception:
        shown = "nothing" if value is None else repr(value)
        return self.src.error(field, f"{problem}, got {shown}")

    def mapping(self, field: str, value: Any, keys: Sequence[str]) -> dict[str, Any]:
        """A group of ``name: value`` settings with exactly ``keys``."""
        if not isinstance(value, dict):
            raise self.fail(field or "-", "must be a group of `name: value` settings", value)
        for key in value:
            if key not in keys:
                raise self.src.error(f"{field}.{key}".lstrip("."), "is not a known setting here "
                                     f"(expected one of: {', '.join(keys)}); check the spelling")
        for key in keys:
            if key not in value:
                raise self.src.error(f"{field}.{key}".lstrip("."), "is missing")
        return value

    def entries(self, field: str, value: Any, keys: Sequence[str]) -> list[tuple[str, dict]]:
        """A non-empty list of groups, as (field path, group) pairs."""
        if not isinstance(value, list) or not value:
            raise self.fail(field, "must be a list of entries, each starting with '- '", value)
        return [(f"{field}[{i}]", self.mapping(f"{field}[{i}]", v, keys))
                for i, v in enumerate(value)]

    def name(self, field: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be a name in words", value)
        return value.strip()

    def count(self, field: str, value: Any, nullable: bool = False) -> Any:
        if nullable and value is None:
            return None
        if type(value) is not int or value < 1:  # bool is an int: refuse `yes`
            problem = "must be a whole number of seats, 1 or more"
            raise self.fail(field, problem + (", or null for no limit" if nullable else ""), value)
        return value

    def seat_range(self, field: str, entry: dict[str, Any]) -> tuple[int, int | None]:
        low = self.count(f"{field}.min_seats", entry["min_seats"])
        high = self.count(f"{field}.max_seats", entry["max_seats"], nullable=True)
        if high is not None and high < low:
            raise self.fail(f"{field}.max_seats", f"must be at least min_seats ({low})", high)
        return low, high

    def no_overlap_no_gap(self, field: str, items: Sequence[Plan | SeatTier]) -> None:
        """From 1 seat to no limit, in order: each range starts right after the one before."""
        if items[0].min_seats != 1:
            raise self.fail(f"{field}[0].min_seats", "must be 1 (the first range starts at 1 "
                            "seat)", items[0].min_seats)
        for i in range(1, len(items)):
            prev, low = items[i - 1], items[i].min_seats
            if prev.max_seats is None or low <= prev.max_seats:
                upto = "no limit" if prev.max_seats is None else prev.max_seats
                raise self.fail(f"{field}[{i}].min_seats", f"overlaps {field}[{i - 1}] (seats "
                                f"{prev.min_seats} to {upto}); list ranges from the smallest to "
                                "the largest, without overlap", low)
            if low > prev.max_seats + 1:
                raise self.fail(f"{field}[{i}].min_seats", f"leaves seats {prev.max_seats + 1} "
                                f"to {low - 1} uncovered; it should be {prev.max_seats + 1}", low)
        if items[-1].max_seats is not None:
            raise self.fail(f"{field}[{len(items) - 1}].max_seats", "must be null (no limit) in "
                            "the last range, so that every seat count is covered",
                            items[-1].max_seats)

    def number(self, field: str, value: Any, example: str, places: int | None = None) -> Decimal:
        """A quoted decimal above 0 (quotes keep it exact), with at most ``places`` decimals."""
        problem = f"must be a decimal {'amount' if places else 'number'} like {example}"
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise self.fail(field, f'{problem}, written in quotes ("{example}")', value)
        try:
            number = Decimal(value.strip()) if isinstance(value, str) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            hint = " (use a dot for decimals, not a comma)" if "," in str(value) else ""
            raise self.fail(field, problem + hint, value)
        if number <= 0:
            raise self.fail(field, "must be more than 0", value)
        if places is not None and number.as_tuple().exponent < -places:
            raise self.fail(field, f"must have at most {places} decimals", value)
        return number if places is None else number.quantize(Decimal(1).scaleb(-places))

    def percent(self, field: str, value: Any) -> Decimal:
        match = _PERCENT.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise self.fail(field, 'must be a percentage in quotes like "5%" or "12.5%"', value)
        rate = Decimal(match.group(1)) / 100
        if rate > 1:
            raise self.fail(field, "must be between 0% and 100%", value)
        return rate


def _names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]
