"""The public namespaces of the database layer: sorted, complete, importable, layered."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import framework

PACKAGES = ["framework.db", "framework.migrations"]
ROOT = Path(framework.__file__).resolve().parent


def _isort_key(name: str) -> tuple[int, str]:
    """Sort like ruff's RUF022: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__, key=_isort_key)
    for attribute in module.__all__:
        assert getattr(module, attribute) is not None


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("db", ("framework.migrations", "framework.cli", "framework.web")),
        ("migrations", ("framework.cli", "framework.web")),
    ],
)
def test_lower_layers_never_import_higher_ones(package: str, forbidden: tuple[str, ...]) -> None:
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(forbidden), f"{path.name} imports {name}"


def test_command_modules_import_nothing_heavy_at_top() -> None:
    for name in ("db_apply", "db_schema", "db_inspect"):
        path = ROOT / "cli" / "commands" / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("sqlalchemy", "alembic", "rich")), name
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith(("sqlalchemy", "alembic")) for a in node.names)
