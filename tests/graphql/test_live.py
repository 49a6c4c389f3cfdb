"""GraphQL over a real uvicorn, on SQLite and PostgreSQL: httpx for HTTP, websockets for WS.

Users and tokens are made by the project's own commands; a session login goes through
contrib.auth's ``/login``. Every answer is checked as a client sees it on the wire.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from framework.auth.jwt import JWTKeys, create_jwt
from tests.graphql.conftest import PASSWORD, Live

pytestmark = pytest.mark.e2e

BOOKS = "{ books { title author { name } } reviewCount }"
ADD = 'mutation { addBook(title: "Dune", authorName: "Frank") { id title } }'


@contextmanager
def login(live: Live, username: str = "ann") -> Iterator[httpx.Client]:
    """Yield a client holding a session cookie, its CSRF token in the default headers."""
    with httpx.Client(base_url=live.url, timeout=30) as client:
        answer = client.post("/login", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        yield client


def test_a_logged_in_mutation_then_a_query_of_both_apps(live: Live) -> None:
    with login(live) as client:
        added = client.post("/graphql", json={"query": ADD})
    assert added.status_code == 200, added.text
    assert added.json()["data"]["addBook"]["title"] == "Dune"
    answer = httpx.get(f"{live.url}/graphql", params={"query": BOOKS}, timeout=30)
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert {"title": "Dune", "author": {"name": "Frank"}} in data["books"]
    assert data["reviewCount"] == 7


def test_a_mutation_without_login_is_a_graphql_error_and_writes_nothing(live: Live) -> None:
    before = len(live.post("{ books { id } }").json()["data"]["books"])
    answer = live.post(ADD.replace("Dune", "Nothing"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["path"] == ["addBook"]
    assert len(live.post("{ books { id } }").json()["data"]["books"]) == before


def test_csrf_applies_to_a_session_mutation(live: Live) -> None:
    with login(live) as client:
        del client.headers["X-CSRF-Token"]
        refused = client.post("/graphql", json={"query": ADD.replace("Dune", "Forged")})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    titles = [book["title"] for book in live.post(BOOKS).json()["data"]["books"]]
    assert "Forged" not in titles


def test_a_token_the_endpoint_accepts_exempts_a_cookie_request_from_csrf(live: Live) -> None:
    with login(live) as client:
        del client.headers["X-CSRF-Token"]
        token = {"Authorization": f"Bearer {live.tokens['bob']}"}
        api_call = client.post("/graphql", json={"query": "{ whoami }"}, headers=token)
        forged = client.post(
            "/graphql", json={"query": "{ whoami }"}, headers={"Authorization": "Bearer nope"}
        )
    assert api_call.status_code == 200
    assert api_call.json() == {"data": {"whoami": "bob"}}
    assert forged.status_code == 403


def test_user_from_a_token_and_from_the_session(live: Live) -> None:
    assert live.post("{ whoami }", token="bob").json() == {"data": {"whoami": "bob"}}
    with login(live, "ann") as client:
        assert client.post("/graphql", json={"query": "{ whoami }"}).json()["data"] == {
            "whoami": "ann"
        }
    assert live.post("{ whoami }").json() == {"data": {"whoami": None}}


def test_user_from_a_jwt(live: Live) -> None:
    from tests.fixtures.graphqlproject.settings import SECRET_KEY

    signed = create_jwt({"sub": "carol"}, keys=JWTKeys("HS256", SECRET_KEY))
    forged = create_jwt({"sub": "carol"}, keys=JWTKeys("HS256", "x" * 32 + SECRET_KEY))
    for token, user in ((signed, "carol"), (forged, None)):
        headers = {"Authorization": f"Bearer {token}"}
        answer = httpx.post(
            f"{live.url}/graphql", json={"query": "{ whoami }"}, headers=headers, timeout=30
        )
        assert answer.json() == {"data": {"whoami": user}}


def test_a_guarded_resolver_needs_the_token_and_the_role(live: Live) -> None:
    anonymous = live.post("{ shelfCount reviewCount }").json()
    assert anonymous["data"] is None  # shelfCount is non-null: the error nulls the parent
    assert anonymous["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "status": 401}
    bob = live.post("{ shelfCount }", token="bob").json()
    assert bob["errors"][0]["extensions"] == {"code": "FORBIDDEN", "status": 403}
    assert live.post("{ shelfCount }", token="ann").json() == {"data": {"shelfCount": 42}}


def test_transport_errors_have_the_framework_shape(live: Live) -> None:
    endpoint = f"{live.url}/graphql"
    wrong_type = httpx.post(endpoint, content=b"{ books { id } }", timeout=30)
    assert wrong_type.status_code == 415
    assert wrong_type.json()["errors"][0]["loc"] == ["header", "content-type"]
    malformed = httpx.post(
        endpoint, content=b'{"query": ', headers={"Content-Type": "application/json"}, timeout=30
    )
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["type"] == "json_invalid"
    too_large = httpx.post(endpoint, json={"query": "{ books { id } }" + " " * 200_000}, timeout=30)
    assert too_large.status_code == 413
    assert set(too_large.json()) == {"detail", "errors"}
    not_a_query = httpx.post(endpoint, json={"query": 5}, timeout=30)
    assert not_a_query.status_code == 400
    assert not_a_query.json()["errors"][0]["loc"] == ["body", "query"]


def test_query_errors_are_graphql_errors_never_a_500(live: Live) -> None:
    for query in ("{ books {", "{ nope }", "{ crash }", "query($n: Int!) { books { id } }"):
        answer = live.post(query)
        assert answer.status_code == 200, (query, answer.text)
        assert answer.json()["errors"], query
    crash = live.post("{ crash }").json()["errors"][0]
    assert crash["message"] == "Internal server error."
    assert "password" not in json.dumps(crash)


# -- WebSocket ------------------------------------------------------------------------------------


def receive(ws: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(ws.recv(timeout=30)))


def test_subscription_over_graphql_transport_ws(live: Live) -> None:
    with connect(live.ws_url, subprotocols=["graphql-transport-ws"], open_timeout=30) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
        ws.send(json.dumps({"type": "connection_init"}))
        assert receive(ws) == {"type": "connection_ack"}
        query = "subscription { countdown(start: 3) }"
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        values = [receive(ws) for _ in range(3)]
        assert [m["payload"]["data"]["countdown"] for m in values] == [3, 2, 1]
        assert {m["type"] for m in values} == {"next"}
        assert receive(ws) == {"id": "1", "type": "complete"}


def test_a_guarded_subscription_needs_the_token(live: Live) -> None:
    query = {"query": "subscription { privateTicks }"}
    with connect(live.ws_url, subprotocols=["graphql-transport-ws"], open_timeout=30) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        receive(ws)
        ws.send(json.dumps({"id": "a", "type": "subscribe", "payload": query}))
        refused = receive(ws)
        assert refused["type"] in ("error", "next")
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    headers = {"Authorization": f"Bearer {live.tokens['ann']}"}
    with connect(
        live.ws_url,
        subprotocols=["graphql-transport-ws"],
        additional_headers=headers,
        open_timeout=30,
    ) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        receive(ws)
        ws.send(json.dumps({"id": "b", "type": "subscribe", "payload": query}))
        assert receive(ws)["payload"]["data"] == {"privateTicks": "tick for ann"}


def test_a_subscription_fed_by_broadcast_receives_what_a_mutation_publishes(live: Live) -> None:
    query = "subscription { news(room: 7) }"
    announce = 'mutation { announce(room: 7, text: "hello room") }'
    with connect(live.ws_url, subprotocols=["graphql-transport-ws"], open_timeout=30) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        receive(ws)
        ws.send(json.dumps({"id": "n", "type": "subscribe", "payload": {"query": query}}))
        # Broadcast delivers from the moment the subscription is listening, which the client
        # cannot see: publish until a message arrives (bounded), as a chat client would.
        for _ in range(60):
            assert live.post(announce).json() == {"data": {"announce": True}}
            try:
                message = json.loads(ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            assert message == {
                "id": "n",
                "type": "next",
                "payload": {"data": {"news": "hello room"}},
            }
            break
        else:
            raise AssertionError("no broadcast message reached the subscription")


def test_the_older_graphql_ws_protocol(live: Live) -> None:
    with connect(live.ws_url, subprotocols=["graphql-ws"], open_timeout=30) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        assert receive(ws)["type"] == "connection_ack"
        query = "subscription { countdown(start: 2) }"
        ws.send(json.dumps({"id": "1", "type": "start", "payload": {"query": query}}))
        assert receive(ws)["payload"]["data"] == {"countdown": 2}
        assert receive(ws)["payload"]["data"] == {"countdown": 1}
        assert receive(ws) == {"id": "1", "type": "complete"}


def test_a_cross_site_handshake_with_the_session_cookie_is_refused(live: Live) -> None:
    with login(live) as client:
        cookie = f"session={client.cookies['session']}"
    headers = {"Origin": "https://evil.example", "Cookie": cookie}
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(
            live.ws_url,
            subprotocols=["graphql-transport-ws"],
            additional_headers=headers,
            open_timeout=30,
        ),
    ):
        pass
    assert refused.value.response.status_code == 403


def test_a_depth_bomb_over_the_wire_is_refused(live: Live) -> None:
    query = "{ books { " + "nested { " * 30 + "id" + " }" * 30 + " } }"
    body = live.post(query).json()
    assert body["data"] is None
    assert "GRAPHQL_MAX_DEPTH" in body["errors"][0]["message"]
