"""Per-route CORS: ``@cors`` and ``@no_cors`` override the app-wide policy, with reasons."""

from __future__ import annotations

from typing import Any

import pytest

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Controller, Request, Router, cors, get, no_cors, post

APP_ORIGIN = "https://app.example"
PARTNER = "https://partner.example"


def preflight(origin: str, method: str, headers: str = "") -> dict[str, str]:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return sent


def build(**overrides: Any) -> App:
    with settings.override(**overrides):
        app = App()

    @app.get("/open")
    async def open_data(request: Request) -> dict[str, str]:
        return {"route": "open"}

    @app.get("/partner")
    @cors(allow_origins=[PARTNER], allow_methods=["GET", "POST"], allow_headers=["X-Token"])
    async def partner(request: Request) -> dict[str, str]:
        return {"route": "partner"}

    @app.post("/partner")
    @cors(allow_origins=[PARTNER], allow_methods=["GET", "POST"], allow_headers=["X-Token"])
    async def partner_write(request: Request) -> dict[str, str]:
        return {"route": "partner-write"}

    @app.post("/internal")
    @no_cors
    async def internal(request: Request) -> dict[str, str]:
        return {"route": "internal"}

    return app


@pytest.fixture
def client() -> Any:
    with TestClient(
        build(CORS_ALLOW_ORIGINS=[APP_ORIGIN], CORS_ALLOW_METHODS=["GET", "POST"])
    ) as c:
        yield c


def test_the_route_policy_replaces_the_app_wide_one(client: TestClient) -> None:
    answered = client.get("/partner", headers={"Origin": PARTNER})
    assert answered.json() == {"route": "partner"}
    assert answered.headers["access-control-allow-origin"] == PARTNER
    assert answered.headers["vary"] == "Origin"
    # The app-wide origin is not the route's: refused, with the reason.
    refused = client.get("/partner", headers={"Origin": APP_ORIGIN})
    assert refused.status_code == 403
    assert refused.json()["detail"] == f"CORS: the origin {APP_ORIGIN!r} is not allowed here."
    # Routes without a policy keep the app-wide one.
    assert (
        client.get("/open", headers={"Origin": APP_ORIGIN}).headers["access-control-allow-origin"]
        == APP_ORIGIN
    )


def test_preflight_is_answered_per_route(client: TestClient) -> None:
    ok = client.options("/partner", headers=preflight(PARTNER, "POST", "x-token"))
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-methods"] == "GET, POST"
    assert ok.headers["access-control-allow-headers"] == "x-token"
    assert ok.headers["access-control-max-age"] == "60"
    method = client.options("/partner", headers=preflight(PARTNER, "DELETE"))
    assert method.status_code == 405
    assert method.json()["detail"] == (
        "CORS: the method DELETE is not allowed here; allowed: GET, POST."
    )
    header = client.options("/partner", headers=preflight(PARTNER, "POST", "x-admin"))
    assert header.status_code == 403
    assert header.json()["detail"] == "CORS: the header(s) x-admin are not allowed."
    origin = client.options("/partner", headers=preflight(APP_ORIGIN, "GET"))
    assert origin.status_code == 403


def test_no_cors_refuses_even_the_app_wide_origins(client: TestClient) -> None:
    refused = client.options("/internal", headers=preflight(APP_ORIGIN, "POST"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "CORS: cross-origin requests are disabled for this route."
    sent = client.post("/internal", headers={"Origin": APP_ORIGIN})
    assert sent.status_code == 403
    assert "access-control-allow-origin" not in sent.headers


def test_same_origin_requests_pass_a_route_policy(client: TestClient) -> None:
    # Browsers send Origin on same-origin POSTs: that is not a cross-origin request.
    site = str(client.base_url).rstrip("/")
    own = client.post("/internal", headers={"Origin": site})
    assert own.json() == {"route": "internal"}
    assert client.post("/partner", headers={"Origin": site}).status_code == 200


def test_route_policies_work_without_the_app_wide_middleware() -> None:
    with TestClient(build()) as client:
        assert client.options("/partner", headers=preflight(PARTNER, "GET")).status_code == 204
        assert (
            client.get("/partner", headers={"Origin": PARTNER}).headers[
                "access-control-allow-origin"
            ]
            == PARTNER
        )
        # Without a policy there is no CORS at all: the preflight is an unknown method.
        assert client.options("/open", headers=preflight(PARTNER, "GET")).status_code == 405


def test_a_policy_on_a_host_router_applies_on_that_host_only() -> None:
    """A host's ``@cors`` route gets its preflight; the same path elsewhere keeps the app's."""
    api = Router()

    @api.get("/partner")
    @cors(allow_origins=[PARTNER])
    async def api_partner(request: Request) -> dict[str, str]:
        return {"route": "api-partner"}

    app = build(
        CORS_ALLOW_ORIGINS=[APP_ORIGIN],
        ALLOWED_HOSTS=["testserver", "api.example.com"],
    )
    app.host("api.example.com", api)
    on_api = {"host": "api.example.com"}
    with TestClient(app) as client:
        asked = client.options("/partner", headers={**preflight(PARTNER, "GET"), **on_api})
        assert asked.status_code == 204
        assert asked.headers["access-control-allow-origin"] == PARTNER
        answered = client.get("/partner", headers={"Origin": PARTNER, **on_api})
        assert answered.json() == {"route": "api-partner"}
        assert answered.headers["access-control-allow-origin"] == PARTNER
        refused = client.get("/partner", headers={"Origin": APP_ORIGIN, **on_api})
        assert refused.status_code == 403
        # On the app's own host, /partner keeps its own policy; /open the app-wide one.
        main = client.options("/partner", headers=preflight(APP_ORIGIN, "GET"))
        assert main.status_code == 403
        own = client.get("/open", headers={"Origin": APP_ORIGIN})
        assert own.headers["access-control-allow-origin"] == APP_ORIGIN


def test_unset_options_come_from_the_settings() -> None:
    with settings.override(CORS_ALLOW_METHODS=["PUT"], CORS_MAX_AGE=600):
        app = App()

        @app.get("/x")
        @cors(allow_origins=[PARTNER])
        async def handler(request: Request) -> dict[str, int]:
            return {"n": 1}

        with TestClient(app) as client:
            answer = client.options("/x", headers=preflight(PARTNER, "PUT"))
    assert answer.headers["access-control-allow-methods"] == "PUT"
    assert answer.headers["access-control-max-age"] == "600"


def test_a_controller_policy_covers_every_route() -> None:
    @cors(allow_origins=[PARTNER], allow_methods=["GET", "POST"])
    class Feed(Controller):
        path = "/feed"

        @get("/")
        async def index(self, request: Request) -> list[int]:
            return [1]

        @post("/")
        async def add(self, request: Request) -> dict[str, bool]:
            return {"added": True}

    app = App()
    app.include(Feed)
    with TestClient(app) as client:
        assert client.options("/feed", headers=preflight(PARTNER, "POST")).status_code == 204
        assert client.post("/feed", headers={"Origin": "https://x.example"}).status_code == 403


def test_wildcard_with_credentials_is_refused_at_declaration() -> None:
    with pytest.raises(ImproperlyConfigured, match="every origin"):
        cors(allow_origins=["*"], allow_credentials=True)


def test_a_string_where_a_list_belongs_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="takes a list"):
        cors(allow_origins=PARTNER)  # type: ignore[arg-type]
