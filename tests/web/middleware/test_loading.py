"""MIDDLEWARE as data: strings, option pairs, classes; off-by-settings entries are left out."""

from __future__ import annotations

from typing import Any

import pytest

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request
from framework.web.middleware import (
    SecurityHeadersMiddleware,
    SessionMiddleware,
    TimingMiddleware,
    TrustedHostMiddleware,
    build_middleware,
)


def names(entries: list[Any], **overrides: Any) -> list[str]:
    with settings.override(**overrides):
        return [middleware.cls.__name__ for middleware in build_middleware(entries, settings)]


def test_default_stack_leaves_out_what_settings_turn_off() -> None:
    assert names(settings.MIDDLEWARE) == ["TrustedHostMiddleware", "SecurityHeadersMiddleware"]
    assert names(
        settings.MIDDLEWARE,
        SECRET_KEY="loading-tests-secret-key-0123456789-abcdefghij",
        SECURE_SSL_REDIRECT=True,
        CORS_ALLOW_ORIGINS=["https://a.example"],
    ) == [
        "TrustedHostMiddleware",
        "HTTPSRedirectMiddleware",
        "SecurityHeadersMiddleware",
        "CORSMiddleware",
        "SessionMiddleware",
        "CSRFMiddleware",
    ]


def test_entries_may_be_classes_and_pairs_with_options() -> None:
    stack = build_middleware(
        [
            TimingMiddleware,
            ("framework.web.middleware.TimingMiddleware", {"metric": "total"}),
            (SessionMiddleware, {"secret_key": "x" * 40}),
        ],
        settings,
    )
    assert [m.kwargs for m in stack] == [{}, {"metric": "total"}, {"secret_key": "x" * 40}]


def test_options_from_settings_are_read_once() -> None:
    with settings.override(ALLOWED_HOSTS=["example.com"], DEBUG=True):
        (stack,) = build_middleware([TrustedHostMiddleware], settings)
    assert stack.kwargs == {"allowed_hosts": ["example.com"], "debug": True}
    with settings.override(SECURE_HEADERS={}):
        assert build_middleware([SecurityHeadersMiddleware], settings) == []


def test_order_is_outermost_first() -> None:
    order: list[str] = []

    def recorder(name: str) -> Any:
        class Recorder:
            def __init__(self, app: Any) -> None:
                self.app = app

            async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
                if scope["type"] == "http":
                    order.append(name)
                await self.app(scope, receive, send)

        return Recorder

    app = App(middleware=[recorder("outer"), recorder("inner")])

    @app.get("/")
    async def index(request: Request) -> str:
        order.append("handler")
        return "ok"

    with TestClient(app) as client:
        client.get("/")
    assert order == ["outer", "inner", "handler"]


def test_unknown_entry_is_reported() -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        build_middleware(["nowhere.Middleware"], settings)
    assert str(error.value) == "Module 'nowhere' (from MIDDLEWARE) cannot be found."
    with pytest.raises(ImproperlyConfigured) as not_callable:
        build_middleware([42], settings)
    assert str(not_callable.value).startswith("MIDDLEWARE entry 42 is not a middleware class")
