"""``startapp NAME --api`` in a generated project: a JSON API whose own tests pass as generated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import run


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a new project with an API app, migrated."""
    root = tmp_path_factory.mktemp("api-app")
    assert (
        run([sys.executable, "-m", "framework", "startproject", "shopsite"], cwd=root).returncode
        == 0
    )
    site = root / "shopsite"
    made = run([sys.executable, "manage.py", "startapp", "notes", "--api"], cwd=site)
    assert made.returncode == 0, made.stderr
    upgraded = run([sys.executable, "manage.py", "db-upgrade"], cwd=site)
    assert upgraded.returncode == 0, upgraded.stderr
    return site


def test_the_api_app_has_no_templates_or_static(project: Path) -> None:
    app = project / "notes"
    files = sorted(str(p.relative_to(app)) for p in app.rglob("*.py"))
    assert files == [
        "__init__.py",
        "apps.py",
        "controllers.py",
        "migrations/__init__.py",
        "migrations/notes_0001_items.py",
        "models.py",
        "schemas.py",
        "tests/__init__.py",
        "tests/test_notes_api.py",
    ]
    assert not (app / "templates").exists() and not (app / "static").exists()


def test_routes_and_the_document_describe_the_crud_controller(project: Path) -> None:
    routes = json.loads(
        run([sys.executable, "manage.py", "routes", "--app", "notes", "--json"], cwd=project).stdout
    )
    assert {(r["methods"], r["path"]) for r in routes} >= {
        ("GET", "/notes/items"),
        ("POST", "/notes/items"),
        ("GET", "/notes/items/{id:int}"),
        ("PUT", "/notes/items/{id:int}"),
        ("DELETE", "/notes/items/{id:int}"),
    }
    check = run([sys.executable, "manage.py", "db-check"], cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_generated_tests_pass(project: Path) -> None:
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def test_api_and_package_flags_do_not_mix(project: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "startapp", "other", "--api", "--package"], cwd=project
    )
    assert result.returncode == 1
    assert result.stderr == "Error: --api cannot be combined with --package or --template.\n"
