"""CORS: off by default, Dyne's parameters as settings, never '*' with credentials."""

from __future__ import annotations

from typing import Any

import pytest

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request
from framework.web.middleware import CORSMiddleware
from framework.web.middleware.cors import CORS_PARAMS

ORIGIN = "https://app.example.org"


def cors_app(**overrides: Any) -> App:
    with settings.override(**overrides):
        app = App()

    @app.get("/data")
    async def data(request: Request) -> dict[str, int]:
        return {"n": 1}

    return app


def test_cors_is_off_by_default() -> None:
    with TestClient(cors_app()) as client:
        response = client.get("/data", headers={"origin": ORIGIN})
        preflight = client.options(
            "/data", headers={"origin": ORIGIN, "access-control-request-method": "GET"}
        )
    assert "access-control-allow-origin" not in response.headers
    assert preflight.status_code == 405


def test_allowed_origin_gets_the_headers() -> None:
    app = cors_app(
        CORS_ALLOW_ORIGINS=[ORIGIN], CORS_EXPOSE_HEADERS=["X-Total"], CORS_ALLOW_CREDENTIALS=True
    )
    with TestClient(app) as client:
        allowed = client.get("/data", headers={"origin": ORIGIN})
        other = client.get("/data", headers={"origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert allowed.headers["access-control-expose-headers"] == "X-Total"
    assert "access-control-allow-origin" not in other.headers


def test_preflight_uses_methods_headers_and_max_age() -> None:
    app = cors_app(
        CORS_ALLOW_ORIGINS=[ORIGIN],
        CORS_ALLOW_METHODS=["get", "post"],
        CORS_ALLOW_HEADERS=["X-Token"],
        CORS_MAX_AGE=120,
    )
    with TestClient(app) as client:
        ok = client.options(
            "/data",
            headers={
                "origin": ORIGIN,
                "access-control-request-method": "POST",
                "access-control-request-headers": "x-token",
            },
        )
        refused = client.options(
            "/data", headers={"origin": ORIGIN, "access-control-request-method": "DELETE"}
        )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-methods"] == "GET, POST"
    assert ok.headers["access-control-max-age"] == "120"
    assert "X-Token" in ok.headers["access-control-allow-headers"]
    assert refused.status_code == 405
    assert refused.json()["detail"] == "CORS: the method DELETE is not allowed."
    foreign = client_preflight(app, "https://evil.example", "GET")
    assert foreign.status_code == 403
    assert foreign.json()["detail"] == "CORS: the origin 'https://evil.example' is not allowed."


def client_preflight(app: App, origin: str, method: str) -> Any:
    with TestClient(app) as client:
        return client.options(
            "/data", headers={"origin": origin, "access-control-request-method": method}
        )


def test_origin_regex() -> None:
    app = cors_app(CORS_ALLOW_ORIGIN_REGEX=r"https://.*\.example\.org")
    with TestClient(app) as client:
        response = client.get("/data", headers={"origin": "https://a.example.org"})
    assert response.headers["access-control-allow-origin"] == "https://a.example.org"


@pytest.mark.parametrize(
    "wildcard",
    [{"CORS_ALLOW_ORIGINS": ["*"]}, {"CORS_ALLOW_ORIGIN_REGEX": "https://.*"}],
    ids=["star", "catch-all-regex"],
)
def test_wildcard_with_credentials_is_refused(wildcard: dict[str, object]) -> None:
    app = cors_app(CORS_ALLOW_CREDENTIALS=True, **wildcard)
    with pytest.raises(ImproperlyConfigured) as error:
        app.build()
    assert str(error.value) == (
        "CORS allows every origin ('*') together with credentials, so any site could read "
        "responses made with the visitor's cookies; list the origins in CORS_ALLOW_ORIGINS "
        "instead."
    )


def test_parameters_are_dynes_names() -> None:
    assert sorted(CORS_PARAMS) == [
        "allow_credentials",
        "allow_headers",
        "allow_methods",
        "allow_origin_regex",
        "allow_origins",
        "expose_headers",
        "max_age",
    ]
    middleware = CORSMiddleware(App(), allow_origins=[ORIGIN])
    assert middleware.preflight_headers["Access-Control-Max-Age"] == "60"
