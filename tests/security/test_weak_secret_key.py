"""A missing or weak SECRET_KEY with DEBUG off: the project and a lone App refuse to start.

Regression: an ``App()`` used without a project never ran the system checks, so with DEBUG
off it signed session cookies with whatever key it was given ("changeme…", "k" * 40).
"""

from __future__ import annotations

import pytest

from framework.conf import settings
from framework.conf.security import SECRET_KEY_HINT
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient, live_server
from framework.web import App, Request, get_asgi_application

STRONG = "weak-key-tests-" + "abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "SECRET_KEY is not set"),
        ("short", "SECRET_KEY has fewer than 32 characters"),
        ("changeme-" + "x" * 40, "SECRET_KEY looks like a placeholder"),
    ],
)
def test_project_with_a_weak_secret_key_refuses_to_start(
    make_settings_module, key: str, problem: str
) -> None:
    make_settings_module(f"SECRET_KEY = {key!r}\nDEBUG = False\nINSTALLED_APPS = []\n")
    with pytest.raises(ImproperlyConfigured) as refused:
        get_asgi_application()
    assert str(refused.value) == (
        f"Refusing to start: (security.E001) {problem} and DEBUG is off.\n\tHINT: {SECRET_KEY_HINT}"
    )


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("k" * 40, "SECRET_KEY has fewer than 5 distinct characters"),
        ("notasecret-" + "x" * 40, "SECRET_KEY looks like a placeholder"),
    ],
)
def test_lone_app_with_a_weak_secret_key_refuses_to_start(key: str, problem: str) -> None:
    with settings.override(SECRET_KEY=key, DEBUG=False):
        app = App()

    @app.get("/")
    async def index(request: Request) -> dict[str, object]:
        return dict(request.session)

    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    assert str(refused.value) == (
        f"Refusing to start: {problem} and DEBUG is off, so session cookies could be forged. "
        f"{SECRET_KEY_HINT}"
    )
    with pytest.raises(RuntimeError, match="The live server did not start"), live_server(app):
        pass  # uvicorn's lifespan startup fails: the server never listens


def test_debug_on_relaxes_the_key_and_a_strong_key_starts() -> None:
    for overrides in ({"SECRET_KEY": "dev", "DEBUG": True}, {"SECRET_KEY": STRONG}):
        with settings.override(**overrides):
            app = App()

        @app.get("/")
        async def index(request: Request) -> dict[str, object]:
            request.session["seen"] = True
            return dict(request.session)

        with TestClient(app) as client:
            response = client.get("/")
        assert response.json() == {"seen": True}
        assert response.headers["set-cookie"].startswith("session=")


def test_lone_app_without_a_key_starts_with_sessions_off() -> None:
    with settings.override(SECRET_KEY="", DEBUG=False):
        app = App()

    @app.get("/")
    async def index(request: Request) -> str:
        return "no sessions needed"

    with TestClient(app) as client:
        response = client.get("/")
    assert response.text == "no sessions needed"
    assert "set-cookie" not in response.headers
