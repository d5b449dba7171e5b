"""Pure: the text of a file in, its format, records, values and reject reasons out; no paths."""

from features.reading.errors import ReadError
from features.reading.reasons import REASONS, reason, reason_params

__all__ = ["REASONS", "ReadError", "reason", "reason_params"]
