"""Every handler decorator at every place it can be written: enforced, or refused at build.

A declaration is never accepted and ignored. For each handler decorator the framework
registers (``framework.web.handler_decorators()``) and each place — every route kind of
``ROUTE_KINDS`` written as a ``Router`` function, an ``App`` route, a controller method, on
the controller class, on a base class of the served controller, plus an HTTP route marked
``@webhook`` — the test either sees the declaration take effect on a real request or
handshake (refused without credentials and accepted with them, validated, serialised,
documented), or sees the build refuse it with ``ImproperlyConfigured`` naming the route (or
class) and the decorator.

The auth decorators also have rows with a role set (``editor``, or ``admin`` and ``ops``
together): without a user the place refuses with 401, with a user lacking the roles with 403
(a GraphQL ``UNAUTHENTICATED`` / ``FORBIDDEN`` error, a 1008 close on a WebSocket), and a user
holding either alternative is served.

GraphQL resolvers are a place too (``ROUTE_KINDS["graphql"]``): a decorator on a Strawberry
resolver method, on a resolver function given to ``strawberry.field``, on the Strawberry type,
or on a base type of the served one either guards the field on a real query (a GraphQL error
with ``extensions.code`` without credentials, the data with them) or makes the schema build
refuse it, naming the field and the decorator.

A new handler decorator needs a row in ``ROWS``, a new route kind an entry in ``KINDS`` (or
``GRAPHQL_SITES``): the first two tests fail until they have one. WebSocket places also run
against a real uvicorn with the ``websockets`` client.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from framework.auth import LoginManager, TokenAuth, authenticate, login_required
from framework.cache import cache_page
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.io import expect, input, output, webhook
from framework.openapi import generate_openapi
from framework.openapi.decorators import doc
from framework.testing import TestClient, live_server
from framework.web import (
    App,
    Controller,
    HTTPException,
    JSONResponse,
    Router,
    WebSocketDisconnect,
    cors,
    development,
    endpoint_spec,
    get,
    handler_decorators,
    no_cors,
    produces,
    ratelimit,
    sse,
    websocket,
)
from framework.web.pipeline import ROUTE_KINDS

PACKAGE = Path(__file__).resolve().parents[2] / "framework"
SECRET = "declaration-matrix-secret-key-0123456789abcdef"
TOKEN = {"Authorization": "Bearer good"}

# -- credentials ---------------------------------------------------------------------------------

tokens = TokenAuth()


@tokens.verify_token
def verify_token(token: str) -> Any:
    return {"id": "1", "name": "ann"} if token == "good" else None


#: Role sets: ``editor``, or ``admin`` and ``ops`` together.
ROLE_SET = ["editor", ["admin", "ops"]]
#: Tokens (and session user ids) and the roles their users hold.
ROLES = {"editor": ["editor"], "admin-ops": ["admin", "ops"], "ops": ["ops"]}
#: Who asks, in order: one without the roles, then one for each alternative of the set.
ROLE_PROBES = ("ops", "editor", "admin-ops")
role_tokens = TokenAuth()


@role_tokens.verify_token
def verify_role_token(token: str) -> Any:
    return {"id": token} if token in ROLES else None


@role_tokens.get_user_roles
def role_token_roles(user: Any) -> list[str]:
    return ROLES[user["id"]]


MANAGER = LoginManager()


@MANAGER.user_loader
def load_user(user_id: str) -> Any:
    return {"id": user_id} if user_id == "1" or user_id in ROLES else None


@MANAGER.get_user_roles
def session_roles(user: Any) -> list[str]:
    return ROLES.get(user["id"], [])


async def login(request: Any) -> Any:
    """Log in user ``1`` (no roles), or the user named by ``?as=`` (one of ``ROLES``).

    ``?remember=1`` also sets the remember-me cookie, which logs the user in again (not fresh)
    once the session cookie is gone.
    """
    response = JSONResponse({"logged_in": True})
    remember = request.query_params.get("remember") == "1"
    user = {"id": request.query_params.get("as", "1")}
    await MANAGER.login(request, user, response if remember else None, remember=remember)
    return response


def custom_step(func: Any) -> Any:
    """A decorator of the user's that adds a step without registering itself."""

    def step(call: Any) -> Any:
        async def run(request: Any, kwargs: dict[str, Any]) -> Any:
            if request.headers.get("x-pass") != "yes":
                raise HTTPException(403, "No pass.")
            return await call(request, kwargs)

        return run

    endpoint_spec(func).add_step(step)
    return func


class Query(BaseModel):
    n: int


class Out(BaseModel):
    a: int


# -- places --------------------------------------------------------------------------------------

#: How a handler of each route kind is declared (a new kind without an entry fails a test).
KINDS: dict[str, Callable[[str], Any]] = {"http": get, "sse": sse, "websocket": websocket}
SITES = ("function", "app", "method", "class", "base class")


@dataclass(frozen=True)
class Place:
    kind: str
    site: str
    webhook: bool = False

    @property
    def id(self) -> str:
        return "webhook" if self.webhook else f"{self.kind}-{self.site.replace(' ', '-')}"


#: Where a decorator can be written on a GraphQL resolver.
GRAPHQL_SITES = ("resolver method", "resolver function", "type", "base type")

PLACES = [
    *(Place(kind, site) for kind, site in itertools.product(KINDS, SITES)),
    Place("http", "method", webhook=True),
    *(Place("graphql", site) for site in GRAPHQL_SITES),
]


def plain_handler(kind: str) -> Any:
    """Return a fresh handler of *kind*, usable as a function or a method (``*args``)."""
    if kind == "websocket":

        async def handler(*args: Any, **kwargs: Any) -> None:
            ws = args[-1]
            await ws.accept()
            await ws.send_text("ok")
            await ws.close()

    elif kind == "sse":

        async def handler(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            yield {"data": "ok"}

    else:

        async def handler(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            return {"a": 1, "secret": "not in the output schema"}

    return handler


def build(place: Place, decorate: Callable[[Any], Any], *, debug: bool | None = None) -> App:
    """Return an App serving one handler at ``/x``, declared at *place* with *decorate*."""
    with settings.override(SECRET_KEY=SECRET):
        app = App(debug=debug)
    app.post("/login")(login)
    if place.kind == "graphql":
        app.include(graphql_controller(place.site, decorate))
    else:
        declare_at(app, place, decorate)
    app.build()
    return app


def graphql_controller(site: str, decorate: Callable[[Any], Any]) -> type:
    """Return a GraphQL controller at ``/graphql`` whose field ``matrix`` is declared at *site*."""
    import strawberry

    from framework.graphql import GraphQLController

    def matrix(root: Any = None) -> str:
        return "ok"

    if site == "resolver method":
        namespace = {"matrix": strawberry.field(decorate(matrix))}
        query = strawberry.type(type("MatrixQuery", (), namespace), name="Query")
    elif site == "resolver function":
        query = strawberry.type(
            type("MatrixQuery", (), {"matrix": strawberry.field(resolver=decorate(matrix))}),
            name="Query",
        )
    else:
        base = strawberry.type(type("MatrixBase", (), {"matrix": strawberry.field(matrix)}))
        if site == "type":
            query = decorate(strawberry.type(type("MatrixQuery", (base,), {}), name="Query"))
        else:
            query = strawberry.type(type("MatrixQuery", (decorate(base),), {}), name="Query")
    schema = strawberry.Schema(query)
    return type("MatrixGraphQL", (GraphQLController,), {"schema": schema})


def graphql_refused_and_admitted(client: TestClient, credentials: dict[str, str]) -> None:
    """Without credentials the field is a GraphQL error; with them, its data."""
    refused = client.get("/graphql", params={"query": "{ matrix }"}).json()
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "FORBIDDEN")
    admitted = client.get("/graphql", params={"query": "{ matrix }"}, headers=credentials)
    assert admitted.json() == {"data": {"matrix": "ok"}}


def declare_at(app: App, place: Place, decorate: Callable[[Any], Any], prefix: str = "") -> None:
    """Serve a handler at ``<prefix>/x`` of *app*, declared at *place* with *decorate*."""
    name = f"matrix{prefix.replace('/', '.')}"
    method = "get" if place.kind == "http" else place.kind
    if place.site == "function":
        router = Router(prefix=prefix)
        getattr(router, method)("/x", name=name)(decorate(plain_handler(place.kind)))
        app.include(router)
        return
    if place.site == "app":
        getattr(app, method)(f"{prefix}/x", name=name)(decorate(plain_handler(place.kind)))
        return
    handler = plain_handler(place.kind)
    if place.webhook:
        handler = webhook(name="matrix")(handler)
    if place.site == "method":
        handler = decorate(handler)
    attributes = {"path": prefix, "handler": KINDS[place.kind]("/x", name=name)(handler)}
    controller = type("Matrix", (Controller,), attributes)
    if place.site != "method":
        controller = decorate(controller)
    if place.site == "base class":
        controller = type("Served", (controller,), {})
    app.include(controller)


# -- probes: does the declaration take effect? ---------------------------------------------------


def refused_and_admitted(kind: str, client: TestClient, credentials: dict[str, str]) -> None:
    """Without credentials the request is refused; with them it is served."""
    if kind == "graphql":
        graphql_refused_and_admitted(client, credentials)
        return
    if kind == "websocket":
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/x"):
            pass
        assert refused.value.code == 1008
        with client.websocket_connect("/x", headers=credentials) as ws:
            assert ws.receive_text() == "ok"
        return
    response = client.get("/x")
    assert response.status_code in (401, 403), response.text
    assert client.get("/x", headers=credentials).status_code == 200


def probe_token(place: Place, app: App) -> None:
    with TestClient(app) as client:
        refused_and_admitted(place.kind, client, TOKEN)


def probe_login(place: Place, app: App) -> None:
    with TestClient(app) as client:
        if place.kind == "graphql":
            refused = client.get("/graphql", params={"query": "{ matrix }"}).json()
            assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            assert client.post("/login").status_code == 200
            admitted = client.get("/graphql", params={"query": "{ matrix }"})
            assert admitted.json() == {"data": {"matrix": "ok"}}
            return
        if place.kind == "websocket":
            with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/x"):
                pass
            assert refused.value.code == 1008
        else:
            assert client.get("/x").status_code == 401
        assert client.post("/login").status_code == 200  # the client now has the session
        if place.kind == "websocket":
            with client.websocket_connect("/x") as ws:
                assert ws.receive_text() == "ok"
        else:
            assert client.get("/x").status_code == 200


def answer(kind: str, client: TestClient, headers: dict[str, str]) -> int | str:
    """Return how a request with *headers* is answered: its status, or a GraphQL error code."""
    if kind == "graphql":
        body = client.get("/graphql", params={"query": "{ matrix }"}, headers=headers).json()
        if body.get("errors"):
            assert body["data"] is None
            return str(body["errors"][0]["extensions"]["code"])
        assert body == {"data": {"matrix": "ok"}}
        return 200
    if kind == "websocket":
        try:
            with client.websocket_connect("/x", headers=headers) as ws:
                assert ws.receive_text() == "ok"
        except WebSocketDisconnect as refused:
            return refused.code
        return 200
    return client.get("/x", headers=headers).status_code


def role_outcomes(kind: str) -> list[int | str]:
    """Return the answers expected without a user, without the roles, and with each set."""
    refusals: dict[str, list[int | str]] = {
        "graphql": ["UNAUTHENTICATED", "FORBIDDEN"],
        "websocket": [1008, 1008],
    }
    return [*refusals.get(kind, [401, 403]), 200, 200]


def probe_token_roles(place: Place, app: App) -> None:
    with TestClient(app) as client:
        seen = [
            answer(place.kind, client, headers)
            for headers in ({}, *({"Authorization": f"Bearer {t}"} for t in ROLE_PROBES))
        ]
    assert seen == role_outcomes(place.kind)


def probe_login_roles(place: Place, app: App) -> None:
    with TestClient(app) as client:
        seen = [answer(place.kind, client, {})]
        for user in ROLE_PROBES:
            client.cookies.clear()  # a new login, not a CSRF-checked post in a session
            assert client.post("/login", params={"as": user}).status_code == 200
            seen.append(answer(place.kind, client, {}))
    assert seen == role_outcomes(place.kind)


def probe_login_fresh(place: Place, app: App) -> None:
    refusal = {"graphql": "UNAUTHENTICATED", "websocket": 1008}.get(place.kind, 401)
    with TestClient(app) as client:
        seen = [answer(place.kind, client, {})]
        assert client.post("/login", params={"remember": "1"}).status_code == 200
        seen.append(answer(place.kind, client, {}))  # a password login is fresh
        client.cookies.delete("session")  # back later: logged in again by the remember cookie
        seen.append(answer(place.kind, client, {}))
        if place.kind in ("http", "sse"):  # refused as not fresh, not as not logged in
            detail = client.get("/x", headers={"Accept": "application/json"}).json()["detail"]
            assert detail == "Please log in again to continue."
    assert seen == [refusal, 200, refusal]


def probe_custom(place: Place, app: App) -> None:
    with TestClient(app) as client:
        refused_and_admitted(place.kind, client, {"x-pass": "yes"})


def probe_input(place: Place, app: App) -> None:
    with TestClient(app) as client:
        invalid = client.get("/x?n=many")
        assert invalid.status_code == 422
        assert invalid.json()["errors"][0]["loc"] == ["query", "n"]
        assert client.get("/x?n=3").status_code == 200


def probe_output(place: Place, app: App) -> None:
    with TestClient(app) as client:
        assert client.get("/x").json() == {"a": 1}


def operation(app: App) -> dict[str, Any]:
    with settings.override(SECRET_KEY=SECRET):
        document = generate_openapi(app)
    found = [
        item
        for group in (document.get("paths", {}), document.get("webhooks", {}))
        for path, item in group.items()
        if path in ("/x", "matrix")
    ]
    assert len(found) == 1, document
    return dict(found[0]["get"])


def probe_expect(place: Place, app: App) -> None:
    assert operation(app)["responses"]["418"]["description"] == "Matrix teapot"


def probe_doc(place: Place, app: App) -> None:
    assert operation(app)["summary"] == "Matrix summary"


def probe_webhook(place: Place, app: App) -> None:
    with settings.override(SECRET_KEY=SECRET):
        document = generate_openapi(app)
    assert "matrix" in document["webhooks"]
    assert "/x" not in document.get("paths", {})


ORIGIN = "https://app.example"


def probe_cors(place: Place, app: App) -> None:
    with TestClient(app) as client:
        refused = client.get("/x", headers={"Origin": "https://elsewhere.example"})
        assert refused.status_code == 403
        assert "'https://elsewhere.example' is not allowed" in refused.json()["detail"]
        allowed = client.get("/x", headers={"Origin": ORIGIN})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
        assert client.options("/x", headers=preflight).status_code == 204


def probe_no_cors(place: Place, app: App) -> None:
    with TestClient(app) as client:
        preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
        refused = client.options("/x", headers=preflight)
        assert refused.status_code == 403, refused.text
        assert "disabled" in refused.json()["detail"]
        answered = client.get("/x", headers={"Origin": ORIGIN})
        assert "access-control-allow-origin" not in answered.headers


def probe_development(place: Place, app: App) -> None:
    with TestClient(app) as client:
        if place.kind == "websocket":
            with pytest.raises(WebSocketDisconnect), client.websocket_connect("/x"):
                pass
        else:
            assert client.get("/x").status_code == 404
    # A built app's debug is fixed: the same declaration, built with DEBUG on.
    with TestClient(build(place, development, debug=True)) as client:
        if place.kind == "websocket":
            with client.websocket_connect("/x") as ws:
                assert ws.receive_text() == "ok"
        else:
            assert client.get("/x").status_code == 200


def probe_produces(place: Place, app: App) -> None:
    with TestClient(app) as client:
        answer = client.get("/x", headers={"Accept": "application/yaml"})
        assert answer.headers["content-type"].startswith("application/yaml")
        assert answer.text.startswith("a: 1\n")
        assert client.get("/x", headers={"Accept": "image/png"}).status_code == 406


def probe_cache_page(place: Place, app: App) -> None:
    with TestClient(app) as client:
        first, second = client.get("/x"), client.get("/x")
    assert first.status_code == second.status_code == 200
    assert "age" not in first.headers and "age" in second.headers  # served from the cache


def probe_ratelimit(place: Place, app: App) -> None:
    with TestClient(app) as client:
        if place.kind == "graphql":  # the field, not the request, is over its limit
            assert answer(place.kind, client, {}) == 200
            assert answer(place.kind, client, {}) == "TOO_MANY_REQUESTS"
            return
        if place.kind == "websocket":
            with client.websocket_connect("/x") as ws:
                assert ws.receive_text() == "ok"
            with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/x"):
                pass
            assert refused.value.code == 1008
            return
        assert client.get("/x").status_code == 200
        refused_response = client.get("/x")
        assert refused_response.status_code == 429 and "retry-after" in refused_response.headers


# -- rows: every handler decorator ---------------------------------------------------------------

CLASS_SITES = frozenset({"class", "base class", "type", "base type"})
NO_BODY = frozenset({"websocket", "graphql"})  # no request body, no API document entry
NOT_HTTP = frozenset({"sse", "websocket", "graphql"})
WEBSOCKET = frozenset({"websocket"})
GRAPHQL = frozenset({"graphql"})  # a resolver takes auth and rate limits, nothing else


def refused_on(
    kinds: frozenset[str] = frozenset(), sites: frozenset[str] = frozenset()
) -> Callable[[Place], bool]:
    """Return whether the build must refuse the decorator at a place (by kind or site)."""
    return lambda place: place.kind in kinds or place.site in sites


@dataclass
class Row:
    """One handler decorator (or one spelling of it): how to apply it and check it."""

    registered_as: str
    make: Callable[[], Callable[[Any], Any]]
    probe: Callable[[Place, App], None]
    refused: Callable[[Place], bool] = field(default=lambda place: False)


ROWS = {
    "authenticate": Row("@authenticate", lambda: authenticate(tokens), probe_token),
    "authenticate role set": Row(
        "@authenticate", lambda: authenticate(role_tokens, role=ROLE_SET), probe_token_roles
    ),
    "login_required": Row("@login_required", lambda: login_required, probe_login),
    "login_required role set": Row(
        "@login_required", lambda: login_required(role=ROLE_SET), probe_login_roles
    ),
    "login_required fresh": Row(
        "@login_required", lambda: login_required(fresh=True), probe_login_fresh
    ),
    "LoginManager.login_required": Row(
        "@login_required", lambda: MANAGER.login_required(), probe_login
    ),
    "input": Row(
        "@input",
        lambda: input(Query, location="query"),
        probe_input,
        refused_on(NO_BODY, CLASS_SITES),
    ),
    "output": Row(
        "@output",
        lambda: output(Out),
        probe_output,
        refused_on(NOT_HTTP, CLASS_SITES),
    ),
    "expect": Row(
        "@expect", lambda: expect({418: "Matrix teapot"}), probe_expect, refused_on(NO_BODY)
    ),
    "doc": Row("@doc", lambda: doc(summary="Matrix summary"), probe_doc, refused_on(NO_BODY)),
    "webhook": Row(
        "@webhook",
        lambda: webhook(name="matrix"),
        probe_webhook,
        refused_on(NOT_HTTP, CLASS_SITES),
    ),
    "cors": Row(
        "@cors", lambda: cors(allow_origins=[ORIGIN]), probe_cors, refused_on(WEBSOCKET | GRAPHQL)
    ),
    "no_cors": Row("@no_cors", lambda: no_cors, probe_no_cors, refused_on(WEBSOCKET | GRAPHQL)),
    "development": Row("@development", lambda: development, probe_development, refused_on(GRAPHQL)),
    "produces": Row(
        "@produces",
        lambda: produces("application/json", "application/yaml"),
        probe_produces,
        refused_on(NOT_HTTP),
    ),
    "custom step": Row(
        "a custom pipeline step", lambda: custom_step, probe_custom, refused_on(NO_BODY)
    ),
    "cache_page": Row(
        "@cache_page", lambda: cache_page(60), probe_cache_page, refused_on(NOT_HTTP)
    ),
    "ratelimit": Row("@ratelimit", lambda: ratelimit("1/minute"), probe_ratelimit),
}


@pytest.fixture(autouse=True)
def _login_manager() -> Iterator[None]:
    with settings.override(LOGIN_MANAGER=f"{__name__}:MANAGER", SECRET_KEY=SECRET):
        yield


def test_every_handler_decorator_has_a_row() -> None:
    # The imports above load every module that registers a decorator.
    covered = {row.registered_as for row in ROWS.values()}
    shipped = {
        name
        for name, decorator in handler_decorators().items()
        if decorator.module.startswith("framework.")
    }
    assert shipped == covered
    assert registered_in_source() == covered


def test_every_route_kind_has_a_place() -> None:
    assert {place.kind for place in PLACES} == set(ROUTE_KINDS)


def registered_in_source() -> set[str]:
    """Return the names passed to ``handler_decorator(...)`` anywhere in the framework.

    Every module that writes handler specs (``endpoint_spec(...)``), apart from the route
    declarations themselves, must register a decorator: a decorator that did not would have
    no row here.
    """
    names: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        called = {getattr(call.func, "id", getattr(call.func, "attr", None)) for call in calls}
        registered = [
            call.args[0].value
            for call in calls
            if getattr(call.func, "id", None) == "handler_decorator"
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ]
        names.update(registered)
        relative = path.relative_to(PACKAGE).as_posix()
        if "endpoint_spec" in called and relative not in ("web/pipeline.py", "web/routing.py"):
            assert registered, f"{relative} writes handler specs but registers no decorator"
    return names


CASES = [
    pytest.param(name, place, id=f"{name.replace(' ', '-')}@{place.id}")
    for name, place in itertools.product(ROWS, PLACES)
]


@pytest.mark.parametrize(("name", "place"), CASES)
def test_declaration_is_enforced_or_refused_at_build(name: str, place: Place) -> None:
    row = ROWS[name]
    if row.refused(place):
        with pytest.raises(ImproperlyConfigured) as refused:
            build(place, row.make())
        message = str(refused.value)
        assert row.registered_as in message
        assert "matrix" in message.lower(), message  # the route, or the controller class
        assert "\n" not in message
        return
    row.probe(place, build(place, row.make()))


# -- WebSockets over a real uvicorn, with the websockets client ----------------------------------

AUTH_ROWS = ["authenticate", "login_required", "LoginManager.login_required"]
WS_PLACES = [place for place in PLACES if place.kind == "websocket"]


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    """A real uvicorn serving every auth row at every WebSocket place, at ``/<row>/<place>``."""
    with settings.override(
        SECRET_KEY=SECRET, ALLOWED_HOSTS=["127.0.0.1"], LOGIN_MANAGER=f"{__name__}:MANAGER"
    ):
        app = App()
        app.post("/login")(login)
        for name, place in itertools.product(AUTH_ROWS, WS_PLACES):
            declare_at(app, place, ROWS[name].make(), prefix=live_prefix(name, place))
        with live_server(app) as url:
            yield url


def live_prefix(name: str, place: Place) -> str:
    return f"/{name.replace('.', '-')}/{place.id}"


@pytest.mark.parametrize(
    ("name", "place"),
    [pytest.param(n, p, id=f"{n}@{p.id}") for n, p in itertools.product(AUTH_ROWS, WS_PLACES)],
)
def test_websocket_handshake_over_uvicorn(live_url: str, name: str, place: Place) -> None:
    url = live_url.replace("http://", "ws://") + live_prefix(name, place) + "/x"
    with pytest.raises(InvalidStatus) as refused, connect(url, open_timeout=10):
        pass
    assert refused.value.response.status_code == 403
    if name == "authenticate":
        headers = TOKEN
    else:
        session = httpx.post(live_url + "/login", timeout=10)
        assert session.status_code == 200
        headers = {"Cookie": f"session={session.cookies['session']}"}
    with connect(url, additional_headers=headers, open_timeout=10) as ws:
        assert ws.recv(timeout=10) == "ok"


# -- a mounted app: it has no handler, so no decorator can take effect on it ---------------------


class MountedApp:
    """An ASGI app written as a class (decorators on the class reach its instances)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"served"})


def mounted_targets(row: Row) -> Iterator[tuple[str, Any]]:
    """Yield each way *row*'s decorator can be written on something mounted."""

    async def mounted(scope: Any, receive: Any, send: Any, **kwargs: Any) -> None:
        await MountedApp()(scope, receive, send)

    yield "function", row.make()(mounted)
    decorator = handler_decorators().get(row.registered_as)
    if decorator is None or decorator.on_class:
        yield "class", row.make()(type("Decorated", (MountedApp,), {}))()


@pytest.mark.parametrize("name", ROWS)
def test_every_handler_decorator_on_a_mounted_app_is_refused_at_build(name: str) -> None:
    row = ROWS[name]
    for site, target in mounted_targets(row):
        app = App()
        app.mount("/x", target)
        with pytest.raises(ImproperlyConfigured) as refused:
            app.build()
        message = str(refused.value)
        assert message.startswith(f"{row.registered_as} cannot apply to the app mounted at '/x'")
        assert "\n" not in message, site
    app = App()
    app.mount("/x", MountedApp())
    with TestClient(app) as client:
        assert client.get("/x/anything").text == "served"
