"""Why a row is not imported: every reject reason, worded once for both intake doors.

`leadpilot import` and the daily intake put these texts in the rejects file. The SQL that
checks rows (flows/intake/sql/import/validate.sql) receives them as bound parameters, with
`{field}` and `{value}` filled in by the `lp_why` macro; Python fills them with `reason`.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    # the reader: a record that does not split into the header's fields
    "fewer_fields": "has fewer fields than the header",
    "more_fields": "has more fields than the header",
    "field_count": "has {value} fields where the header has {field}",
    "unclosed": "has a quote that is never closed",
    "quote_text": "has a quote that is never closed or text after a closing quote",
    "too_long_line": "is longer than 64 MB",
    "not_text": "is not valid text",
    # the values of a row
    "no_key": "required field missing: the row has neither an id nor an email",
    "required": "{field} is required",
    "bad_email": "bad email: {value}",
    "not_date": "{field} is not a date: {value}",
    "not_number": "{field} is not a number: {value}",
    "negative": "{field} is negative: {value}",
    "not_people": "{field} is not a whole number of people: {value}",
    "too_large": "{field} is too large: {value}",
    "not_year": "{field} is not a year: {value}",
    "too_long": "a field is longer than {value} characters",
    "before_1900": "a date is before 1900",
    "choice": "{field} must be one of {value}",
}


def reason(key: str, field: str = "", value: object = "") -> str:
    """The reject text `key` names, for one field and value.

    Examples:
        >>> reason("bad_email", "email", "bob@@acme.fr")
        'bad email: bob@@acme.fr'
        >>> reason("field_count", 11, 3)
        'has 3 fields where the header has 11'
    """
    return REASONS[key].replace("{field}", str(field)).replace("{value}", str(value))


def reason_params() -> dict[str, str]:
    """The reasons as SQL parameters: `$why_<key>`."""
    return {f"why_{key}": text for key, text in REASONS.items()}
