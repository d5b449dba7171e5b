"""The price book as checked data: plans priced per currency, seat sizing and tiers, discounts,
the negotiation band's settings and the multi-year terms.

Pure: ``PriceBook.from_file`` receives the parsed ``data/pricebook.yaml`` as an ``Editable``
(loaded by ``flows``) and raises ``editable.error(field, problem)``: one sentence naming the
file, the line and the field. Rates are Decimal fractions: ``Decimal("0.10")`` is 10 %.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from features.countries import country_code
from scoring.editable import Editable
from scoring.grades import GRADES

__all__ = ["PriceBook", "Plan", "SeatSizing", "SeatTier", "Term"]

_PERCENT = re.compile(r"\s*(\d+(?:\.\d{1,2})?)\s*%\s*")  # "12.5%": rates keep 4 decimals
_CURRENCY = re.compile("[A-Z]{3}")
_COUNTRY = re.compile("[A-Z]{2}")


@dataclass(frozen=True)
class Plan:
    name: str
    per_seat_monthly: Mapping[str, Decimal]  # currency -> price of a seat a month, before discount
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
class Term:
    """A multi-year commitment: its discount comes off every price of the one-year band."""

    years: int
    discount: Decimal


@dataclass(frozen=True)
class PriceBook:
    """Prices and discount rules; build it with ``from_file``, which validates everything.

    ``currency`` is the reference currency: expected values are in it (so leads of every
    country rank on one scale, without an exchange rate), and so are the quotes of countries
    that ``currencies`` does not list.
    """

    currency: str
    currencies: Mapping[str, tuple[str, ...]]  # currency -> the countries quoted in it
    plans: tuple[Plan, ...]  # by seats: the first from 1 seat, the last unlimited, no overlap/gap
    seat_sizing: SeatSizing
    seat_tiers: tuple[SeatTier, ...]  # same rules as plans
    annual_prepay_discount: Decimal
    max_discount_by_grade: Mapping[str, Decimal]  # the walk-away discount of each grade
    negotiation_room: Decimal  # the suggested discount stays this far under the grade's cap
    approval_above: Decimal  # a discount above this needs a manager's approval
    multi_year_terms: tuple[Term, ...]

    def currency_for(self, country: object) -> str:
        """The currency a lead of ``country`` is quoted in (the reference one when unlisted).

        >>> book = PriceBook("EUR", {"EUR": ("FR",), "GBP": ("GB",)}, (), None, (), Decimal(0),
        ...                  {}, Decimal(0), Decimal(0), ())
        >>> book.currency_for("GB"), book.currency_for("United Kingdom"), book.currency_for(None)
        ('GBP', 'GBP', 'EUR')
        """
        code = country_code(country) if isinstance(country, str) else None
        for currency, countries in self.currencies.items():
            if code in countries:
                return currency
        return self.currency

    @classmethod
    def from_file(cls, editable: Editable, grades: Sequence[str] = GRADES) -> PriceBook:
        """Validate a parsed price book; raise ``editable.error(field, problem)`` on a bad field.

        Money is a quoted decimal ("29.00": above 0, at most 2 decimals), written once per
        currency; percentages are quoted with a % sign ("5%", "12.5%": 0 to 100, at most 2
        decimals); seat counts and years are whole numbers; every section and setting is
        required and no other is accepted.
        """
        c = _Check(editable)
        root = c.mapping("", editable.data, _names(cls))
        currency = c.currency("currency", root["currency"])
        currencies = c.currencies(root["currencies"], currency)
        plans = tuple(
            Plan(c.name(f"{f}.name", p["name"]),
                 c.prices(f"{f}.per_seat_monthly", p["per_seat_monthly"], tuple(currencies)),
                 *c.seat_range(f, p))
            for f, p in c.entries("plans", root["plans"], _names(Plan))
        )
        for i, plan in enumerate(plans):
            if plan.name in (p.name for p in plans[:i]):
                raise c.fail(f"plans[{i}].name", "is already the name of another plan", plan.name)
        c.no_overlap_no_gap("plans", plans)
        tiers = tuple(
            SeatTier(*c.seat_range(f, t), c.percent(f"{f}.discount", t["discount"]))
            for f, t in c.entries("seat_tiers", root["seat_tiers"], _names(SeatTier))
        )
        c.no_overlap_no_gap("seat_tiers", tiers)
        caps = c.mapping("max_discount_by_grade", root["max_discount_by_grade"], grades)
        return cls(
            currency, currencies, plans, c.sizing(root["seat_sizing"]), tiers,
            c.percent("annual_prepay_discount", root["annual_prepay_discount"]),
            {g: c.percent(f"max_discount_by_grade.{g}", caps[g]) for g in grades},
            c.percent("negotiation_room", root["negotiation_room"]),
            c.percent("approval_above", root["approval_above"]),
            c.terms(root["multi_year_terms"]),
        )


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

    def entries(self, field: str, value: Any, keys: Sequence[str],
                empty: bool = False) -> list[tuple[str, dict]]:
        """A list of groups (non-empty unless ``empty``), as (field path, group) pairs."""
        if not isinstance(value, list) or not (value or empty):
            raise self.fail(field, "must be a list of entries, each starting with '- '", value)
        return [(f"{field}[{i}]", self.mapping(f"{field}[{i}]", v, keys))
                for i, v in enumerate(value)]

    def name(self, field: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be a name in words", value)
        return value.strip()

    def currency(self, field: str, value: Any) -> str:
        if not (isinstance(value, str) and _CURRENCY.fullmatch(value)):
            raise self.fail(field, "must be a three-letter currency code like EUR", value)
        return value

    def currencies(self, value: Any, reference: str) -> dict[str, tuple[str, ...]]:
        """``currency: [country, ...]``: each country in one currency; the reference listed."""
        if not isinstance(value, dict) or not value:
            raise self.fail("currencies", "must list each currency with its countries, like "
                            "`GBP: [GB]`", value)
        seen: dict[str, str] = {}
        for key, countries in value.items():
            field = f"currencies.{key}"
            self.currency(field, key)
            if not isinstance(countries, list):
                raise self.fail(field, "must be a list of country codes in brackets, like "
                                "[FR, BE]", countries)
            for country in countries:
                if country is False:  # YAML reads a bare NO (Norway) as false
                    raise self.fail(field, "holds a country YAML read as yes/no: write it in "
                                    'quotes, like "NO"', country)
                if not (isinstance(country, str) and _COUNTRY.fullmatch(country)):
                    raise self.fail(field, "must hold two-letter country codes like FR", country)
                if country in seen:
                    raise self.fail(field, f"repeats {country}, already quoted in "
                                    f"{seen[country]}; a country has one currency", country)
                seen[country] = key
        if reference not in value:
            raise self.fail("currencies", f"must list the reference currency {reference} "
                            "(currency, above), even with no country: `EUR: []`", sorted(value))
        return {key: tuple(countries) for key, countries in value.items()}

    def prices(self, field: str, value: Any, currencies: tuple[str, ...]) -> dict[str, Decimal]:
        """One price per currency of ``currencies``: never converted with an exchange rate."""
        if not isinstance(value, dict):
            raise self.fail(field, f"must give a price per currency ({', '.join(currencies)}), "
                            'like `EUR: "29.00"`', value)
        prices = self.mapping(field, value, currencies)
        return {cur: self.number(f"{field}.{cur}", prices[cur], "29.00", places=2)
                for cur in currencies}

    def count(self, field: str, value: Any, nullable: bool = False) -> Any:
        if nullable and value is None:
            return None
        if type(value) is not int or value < 1:  # bool is an int: refuse `yes`
            problem = "must be a whole number of seats, 1 or more"
            raise self.fail(field, problem + (", or null for no limit" if nullable else ""), value)
        return value

    def sizing(self, value: Any) -> SeatSizing:
        sz = self.mapping("seat_sizing", value, _names(SeatSizing))
        sizing = SeatSizing(
            self.number("seat_sizing.seats_per_employee", sz["seats_per_employee"], "0.05"),
            *(self.count(f"seat_sizing.{k}", sz[k]) for k in _names(SeatSizing)[1:]),
        )
        if sizing.max_seats < sizing.min_seats:
            raise self.fail("seat_sizing.max_seats", "must be at least min_seats",
                            sizing.max_seats)
        if not sizing.min_seats <= sizing.default_seats <= sizing.max_seats:
            raise self.fail("seat_sizing.default_seats", f"must be between min_seats "
                            f"({sizing.min_seats}) and max_seats ({sizing.max_seats})",
                            sizing.default_seats)
        return sizing

    def terms(self, value: Any) -> tuple[Term, ...]:
        """Multi-year terms, 2 years or more, from the shortest, each under 100 %; may be []."""
        terms: list[Term] = []
        for f, entry in self.entries("multi_year_terms", value, _names(Term), empty=True):
            years = entry["years"]
            if type(years) is not int or years < 2:
                raise self.fail(f"{f}.years", "must be a whole number of years, 2 or more (the "
                                "one-year price is the sheet's own)", years)
            if terms and years <= terms[-1].years:
                raise self.fail(f"{f}.years", f"must be more than the term above "
                                f"({terms[-1].years} years); list terms from the shortest", years)
            discount = self.percent(f"{f}.discount", entry["discount"])
            if discount >= 1:
                raise self.fail(f"{f}.discount", "must be under 100%", entry["discount"])
            terms.append(Term(years, discount))
        return tuple(terms)

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
