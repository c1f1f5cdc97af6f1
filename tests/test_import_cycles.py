"""The modules of journal/ import one another in one direction: no import cycle, counting every import a
module makes (at its top, inside functions, and the type-only ones under TYPE_CHECKING), as read from the
source with `ast`. And the seam holds: only app.py imports the main window; features receive it as a Shell.

`python -m tests.test_import_cycles [FOLDER]` prints the cycles of a checkout's journal/ (for a figure).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import journal

PACKAGE = Path(journal.__file__).resolve().parent
MAIN_WINDOW = "journal.ui.shell.main_window"


def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package, by its dotted name (a package by the name of its __init__)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imported(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of `known` that `module` imports anywhere in `source`, and the packages they sit in."""
    found: set[str] = set()
    here = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]  # `import journal.store.models as m`, a name in a module
            while target:
                found.add(target)  # importing a module runs its packages' __init__ first
                target = target.rpartition(".")[0]
    found.discard(module)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    modules = module_names(package)
    known = set(modules)
    return {
        name: imported(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", known)
        for name, path in modules.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, round and round (Tarjan's strongly connected
    components with more than one module), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found, key=lambda group: (-len(group), group))


def importers_of(graph: Mapping[str, set[str]], module: str) -> Iterator[str]:
    return (name for name, targets in sorted(graph.items()) if module in targets)


# ---------------------------------------------------------------- the package


def test_no_module_of_journal_is_in_an_import_cycle() -> None:
    found = cycles(import_graph(PACKAGE))
    assert found == [], "import cycles:\n" + "\n".join(" <-> ".join(group) for group in found)


def test_only_the_composition_root_imports_the_main_window() -> None:
    graph = import_graph(PACKAGE)
    assert MAIN_WINDOW in graph
    assert list(importers_of(graph, MAIN_WINDOW)) == ["journal.app"]


def test_the_whole_package_is_read() -> None:
    graph = import_graph(PACKAGE)
    assert {"journal.app", "journal.cli.main", "journal.store.models", "journal.ui.shell.seam"} <= set(graph)
    assert "journal.store.models" in graph["journal.store.stories"]


# ---------------------------------------------------------------- the reader and the cycle finder


def test_every_kind_of_import_is_read() -> None:
    known = {"journal", "journal.a", "journal.b", "journal.c", "journal.d", "journal.pkg", "journal.pkg.e"}
    source = """
from __future__ import annotations
from typing import TYPE_CHECKING
import journal.a
from journal import b
if TYPE_CHECKING:
    from journal.c import Thing
def later():
    from .pkg.e import helper
    import os
"""
    assert imported(source, "journal.d", False, known) == {
        "journal",
        "journal.a",
        "journal.b",
        "journal.c",
        "journal.pkg",
        "journal.pkg.e",
    }


def test_a_cycle_is_found_however_long() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"f"}, "f": {"e"}}
    assert cycles(graph) == [["a", "b", "c"], ["e", "f"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


if __name__ == "__main__":
    folder = Path(sys.argv[1]).resolve() / "journal" if len(sys.argv) > 1 else PACKAGE
    for group in cycles(import_graph(folder)):
        print(f"{len(group)} modules: " + " <-> ".join(group))
