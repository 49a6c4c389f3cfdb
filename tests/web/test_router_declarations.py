"""Mounts, hosts and the single-page-app index are router declarations, served once built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from framework.auth import TokenAuth, authenticate, login_required
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request, Router, url_for

SECRET = "router-declarations-secret-key-0123456789abcdef"
HOSTS = ["localhost", "api.example.com", ".tenants.example.com", "legacy.example.com"]


def starlette_app(label: str = "sub") -> Starlette:
    async def index(request: Any) -> PlainTextResponse:
        return PlainTextResponse(f"{label} index {request.scope['root_path']}")

    async def item(request: Any) -> PlainTextResponse:
        return PlainTextResponse(f"{label} item {request.path_params['key']}")

    return Starlette(
        routes=[Route("/", index, name="index"), Route("/items/{key}", item, name="item")]
    )


def host_app() -> App:
    """An app with its own routes, an API router on api.example.com, a tenant router."""
    with settings.override(ALLOWED_HOSTS=HOSTS, SECRET_KEY=SECRET):
        app = App()

    @app.get("/status")
    async def main_status(request: Request) -> dict[str, str]:
        return {"site": "main"}

    api = Router(namespace="v1")

    @api.get("/status")
    async def status(request: Request) -> dict[str, str]:
        return {"site": "api", "self": str(request.url_for("api:v1.status"))}

    @api.post("/notes")
    async def add_note(request: Request) -> dict[str, str]:
        return {"added": "yes"}

    tenants = Router()

    @tenants.get("/")
    async def tenant_home(request: Request, tenant: str) -> dict[str, str]:
        return {"tenant": tenant, "path": url_for("tenant_home", tenant=tenant)}

    app.host("api.example.com", api, name="api")
    app.host("{tenant}.tenants.example.com", tenants)
    app.host("legacy.example.com", starlette_app("legacy"), name="legacy")
    return app


def test_a_host_is_served_by_its_router_before_the_other_routes() -> None:
    app = host_app()
    with TestClient(app) as client:
        assert client.get("/status").json() == {"site": "main"}
        on_api = client.get("/status", headers={"host": "api.example.com"})
        assert on_api.json() == {"site": "api", "self": "https://api.example.com/status"}
        # A host is its own site: what its router does not serve is a 404 there.
        assert client.get("/missing", headers={"host": "api.example.com"}).status_code == 404
        assert client.put("/status", headers={"host": "api.example.com"}).status_code == 405
        tenant = client.get("/", headers={"host": "acme.tenants.example.com"})
        assert tenant.json() == {"tenant": "acme", "path": "/"}
        legacy = client.get("/items/k", headers={"host": "legacy.example.com"})
        assert legacy.text == "legacy item k"
    assert app.url_for("api:v1.status") == "/status"
    assert app.url_for("legacy:item", key="k") == "/items/k"


def test_host_routes_are_listed_with_their_host_and_name() -> None:
    rows = {(row["path"], row["name"]) for row in host_app().describe_routes()}
    assert ("api.example.com/status", "api:v1.status") in rows
    assert ("api.example.com/notes", "api:v1.add_note") in rows
    assert ("{tenant}.tenants.example.com/", "tenant_home") in rows
    assert ("legacy.example.com", "legacy") in rows
    assert ("/status", "main_status") in rows


def test_csrf_applies_behind_a_host_and_its_routes_settle_header_auth() -> None:
    tokens = TokenAuth()

    @tokens.verify_token
    def verify(token: str) -> str | None:
        return "ann" if token == "good" else None

    api = Router()

    @api.post("/notes")
    async def add_note(request: Request) -> str:
        return "added"

    @api.post("/api-notes")
    @authenticate(tokens)
    async def add_api_note(request: Request) -> str:
        return "added by the API"

    with settings.override(ALLOWED_HOSTS=HOSTS, SECRET_KEY=SECRET):
        app = App()

    @app.get("/session")
    async def start_session(request: Request) -> str:
        request.session["seen"] = True
        return "session"

    app.host("api.example.com", api)
    app.host("legacy.example.com", Starlette(routes=[Route("/", add_note, methods=["POST"])]))
    with TestClient(app) as client:
        client.get("/session")  # the client now holds a session cookie
        api_host = {"host": "api.example.com"}
        refused = client.post("/notes", headers=api_host)
        assert refused.status_code == 403
        assert "CSRF check failed" in refused.json()["detail"]
        token = {**api_host, "Authorization": "Bearer good"}
        assert client.post("/api-notes", headers=token).text == "added by the API"
        legacy = {"host": "legacy.example.com", "Authorization": "Bearer good"}
        assert client.post("/", headers=legacy).status_code == 403


def test_a_host_parameter_the_handler_does_not_take_is_refused() -> None:
    tenants = Router()

    @tenants.get("/")
    async def home(request: Request) -> str:
        return "home"

    app = App()
    app.host("{tenant}.example.com", tenants)
    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    assert str(refused.value) == (
        "home handles '/' but has no parameter 'tenant'; add it: async def home(request, tenant)."
    )


@pytest.mark.parametrize(
    ("host", "target", "message"),
    [
        ("https://api.example.com", Router(), "router.host('https://api.example.com', ...)"),
        ("", Router(), "router.host('', ...): give a host name such as 'api.example.com'"),
        ("api.example.com", "not an app", "Cannot serve 'not an app' for the host"),
    ],
)
def test_bad_hosts_are_refused_when_declared(host: str, target: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        Router().host(host, target)
    assert str(refused.value).startswith(message)


def test_a_decorator_on_a_hosts_asgi_app_is_refused_at_build() -> None:
    app = App()
    app.host("legacy.example.com", login_required(starlette_app()))
    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    assert str(refused.value).startswith(
        "@login_required cannot apply to the app served for the host 'legacy.example.com'"
    )


def test_a_decorated_route_behind_a_host_is_enforced() -> None:
    tokens = TokenAuth()

    @tokens.verify_token
    def verify(token: str) -> str | None:
        return "ann" if token == "good" else None

    api = Router()

    @api.get("/me")
    @authenticate(tokens)
    async def me(request: Request) -> dict[str, str]:
        return {"user": request.state.user}

    with settings.override(ALLOWED_HOSTS=HOSTS):
        app = App()
    app.host("api.example.com", api)
    with TestClient(app) as client:
        host = {"host": "api.example.com"}
        assert client.get("/me", headers=host).status_code == 401
        accepted = client.get("/me", headers={**host, "Authorization": "Bearer good"})
        assert accepted.json() == {"user": "ann"}


def test_url_for_reaches_the_routes_of_a_mount_under_a_prefix() -> None:
    tools = Router(prefix="/tools", namespace="tools")
    tools.mount("/sub", starlette_app(), name="sub")
    app = App()

    @app.get("/links")
    async def links(request: Request) -> dict[str, str]:
        return {
            "item": url_for("tools.sub:item", key="k"),
            "absolute": str(request.url_for("tools.sub:index")),
        }

    app.include(tools, prefix="/v1")
    with TestClient(app) as client:
        assert client.get("/v1/tools/sub/").text == "sub index /v1/tools/sub"
        assert client.get("/v1/tools/sub/items/k").text == "sub item k"
        assert client.get("/links").json() == {
            "item": "/v1/tools/sub/items/k",
            "absolute": "https://localhost/v1/tools/sub/",
        }
    assert app.url_for("tools.sub:item", key="x") == "/v1/tools/sub/items/x"
    assert app.url_for("tools.sub", path="/items/x") == "/v1/tools/sub/items/x"


def test_the_spa_index_is_a_router_declaration_under_its_prefix(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<div id=app></div>")
    ui = Router(prefix="/ui")
    ui.add_route("/", static=True)

    @ui.get("/api/ping")
    async def ping(request: Request) -> dict[str, bool]:
        return {"pong": True}

    with settings.override(STATICFILES_DIRS=[str(tmp_path)]):
        app = App()
    app.include(ui)
    with TestClient(app) as client:
        assert client.get("/ui").text == "<div id=app></div>"
        assert client.get("/ui/client/route").text == "<div id=app></div>"
        assert client.get("/ui/api/ping").json() == {"pong": True}
    row = next(row for row in app.describe_routes() if row["handler"] == "IndexFallback")
    assert (row["methods"], row["path"]) == ("GET", "/ui")


def test_two_spa_indexes_are_refused() -> None:
    router = Router()
    router.add_route("/", static=True)
    with pytest.raises(ImproperlyConfigured) as on_one_router:
        router.add_route("/other", static=True)
    assert str(on_one_router.value) == (
        "add_route('/other', static=True): the single-page-app index is already served at "
        "'/'; an app has one page for unknown paths."
    )
    app = App()
    app.add_route("/", static=True)
    app.include(router, prefix="/more")
    with pytest.raises(ImproperlyConfigured) as on_two_routers:
        app.build()
    assert str(on_two_routers.value).startswith("Two single-page-app indexes: '/' (<Router")


def test_ready_made_routes_cannot_take_a_prefix() -> None:
    router = Router(prefix="/api")
    router.add_asgi_route(Route("/raw", starlette_app()))
    app = App()
    app.include(router)
    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    assert str(refused.value) == (
        f"{router!r} serves ready-made Starlette routes under the prefix '/api', which their "
        "fixed paths cannot take; add them to the App (app.add_asgi_route) at their full path."
    )
