"""The shape of the house: flows/ by capability, pure packages that never import the edges, and
no import cycle (sizes: test_code_size.py). Read from the source, not imported."""

from __future__ import annotations

import ast
from pathlib import Path

from support import REPO

PACKAGES = ("flows", "features", "scoring")
TOP_LEVEL = {"__init__", "settings", "errors", "store", "editable_files", "clock"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, name: str) -> set[str]:
    """Modules of ours that `path` imports when it is imported (module level, not in functions
    or `if TYPE_CHECKING:` blocks)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in PACKAGES}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {m for m in _imports(path, name) if m in modules and m != name}
            for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_module_imports_itself_back_through_others():
    assert _cycle(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_the_pure_packages_never_import_the_edges():
    pointing_up = sorted(f"{name} -> {m}" for name, deps in _graph().items()
                         if not name.startswith("flows") for m in deps if m.startswith("flows"))
    assert pointing_up == []


def test_flows_keeps_only_the_shared_edges_at_the_top():
    loose = sorted(p.stem for p in (REPO / "flows").glob("*.py"))
    assert set(loose) <= TOP_LEVEL, sorted(set(loose) - TOP_LEVEL)
    for package in (p for p in (REPO / "flows").iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{package.name}/__init__.py says what the sub-package owns"
