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
    "testing": 6,
    "cli": 7,
    "__init__": 8,
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
