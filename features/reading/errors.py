"""The one error reading raises: a file's text cannot be read, said in one sentence."""

from __future__ import annotations


class ReadError(ValueError):
    """Text that is not a readable table (binary data, no header…), in one sentence."""
