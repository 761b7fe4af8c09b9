"""The packages of `src/aurum` import each other without a cycle.

A package here is a folder of `aurum` or a top-level module (`aurum/pagination.py`); every
import counts, those made only for type checking too: a cycle between two packages means
neither can be understood, tested or moved without the other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import aurum

ROOT = Path(aurum.__file__).parent


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imports(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def package_imports() -> dict[str, dict[str, set[str]]]:
    """package -> imported package -> the modules that import it."""
    graph: dict[str, dict[str, set[str]]] = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[1:2] == ("migrations",):
            continue
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        source = _package(module)
        for name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if not name.startswith("aurum."):
                continue
            target = _package(name)
            exists = (ROOT / target).is_dir() or (ROOT / f"{target}.py").is_file()
            if target != source and exists:
                graph.setdefault(source, {}).setdefault(target, set()).add(module)
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_packages_import_each_other_without_a_cycle() -> None:
    graph = package_imports()
    explained = [
        f"{' <-> '.join(component)}: "
        + "; ".join(
            f"{source} -> {target} ({', '.join(sorted(graph[source][target]))})"
            for source in component
            for target in sorted(graph.get(source, {}))
            if target in component
        )
        for component in cycles(graph)
    ]
    assert explained == []


def test_the_check_sees_a_cycle() -> None:
    graph = {"a": {"b": {"aurum.a.x"}}, "b": {"c": {"aurum.b.y"}}, "c": {"a": {"aurum.c.z"}}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b": {"aurum.a.x"}}}) == []


def test_the_graph_holds_the_packages_and_their_imports() -> None:
    graph = package_imports()
    assert "callers" in graph["users"]
    assert "session_store" in graph["auth"]
