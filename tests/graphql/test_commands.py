"""``graphql-schema``, the GraphQL checks, and the promise that the core never loads Strawberry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from framework.checks import run_checks
from framework.cli import call_command
from framework.conf import settings


def test_graphql_schema_prints_the_sdl(
    gqlproject: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("graphql-schema")
    printed = capsys.readouterr().out
    assert "type Query {" in printed and "reviewCount: Int!" in printed
    assert "addBook(title: String!, authorName: String!): BookType!" in printed


def test_graphql_schema_writes_a_file(gqlproject: None, tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    call_command("graphql-schema", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("type AuthorType {") and text.endswith("}\n")
    assert "subscription" not in text.lower().split("type subscription")[0]


def ids(deploy: bool) -> list[str]:
    return [message.id for message in run_checks(include_deployment=deploy)]


def test_deploy_warns_about_introspection_and_the_ide_in_production(gqlproject: None) -> None:
    with settings.override(GRAPHQL_IDE=True, GRAPHQL_INTROSPECTION=True):
        found = ids(deploy=True)
        assert "graphql.W001" not in ids(deploy=False)
    assert {"graphql.W001", "graphql.W002"} <= set(found)
    assert not {"graphql.W001", "graphql.W002"} & set(ids(deploy=True))  # the defaults
    with settings.override(DEBUG=True):
        assert not {"graphql.W001", "graphql.W002"} & set(ids(deploy=True))


def test_a_schema_that_cannot_be_built_is_a_check_error(gqlproject: None) -> None:
    with settings.override(GRAPHQL_SCHEMA="tests.graphql.schemas:not_a_schema"):
        errors = [m for m in run_checks() if m.id == "graphql.E001"]
    assert len(errors) == 1
    assert "is a dict, not a schema" in errors[0].msg


def test_importing_the_framework_loads_no_graphql_library() -> None:
    code = (
        "import sys, framework, framework.graphql, framework.graphql.apps, framework.web; "
        "print(sorted(m for m in ('strawberry', 'graphql', 'graphene') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_checks_stay_silent_in_a_project_without_the_app(gqlproject: None) -> None:
    from framework.apps import apps

    assert "graphql.E001" in ids_with(GRAPHQL_SCHEMA="tests.graphql.schemas:not_a_schema")
    with settings.override(INSTALLED_APPS=[], GRAPHQL_IDE=True):
        apps.reset()
        apps.populate()
        found = ids(deploy=True)
    assert not [found_id for found_id in found if found_id.startswith("graphql.")]


def ids_with(**overrides: object) -> list[str]:
    with settings.override(**overrides):
        return ids(deploy=False)
