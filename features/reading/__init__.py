"""Pure: a file's bytes or text in, its format, records, values, mapping and reject reasons out."""

from features.reading.errors import ReadError
from features.reading.mapping import FIELDS, Mapping, Resolved
from features.reading.reasons import REASONS, reason, reason_params
from features.reading.records import split_records
from features.reading.values import (
    CsvFormat,
    date_formats,
    install_macros,
    parse_dates,
    parse_decimals,
    parse_numbers,
)

__all__ = [
    "FIELDS", "REASONS", "CsvFormat", "Mapping", "ReadError", "Resolved", "date_formats",
    "install_macros", "parse_dates", "parse_decimals", "parse_numbers", "reason",
    "reason_params", "split_records",
]
