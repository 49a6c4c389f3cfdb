"""Security headers, HSTS and the HTTPS redirect."""

from __future__ import annotations

from typing import Any

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Request, Response
from tests.web.raw import call_asgi


def app_with(**overrides: Any) -> App:
    with settings.override(**overrides):
        app = App()

    @app.get("/")
    async def index(request: Request) -> str:
        return "ok"

    @app.get("/framed")
    async def framed(request: Request) -> Response:
        return Response("ok", headers={"X-Frame-Options": "SAMEORIGIN"})

    @app.post("/submit")
    async def submit(request: Request) -> str:
        return "posted"

    return app


def test_default_security_headers() -> None:
    with TestClient(app_with()) as client:
        headers = client.get("/").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "strict-transport-security" not in headers


def test_a_handler_can_set_its_own_value() -> None:
    with TestClient(app_with()) as client:
        assert client.get("/framed").headers.get_list("x-frame-options") == ["SAMEORIGIN"]


def test_headers_can_be_changed_or_dropped() -> None:
    custom = {"X-Frame-Options": "", "Content-Security-Policy": "default-src 'self'"}
    with TestClient(app_with(SECURE_HEADERS=custom)) as client:
        headers = client.get("/").headers
    assert "x-frame-options" not in headers
    assert headers["content-security-policy"] == "default-src 'self'"


def test_hsts_only_on_https() -> None:
    app = app_with(
        SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
    )
    with TestClient(app) as secure, TestClient(app, base_url="http://localhost") as plain:
        assert secure.get("/").headers["strict-transport-security"] == (
            "max-age=3600; includeSubDomains; preload"
        )
        assert "strict-transport-security" not in plain.get("/").headers


def test_a_handler_may_set_its_own_hsts() -> None:
    app = app_with(SECURE_HSTS_SECONDS=3600)

    @app.get("/own-hsts")
    async def own(request: Request) -> Response:
        return Response("ok", headers={"Strict-Transport-Security": "max-age=60"})

    with TestClient(app) as client:
        response = client.get("/own-hsts")
    assert response.headers.get_list("strict-transport-security") == ["max-age=60"]
    assert response.headers["x-frame-options"] == "DENY"


def test_https_redirect() -> None:
    app = app_with(SECURE_SSL_REDIRECT=True)
    with TestClient(app, base_url="http://localhost", follow_redirects=False) as client:
        get = client.get("/?a=1")
        post = client.post("/submit")
    assert (get.status_code, get.headers["location"]) == (301, "https://localhost/?a=1")
    assert (post.status_code, post.headers["location"]) == (308, "https://localhost/submit")
    with TestClient(app) as secure:
        assert secure.get("/").text == "ok"


async def test_https_redirect_keeps_a_non_default_port() -> None:
    app = app_with(SECURE_SSL_REDIRECT=True)
    response = await call_asgi(app, path="/x", headers=[(b"host", b"localhost:8080")])
    assert response.headers["location"] == "https://localhost:8080/x"


def test_no_redirect_by_default() -> None:
    with TestClient(app_with(), base_url="http://localhost") as client:
        assert client.get("/").text == "ok"
