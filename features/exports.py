"""A package's public names loaded on first use (PEP 562), for features/ and scoring/: importing
the package stays cheap, and a name pays for its module's imports only when it is used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str],
                 namespace: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list]]:
    """The `__getattr__` and `__dir__` of `package`, whose public names live in submodules.

    Args:
        package: The package's `__name__`.
        homes: Public name -> the submodule that defines it (e.g. "grade" -> "grades").
        namespace: The package's `globals()`: a loaded name is kept there, so the next use is a
            plain attribute read.

    Example:
        >>> getattr_, dir_ = lazy_exports("json", {"JSONDecodeError": "decoder"}, {})
        >>> getattr_("JSONDecodeError").__name__
        'JSONDecodeError'
    """

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{homes[name]}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
