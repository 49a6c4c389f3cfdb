"""The served schema: merged from the apps, or named by GRAPHQL_SCHEMA; refusals in one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import strawberry

from framework.auth import authenticate, login_required
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.graphql.schema import build_engine, merge_root
from framework.io import output
from framework.testing import TestClient
from tests.graphql.schemas import tokens


@contextmanager
def served(**overrides: Any) -> Iterator[TestClient]:
    from framework.web import get_asgi_application

    with settings.override(**overrides), TestClient(get_asgi_application()) as client:
        yield client


def test_the_apps_query_types_merge_with_camel_case_names(gqlproject: None) -> None:
    from framework.graphql.schema import engine_for_settings

    sdl = engine_for_settings(settings.wrapped).sdl()
    query = sdl.split("type Query {")[1].split("}")[0]
    assert query.split() == [
        "books:",
        "[BookType!]!",
        "bookCount:",
        "Int!",
        "authorBooks(authorId:",
        "Int!):",
        "[BookType!]!",
        "whoami:",
        "String",
        "shelfCount:",
        "Int!",
        "crash:",
        "String!",
        "reviewCount:",
        "Int!",
    ]
    assert "type Subscription {" in sdl and "type Mutation {" in sdl


def test_a_field_defined_by_two_apps_is_refused_naming_both() -> None:
    @strawberry.type(name="Query")
    class First:
        @strawberry.field
        def post_count(self) -> int:
            return 1

    @strawberry.type(name="Query")
    class Second:
        @strawberry.field(name="postCount")
        def count(self) -> int:
            return 2

    with pytest.raises(ImproperlyConfigured) as refused:
        merge_root("Query", [("blog", First), ("news", Second)])
    assert str(refused.value) == (
        "The GraphQL Query field 'postCount' is defined by two apps: 'blog' "
        f"({__name__}.{First.__qualname__}) and 'news' ({__name__}.{Second.__qualname__}); "
        "rename one."
    )


def test_no_query_type_in_any_app_is_one_line(gqlproject: None) -> None:
    with settings.override(INSTALLED_APPS=["framework.graphql"]):
        from framework.apps import apps

        apps.reset()
        apps.populate()
        with pytest.raises(ImproperlyConfigured) as missing:
            build_engine(settings.wrapped)
    assert str(missing.value) == (
        "framework.graphql is installed but no app's graphql.py defines a strawberry type "
        "named Query, and GRAPHQL_SCHEMA is empty: define one, or name a schema."
    )


def test_graphql_schema_serves_an_explicit_strawberry_schema(gqlproject: None) -> None:
    with served(GRAPHQL_SCHEMA="tests.graphql.schemas:strawberry_schema") as client:
        body = client.post("/graphql", json={"query": "{ explicit }"}).json()
    assert body == {"data": {"explicit": "strawberry"}}


def test_a_graphql_core_schema_gets_the_limits_and_the_guards(gqlproject: None) -> None:
    deep = "{ deep { " + "deep { " * 12 + "leaf" + " }" * 12 + " } }"
    with served(GRAPHQL_SCHEMA="tests.graphql.schemas:core_schema") as client:
        assert client.post("/graphql", json={"query": "{ hello }"}).json() == {
            "data": {"hello": "core"}
        }
        refused = client.post("/graphql", json={"query": "{ private }"}).json()
        admitted = client.post(
            "/graphql",
            json={"query": "{ private }"},
            headers={"Authorization": "Bearer core-token"},
        ).json()
        too_deep = client.post("/graphql", json={"query": deep}).json()
        syntax = client.post("/graphql", json={"query": "{ hello"}).json()
    assert refused["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "status": 401}
    assert admitted == {"data": {"private": "for core"}}
    assert "GRAPHQL_MAX_DEPTH" in too_deep["errors"][0]["message"]
    assert syntax["errors"][0]["message"].startswith("Syntax Error")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "tests.graphql.schemas:not_a_schema",
            "GRAPHQL_SCHEMA 'tests.graphql.schemas:not_a_schema' is a dict, not a schema: name "
            "a strawberry.Schema, a graphene.Schema or a graphql.GraphQLSchema.",
        ),
        ("tests.graphql.schemas:missing", "GRAPHQL_SCHEMA"),
        ("tests.graphql.nowhere:schema", "GRAPHQL_SCHEMA"),
    ],
)
def test_a_bad_graphql_schema_setting_is_one_line(path: str, expected: str) -> None:
    with settings.override(GRAPHQL_SCHEMA=path), pytest.raises(ImproperlyConfigured) as refused:
        build_engine(settings.wrapped)
    message = str(refused.value)
    assert expected in message and "\n" not in message


def test_a_decorator_that_cannot_guard_a_resolver_is_refused_at_build() -> None:
    from pydantic import BaseModel

    class Out(BaseModel):
        n: int

    @strawberry.type
    class Query:
        @strawberry.field
        @output(Out)
        def posts(self) -> int:
            return 1

    with pytest.raises(ImproperlyConfigured) as refused:
        build_engine(settings.wrapped, strawberry.Schema(Query))
    where = (
        f"{__name__}.{test_a_decorator_that_cannot_guard_a_resolver_is_refused_at_build.__name__}"
    )
    assert str(refused.value) == (
        f"@output cannot apply to the GraphQL resolver Query.posts ({where}.<locals>.Query.posts): "
        "the schema's types validate a resolver's arguments and result; only @authenticate, "
        "@login_required and @ratelimit take effect on resolvers."
    )


def test_auth_decorators_on_a_type_guard_each_of_its_fields() -> None:
    @authenticate(tokens)
    @strawberry.type
    class Query:
        @strawberry.field
        def a(self) -> str:
            return "a"

        @strawberry.field
        @login_required
        def b(self) -> str:
            return "b"

    engine = build_engine(settings.wrapped, strawberry.Schema(Query))
    fields = engine.graphql_schema.query_type.fields  # type: ignore[union-attr]
    assert getattr(fields["a"].resolve, "__framework_guarded__", False)
    assert getattr(fields["b"].resolve, "__framework_guarded__", False)
