"""The package's layering, read from the source: no import cycles, and neither Flyte target imports the other."""

from __future__ import annotations

import ast
import os

from support import ROOT

PACKAGE = os.path.join(ROOT, "lpctl")


def _modules() -> dict[str, str]:
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                module = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".").removesuffix(".__init__")
                found[module] = path
    return found


def _imports(path: str, modules: dict[str, str]) -> set[str]:
    """Every lpctl module ``path`` imports, at any depth (function-level imports too), but not for typing only."""
    out = set()
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    typing_only = {id(inner) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for inner in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name.startswith("lpctl"):
                out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {module: _imports(path, modules) - {module} for module, path in modules.items()}


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack, seen = [(start, [start])], set()
    while stack:
        module, trail = stack.pop()
        for imported in graph.get(module, ()):
            if imported == start:
                return [*trail, start]
            if imported not in seen:
                seen.add(imported)
                stack.append((imported, [*trail, imported]))
    return None


def _package(module: str) -> str:
    return [*module.split("."), ""][1]


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles = [cycle for module in sorted(graph) if (cycle := _cycle_from(module, graph))]
    assert cycles == []


def test_neither_target_imports_the_other() -> None:
    graph = _graph()
    crossing = sorted((a, b) for a, targets in graph.items() for b in targets
                      if {_package(a), _package(b)} == {"flyte1", "flyte2"})
    assert crossing == []


def test_the_shared_layer_imports_no_target() -> None:
    graph = _graph()
    assert sorted((a, b) for a, targets in graph.items() if a.startswith("lpctl.shared") for b in targets
                  if b.startswith(("lpctl.flyte1", "lpctl.flyte2"))) == []
