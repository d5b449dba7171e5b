"""What a validator of an edited file needs (pure: a protocol, no file is read here).

The files sales ops edit (grades, rules, price book, reps and territories) are validated by
`from_file` class methods in scoring/; each receives an `Editable`. flows/editable_files.py's
`EditableFile` implements it, and tests pass any object with `data` and `error`.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["Editable"]


@runtime_checkable
class Editable(Protocol):
    """The parsed file (`data`: dicts, lists, scalars) and a way to point at a bad field.

    `error(field, problem)` builds (does not raise) the exception to raise, located at the
    field's line, e.g. `error("plans[1].per_seat_monthly", "must be a positive amount")`.
    """

    @property
    def data(self) -> Any: ...

    def error(self, field: str, problem: str) -> Exception: ...
