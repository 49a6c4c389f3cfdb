"""Imports point one way: cli → contrib/auth/openapi → io/tasks → db/web/cache → apps → conf.

A lower layer never imports a higher one, at module level or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "framework"

#: Rank of each subpackage; a module may import modules of the same or a lower rank.
RANKS = {
    "exceptions": 0,
    "module_loading": 0,
    "runtime": 0,
    "version": 0,
    "console": 0,
    "checks": 0,
    # The current application (a context variable): set by the web App, the CLI and the
    # test plugin, read by current_app() and url_for(); it imports nothing of the framework.
    "appcontext": 0,
    "conf": 1,
    "apps": 2,
    "logging": 2,
    "db": 3,
    "web": 3,
    "files": 3,
    # Caches sit beside the database: the web layer's @ratelimit reads them, and
    # framework.cache.pages (loaded lazily, never by framework.cache itself) reads the web
    # layer's pipeline; the database backend is framework.contrib.cache.
    "cache": 3,
    "io": 4,
    "mail": 4,
    "tasks": 4,
    "openapi": 5,
    "migrations": 5,
    "auth": 5,
    "contrib": 6,
    "testing": 6,
    "cli": 7,
    "__init__": 8,
    "__main__": 8,
}


def rank_of(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "framework":
        return -1
    if len(parts) == 1:
        return RANKS["__init__"]
    return RANKS[parts[1]]


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "framework":
                found += [
                    (node.lineno, f"framework.{alias.name}")
                    for alias in node.names
                    if alias.name in RANKS
                ]
    return found


def type_checking_lines(path: Path) -> set[int]:
    tree = ast.parse(path.read_text())
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_no_upward_imports(path: Path) -> None:
    module = "framework." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    module = module.removesuffix(".__init__")
    own = rank_of(module)
    skip = type_checking_lines(path)
    upward = [
        f"line {line}: {target}"
        for line, target in imports_of(path)
        if line not in skip and rank_of(target) > own
    ]
    assert not upward, f"{module} imports a higher layer: {upward}"


def module_name(path: Path) -> str:
    module = "framework." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    return module.removesuffix(".__init__")


def import_graph() -> dict[str, set[str]]:
    """Return each framework module's imports of other framework modules (TYPE_CHECKING aside).

    ``from framework.x import name`` counts as an import of ``framework.x`` (or of the module
    ``framework.x.name`` when that is one).
    """
    modules = {module_name(path): path for path in MODULES}

    def resolve(target: str) -> str:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        skip = type_checking_lines(path)
        targets = {resolve(t) for line, t in imports_of(path) if line not in skip}
        graph[module] = {t for t in targets if t.startswith("framework")} - {module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Return the import circles: strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[tuple[str, ...]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: list[str] = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(tuple(sorted(group)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


#: Circles that exist today and are due to be cut; a circle not listed here fails the test.
KNOWN_CIRCLES = {
    ("framework.conf", "framework.conf.lazy", "framework.conf.settings"),
    (
        "framework.web.debug",
        "framework.web.errors",
        "framework.web.limits",
        "framework.web.requests",
    ),
    ("framework.mail.backends.base", "framework.mail.connections"),
    ("framework.tasks.backends.base", "framework.tasks.config", "framework.tasks.results"),
    (
        "framework.io.marshmallow.adapter",
        "framework.io.outputs",
        "framework.io.pydantic.adapter",
        "framework.io.schemas",
    ),
}


def test_no_new_import_circles() -> None:
    found = circles(import_graph())
    new = [circle for circle in found if circle not in KNOWN_CIRCLES]
    assert not new, f"import circle(s): {new}"
    # A circle that was cut leaves this list too, so the list only ever shrinks.
    assert not KNOWN_CIRCLES - set(found), (
        f"cut, remove from KNOWN_CIRCLES: {KNOWN_CIRCLES - set(found)}"
    )


def test_circles_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [("a", "b", "c")]
