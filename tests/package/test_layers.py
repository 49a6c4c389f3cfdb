"""Imports point one way, and never in a circle.

Layers: cli → contrib/auth/openapi/migrations/testing → io/mail/tasks → db/web/files/cache
→ apps/logging → conf → checks.
A lower layer never imports a higher one, at module level or inside a function.

Circles: no two modules of the package may depend on each other, directly or through others.
Every import counts: one inside a function (a lazy import is still a dependency) and one under
``TYPE_CHECKING`` (a type-only import still ties the two modules' meaning; the lower module
states what it needs as a ``Protocol`` instead). The package has none: any circle fails the
suite, printing the imports that tie it.
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
    "signing": 2,
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
    "graphql": 6,
    "testing": 6,
    "cli": 7,
    "__init__": 8,
    "__main__": 8,
}


def module_name(path: Path) -> str:
    """Return the dotted name of the package module at *path*."""
    name = "framework." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    return name.removesuffix(".__init__")


MODULES = sorted(PACKAGE.rglob("*.py"))
NAMES = {module_name(path) for path in MODULES}


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


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_no_upward_imports(path: Path) -> None:
    module = module_name(path)
    own = rank_of(module)
    skip = type_checking_lines(path)
    upward = [
        f"line {line}: {target}"
        for line, target in imports_of(path)
        if line not in skip and rank_of(target) > own
    ]
    assert not upward, f"{module} imports a higher layer: {upward}"


# -- circles ---------------------------------------------------------------------------------


def bound_names(source: str) -> set[str]:
    """Return the names a module binds at its top level (assigned, defined or imported)."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def imported_modules(
    source: str, known: set[str], bound: dict[str, set[str]] | None = None
) -> dict[str, int]:
    """Return the modules of *known* that *source* imports, anywhere, with the first line.

    ``from package import name`` depends on ``package.name`` when that is a module the
    package's ``__init__`` does not bind another value to (*bound*: names each package binds),
    and on the package itself otherwise; ``import a.b.c`` on the longest of ``a.b.c``, ``a.b``
    that is known.
    """
    bound = bound or {}
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module, names = node.module, bound.get(node.module, set())
            targets = [
                f"{module}.{alias.name}"
                if f"{module}.{alias.name}" in known and alias.name not in names
                else module
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known:
                found.setdefault(target, node.lineno)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    """Return, for each module of the package, the package modules it imports (and where)."""
    sources = {module_name(path): path.read_text() for path in MODULES}
    packages = {module_name(path) for path in MODULES if path.name == "__init__.py"}
    bound = {package: bound_names(sources[package]) for package in packages}
    graph = {}
    for name, source in sources.items():
        imported = imported_modules(source, NAMES, bound)
        imported.pop(name, None)
        graph[name] = imported
    return graph


def find_circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Return every group of modules that reach one another (Tarjan's components), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

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
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(circles)


def describe(circle: list[str], graph: dict[str, dict[str, int]]) -> str:
    """Return the imports that tie *circle* together, one ``module:line -> module`` a line."""
    lines = [f"import circle of {len(circle)} modules:"]
    for source in circle:
        lines += [
            f"  {source}:{line} -> {target}"
            for target, line in sorted(graph[source].items())
            if target in circle
        ]
    return "\n".join(lines)


GRAPH = import_graph()
CIRCLES = find_circles(GRAPH)


def test_no_import_circle() -> None:
    assert not CIRCLES, "\n".join(describe(circle, GRAPH) for circle in CIRCLES)


def test_circles_are_found_through_lazy_and_type_only_imports() -> None:
    known = {"pkg.a", "pkg.b", "pkg.c", "pkg"}
    source_a = "def f():\n    from pkg.b import thing\n"
    source_b = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import c\n"
    source_c = "import pkg.a.inner\n"
    graph = {
        "pkg.a": imported_modules(source_a, known),
        "pkg.b": imported_modules(source_b, known),
        "pkg.c": imported_modules(source_c, known),
        "pkg": {},
    }
    assert graph["pkg.a"] == {"pkg.b": 2}
    assert graph["pkg.b"] == {"pkg.c": 3}
    assert graph["pkg.c"] == {"pkg.a": 1}
    assert find_circles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert describe(["pkg.a", "pkg.b"], graph).splitlines()[1] == "  pkg.a:2 -> pkg.b"
    graph["pkg.c"] = {}
    assert find_circles(graph) == []


def test_a_name_the_package_binds_is_a_dependency_on_the_package() -> None:
    known = {"pkg", "pkg.settings", "pkg.defaults"}
    bound = {"pkg": bound_names("from pkg.settings import Settings\nsettings = Settings()\n")}
    source = "from pkg import defaults, settings\n"
    assert bound["pkg"] == {"Settings", "settings"}
    assert imported_modules(source, known, bound) == {"pkg.defaults": 1, "pkg": 1}
