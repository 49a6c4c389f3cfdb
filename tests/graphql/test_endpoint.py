"""The endpoint in-process: limits (over, at, off), introspection, GraphiQL, request shapes.

The app is the project's own (``get_asgi_application()``) on a migrated SQLite database;
``CALLS`` records every resolver that ran, so a refused query is proven to run none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from framework import db
from framework.conf import settings
from framework.testing import TestClient
from tests.graphql.conftest import run

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


@contextmanager
def client(**overrides: Any) -> Iterator[TestClient]:
    """Yield a client of the project's app built under *overrides*."""
    from framework.web import get_asgi_application

    with settings.override(**overrides), TestClient(get_asgi_application()) as test_client:
        yield test_client


def post(test_client: TestClient, query: str) -> dict[str, Any]:
    answer = test_client.post("/graphql", json={"query": query})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def nested(levels: int) -> str:
    """Return a query ``levels + 2`` fields deep (books, the nested fields, id)."""
    return "{ books { " + "nested { " * levels + "id" + " }" * levels + " } }"


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{n}: reviewCount" for n in range(count)) + " }"


def message(body: dict[str, Any]) -> str:
    assert body["data"] is None
    return str(body["errors"][0]["message"])


# -- depth ---------------------------------------------------------------------------------------


def test_a_depth_bomb_is_refused_before_any_resolver_runs(gql_db: str, calls: list[str]) -> None:
    with client() as test_client:
        body = post(test_client, nested(150))
    assert message(body) == (
        "The operation is nested 152 fields deep; the limit is 10 (GRAPHQL_MAX_DEPTH)."
    )
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    assert calls == []


def test_depth_at_the_limit_runs(gql_db: str, calls: list[str]) -> None:
    with client() as test_client:
        assert post(test_client, nested(8)) == {"data": {"books": []}}
        assert message(post(test_client, nested(9))).startswith("The operation is nested 11")
    assert calls == ["books"]


def test_depth_limit_off(gql_db: str) -> None:
    with client(GRAPHQL_MAX_DEPTH=0) as test_client:
        assert post(test_client, nested(40)) == {"data": {"books": []}}


def test_fragments_count_toward_the_depth(gql_db: str, calls: list[str]) -> None:
    query = "query { books { ...A } } fragment A on BookType { nested { ...B } }"
    query += " fragment B on BookType { nested { nested { id } } }"
    with client(GRAPHQL_MAX_DEPTH=4) as test_client:
        assert "nested 5 fields deep" in message(post(test_client, query))
    assert calls == []


# -- aliases and cost ----------------------------------------------------------------------------


def test_aliases_over_at_and_off(gql_db: str) -> None:
    with client() as test_client:
        assert message(post(test_client, aliased(31))) == (
            "The operation uses 31 aliases; the limit is 30 (GRAPHQL_MAX_ALIASES)."
        )
        assert len(post(test_client, aliased(30))["data"]) == 30
    with client(GRAPHQL_MAX_ALIASES=0) as test_client:
        assert len(post(test_client, aliased(200))["data"]) == 200


def fragment_bomb(levels: int) -> str:
    """Return a query whose fragments double its fields at each of *levels* levels."""
    parts = [f"query {{ ...F{levels} }}", "fragment F0 on Query { reviewCount whoami }"]
    parts += [f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels + 1)]
    return " ".join(parts)


def test_a_fragment_bomb_is_measured_and_refused(gql_db: str) -> None:
    with client() as test_client:
        body = post(test_client, fragment_bomb(60))
    assert message(body) == (
        f"The operation selects {2 * 2**60} fields; the limit is 1000 (GRAPHQL_MAX_COST)."
    )


def test_cost_at_the_limit_and_off(gql_db: str) -> None:
    with client(GRAPHQL_MAX_COST=4) as test_client:  # 2 * 2**1 fields
        assert post(test_client, fragment_bomb(1)) == {"data": {"reviewCount": 7, "whoami": None}}
        assert "selects 8 fields" in message(post(test_client, fragment_bomb(2)))
    with client(GRAPHQL_MAX_COST=0) as test_client:
        assert post(test_client, fragment_bomb(12))["data"]["reviewCount"] == 7


# -- introspection and GraphiQL ------------------------------------------------------------------


def test_introspection_is_off_in_production_by_default(gql_db: str) -> None:
    with client() as test_client:
        body = post(test_client, "{ __schema { queryType { name } } }")
    assert "introspection has been disabled" in message(body)
    with client(GRAPHQL_INTROSPECTION=True) as test_client:
        body = post(test_client, "{ __schema { queryType { name } } }")
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_introspection_follows_debug(gql_db: str) -> None:
    with client(DEBUG=True) as test_client:
        assert post(test_client, "{ __typename }") == {"data": {"__typename": "Query"}}
        body = post(test_client, '{ __type(name: "BookType") { name } }')
    assert body == {"data": {"__type": {"name": "BookType"}}}


def test_graphiql_is_off_in_production(gql_db: str) -> None:
    with client() as test_client:
        page = test_client.get("/graphql", headers={"Accept": "text/html"})
        asset = test_client.get("/graphql/ide/graphiql.min.js")
    assert page.status_code == 404
    assert "GraphiQL is off (GRAPHQL_IDE); send a query instead." in page.text
    assert asset.status_code == 404


def test_graphiql_page_and_its_files_are_served_from_the_package(gql_db: str) -> None:
    with client(GRAPHQL_IDE=True) as test_client:
        page = test_client.get("/graphql", headers={"Accept": "text/html"})
        scripts = [test_client.get(f"/graphql/ide/{name}") for name in ("graphiql.min.js",)]
        unknown = test_client.get("/graphql/ide/..%2fsettings.py")
    assert page.status_code == 200
    assert "/graphql/ide/graphiql.min.js" in page.text
    links = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert len(links) == 5
    assert all(link.startswith("/graphql/ide/") for link in links), links
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert scripts[0].status_code == 200 and len(scripts[0].content) > 100_000
    assert unknown.status_code == 404


def test_an_anonymous_session_cookie_from_graphiql_makes_a_post_need_the_csrf_token(
    gql_db: str, calls: list[str]
) -> None:
    with client(GRAPHQL_IDE=True) as test_client:
        page = test_client.get("/graphql", headers={"Accept": "text/html"})
        assert test_client.cookies, "opening GraphiQL gives the browser a session cookie"
        config = json.loads(re.findall(r'id="graphiql-config">(.*?)</script>', page.text)[0])
        refused = test_client.post("/graphql", json={"query": "{ books { id } }"})
        sent = test_client.post(
            "/graphql", json={"query": "{ books { id } }"}, headers=config["headers"]
        )
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert sent.status_code == 200, sent.text
    assert calls == ["books"]


# -- request shapes ------------------------------------------------------------------------------


def test_get_variables_must_be_json(gql_db: str) -> None:
    with client() as test_client:
        answer = test_client.get("/graphql", params={"query": "{ whoami }", "variables": "{"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["loc"] == ["query", "variables"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ([{"query": "{ whoami }"}], ["body"]),
        ({"query": "{ whoami }", "variables": [1]}, ["body", "variables"]),
        ({"query": "{ whoami }", "operationName": 3}, ["body", "operationName"]),
        ({"variables": {}}, ["body", "query"]),
    ],
)
def test_malformed_requests_are_400_naming_the_part(gql_db: str, body: Any, loc: list[str]) -> None:
    with client() as test_client:
        answer = test_client.post("/graphql", json=body)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["loc"] == loc


def test_a_mutation_over_get_is_405(gql_db: str, calls: list[str]) -> None:
    with client() as test_client:
        answer = test_client.get(
            "/graphql", params={"query": 'mutation { addBook(title: "x", authorName: "y") { id } }'}
        )
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert calls == []


def test_a_subscription_over_http_is_400(gql_db: str) -> None:
    with client() as test_client:
        answer = test_client.post("/graphql", json={"query": "subscription { countdown }"})
    assert answer.status_code == 400
    assert answer.json()["detail"] == "Subscriptions run over a WebSocket at this URL."


def test_an_unknown_operation_name_is_400(gql_db: str) -> None:
    with client() as test_client:
        answer = test_client.post(
            "/graphql", json={"query": "query A { whoami }", "operationName": "B"}
        )
    assert answer.status_code == 400


def test_two_operations_without_an_operation_name_run_none(gql_db: str, calls: list[str]) -> None:
    document = "query A { books { id } } query B { books { title } }"
    with client() as test_client:
        answer = test_client.post("/graphql", json={"query": document})
        assert calls == []
        chosen = test_client.post("/graphql", json={"query": document, "operationName": "A"})
    assert answer.status_code == 400
    assert answer.json()["detail"] == (
        "Must provide operation name if query contains multiple operations"
        " (operationName: one of 'A', 'B')."
    )
    assert chosen.status_code == 200
    assert calls == ["books"]


def test_resolver_errors_show_their_message_only_in_debug(gql_db: str) -> None:
    with client() as test_client:
        hidden = post(test_client, "{ crash }")["errors"][0]
    with client(DEBUG=True) as test_client:
        shown = post(test_client, "{ crash }")["errors"][0]
    assert hidden["message"] == "Internal server error."
    assert hidden["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert shown["message"] == "secret database password in this message"


def test_a_resolver_awaits_the_request_session_like_a_handler(gql_db: str) -> None:
    """``await request.db`` gives the request's (serial) session in a resolver too."""
    from tests.fixtures.graphqlproject.bookshelf.models import Author, Book

    async def shelve() -> None:
        async with db.session():
            author = await Author.create(name="Ursula K. Le Guin")
            for title in ("The Dispossessed", "The Lathe of Heaven"):
                await Book.create(title=title, author_id=author.id)

    run(shelve)
    with client() as test_client:
        # Two resolvers of one request share the session, one statement at a time.
        answer = post(test_client, "{ bookCount books { title } }")
    assert "errors" not in answer, answer
    assert answer["data"]["bookCount"] == 2
    assert len(answer["data"]["books"]) == 2
