"""Load the YAML files that sales ops edit (price book, playbook, grades) with precise errors.

A mistake in one of these files must end in ONE sentence naming the file, the line and the field,
e.g. ``data/pricebook.yaml, line 12, field plans[1].per_seat_monthly: must be ...``. To know the
line of every field, the file is composed into a PyYAML node tree (SafeLoader: no arbitrary
Python objects) and walked once; the plain data is then constructed from the same tree.

`EditableFile` is the `scoring.editable.Editable` that the validators in scoring/ receive.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from flows.errors import LeadpilotError

__all__ = ["ConfigError", "EditableFile", "load_yaml"]

# libyaml's safe loader when PyYAML was built with it (10-20x faster on playbook.yaml and
# reasons.yaml, read several times per run): the same node tree, marks and data as SafeLoader.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NO_FIELD = "-"  # the field of an error that concerns the whole file (missing, unreadable, syntax)


class ConfigError(LeadpilotError):
    """A mistake in an editable file, told in one sentence: file, line, field, problem.

    ``line`` is 1-based, or None when no line applies (missing file, missing top-level field);
    ``field`` is a path such as ``plans[1].per_seat_monthly``, or ``"-"`` for the whole file.
    The line and the ``-`` field are left out of the sentence when they say nothing.
    """

    def __init__(self, file: str, line: int | None, field: str, problem: str) -> None:
        super().__init__(file, line, field, problem)  # keeps the error picklable
        self.file, self.line, self.field, self.problem = file, line, field, problem

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field != NO_FIELD:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.problem}"


@dataclass(frozen=True)
class EditableFile:
    """A parsed editable file, with the line of each field to point errors at.

    Attributes:
        path: How the file is named in errors (e.g. ``data/pricebook.yaml``).
        data: The parsed YAML: dicts, lists and scalars.
        lines: Field path (``plans[1].per_seat_monthly``, ``max_discount_by_grade.A``) to its
            1-based line: the line of the key for a mapping entry, of the item for a list item.
    """

    path: str
    data: Any
    lines: dict[str, int]

    def line_of(self, field: str) -> int | None:
        """The line of ``field``, else of its nearest parent that is in the file, else None."""
        while field:
            if field in self.lines:
                return self.lines[field]
            field = field[: max(field.rfind("."), field.rfind("["), 0)]
        return None

    def error(self, field: str, problem: str) -> ConfigError:
        """Build (not raise) the error for ``field``, located at its line or its parent's.

        A field missing from the file is reported at the line of the section that should hold it.
        """
        return ConfigError(self.path, self.line_of(field), field, problem)


def load_yaml(path: Path, label: str | None = None) -> EditableFile:
    """Read and parse one editable YAML file.

    Args:
        path: The file on disk.
        label: How to name the file in errors; defaults to ``str(path)``.

    Returns:
        The parsed file with the line of every field.

    Raises:
        ConfigError: The file is missing, unreadable, not UTF-8, not valid YAML, or repeats a key.
    """
    label = str(path) if label is None else label
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(label, None, NO_FIELD, "file not found") from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            label, None, NO_FIELD, f"is not UTF-8 text (bad byte at position {err.start})"
        ) from None
    except OSError as err:
        raise ConfigError(label, None, NO_FIELD, f"cannot be read ({err.strerror})") from None

    try:
        node, data = _compose_and_construct(text, _FAST_LOADER)
    except yaml.YAMLError:
        try:  # a mistake: the pure-Python loader's messages say more ("indent with spaces")
            node, data = _compose_and_construct(text, yaml.SafeLoader)
        except yaml.YAMLError as err:
            raise _syntax_error(err, text, label) from None
    lines: dict[str, int] = {}
    if node is not None:
        _walk(node, "", lines, label, frozenset())
    return EditableFile(path=label, data=data, lines=lines)


def _compose_and_construct(text: str, loader_class: type) -> tuple[yaml.Node | None, Any]:
    """``yaml.compose(text, SafeLoader)``, then the data built from that same node tree."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()  # what yaml.compose does
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _walk(node: yaml.Node, path: str, lines: dict[str, int], label: str, seen: frozenset) -> None:
    """Record the line of every field under ``node``; refuse a key given twice in one mapping."""
    if id(node) in seen:  # a recursive alias (&a [*a]): its fields are already recorded
        return
    seen = seen | {id(node)}
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            field = f"{path}.{name}" if path else name
            line = key.start_mark.line + 1
            if name in first_line:
                raise ConfigError(
                    label, line, field,
                    f"is given twice (first on line {first_line[name]}); keep only one",
                )
            first_line[name] = lines[field] = line
            _walk(value, field, lines, label, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            field = f"{path}[{index}]"
            lines[field] = item.start_mark.line + 1
            _walk(item, field, lines, label, seen)


def _syntax_error(err: yaml.YAMLError, text: str, label: str) -> ConfigError:
    """Turn a PyYAML error into a ConfigError at the line where the mistake most likely is."""
    if isinstance(err, yaml.reader.ReaderError):  # a control character: no mark, a position
        line = text.count("\n", 0, err.position) + 1
        problem = f"contains a special character (#x{err.character:04x}) that YAML refuses"
        return ConfigError(label, line, NO_FIELD, problem)
    if not isinstance(err, yaml.MarkedYAMLError) or err.problem_mark is None:
        return ConfigError(label, None, NO_FIELD, f"is not valid YAML ({err})")
    problem_line = err.problem_mark.line + 1
    context_line = err.context_mark.line + 1 if err.context_mark is not None else None
    # A scanner error ("could not find expected ':'", an unclosed quote) is reported where the
    # scanner gave up, often the next line; the token it was scanning started at the context mark.
    line = problem_line
    if isinstance(err, yaml.scanner.ScannerError) and context_line is not None:
        line = context_line
    problem = f"invalid YAML syntax: {err.problem}"
    if err.context and context_line is not None and context_line != line:
        problem += f" ({err.context} that starts on line {context_line})"
    problem += next((hint for clue, hint in _HINTS.items() if clue in str(err.problem)), "")
    return ConfigError(label, line, NO_FIELD, problem)


_HINTS = {  # what a non-programmer most likely did, keyed by a clue in PyYAML's message
    "'\\t'": "; indent with spaces, not tabs",
    "<block end>": "; check the indentation of this line and the one above",
    "expected ':'": "; each setting is written as `name: value`",
    "mapping values are not allowed": "; put text that contains ': ' in quotes",
    "end of stream": "; a quote may be missing its closing mark",
    "constructor for the tag": "; remove the tag that starts with '!'",
}


def parse_toml(text: str, label: str) -> dict[str, Any]:
    """Parse TOML text that sales ops edited; a syntax error names the file and its line.

    Raises:
        ConfigError: "<label>, line N: is not valid TOML (<what the parser says>)".
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(label, int(line.group(1)) if line else None, NO_FIELD,
                          f"is not valid TOML ({str(exc).split(' (at')[0]})") from None
