"""CSRFMiddleware: unsafe cookie-session requests need the token and this site's origin."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from starlette.routing import Route

from framework.auth import BasicAuth, MultiAuth, TokenAuth, authenticate, get_csrf_token
from framework.auth.csrf import CSRFMiddleware, token_matches
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, PlainTextResponse, render

SIDE_EFFECTS: list[str] = []
MISSING = (
    "CSRF check failed: the request has no CSRF token. Send the csrf_token form field "
    "({{ csrf_input() }} in the form) or the X-CSRF-Token header."
)
WRONG = "CSRF check failed: the CSRF token is incorrect. Reload the page and try again."


@pytest.fixture(autouse=True)
def _forget() -> None:
    SIDE_EFFECTS.clear()


def make_app(tmp_path, **overrides) -> App:
    (tmp_path / "form.html").write_text(
        '<form method="post">{{ csrf_input() }}<meta name="csrf" content="{{ csrf_token() }}">'
        "</form>"
    )
    with settings.override(TEMPLATES_DIRS=[str(tmp_path)], **overrides):
        app = App()

    @app.get("/form")
    async def form(request):
        return render(request, "form.html")

    @app.post("/items")
    async def create(request):
        form = await request.form()
        SIDE_EFFECTS.append(str(form.get("name")))
        return {"name": form.get("name"), "fields": sorted(form.keys())}

    @app.delete("/items")
    async def delete(request):
        SIDE_EFFECTS.append("deleted")
        return None

    return app


def token_from(client) -> str:
    page = client.get("/form")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text
    return match.group(1)


def test_form_with_the_token_goes_through_with_its_body_intact(tmp_path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        token = token_from(client)
        response = client.post("/items", data={"name": "pen", "csrf_token": token})
    assert response.status_code == 200
    assert response.json() == {"name": "pen", "fields": ["csrf_token", "name"]}
    assert SIDE_EFFECTS == ["pen"]


def test_missing_token_is_403_without_side_effect(tmp_path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        token_from(client)
        response = client.post("/items", data={"name": "pen"})
        deleted = client.delete("/items")
    assert response.status_code == deleted.status_code == 403
    assert response.json() == {"detail": MISSING, "errors": []}
    assert SIDE_EFFECTS == []


def test_wrong_or_foreign_token_is_403(tmp_path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        token_from(client)
        with TestClient(make_app(tmp_path)) as other:
            someone_elses = token_from(other)
        for token in ("garbage", "A" * 86, someone_elses):
            response = client.post("/items", data={"name": "pen", "csrf_token": token})
            assert response.status_code == 403
            assert response.json()["detail"] == WRONG
    assert SIDE_EFFECTS == []


def test_token_in_the_header_for_json_and_deletes(tmp_path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        token = token_from(client)
        response = client.delete("/items", headers={"X-CSRF-Token": token})
    assert response.status_code == 204
    assert SIDE_EFFECTS == ["deleted"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("origin", "https://evil.com"),
        ("origin", "null"),
        ("origin", "http://localhost"),  # another scheme is another origin
        ("referer", "https://evil.com/page"),
    ],
)
def test_foreign_origin_is_403_even_with_the_token(tmp_path, header: str, value: str) -> None:
    with TestClient(make_app(tmp_path), base_url="https://localhost") as client:
        token = token_from(client)
        response = client.post(
            "/items", data={"name": "x", "csrf_token": token}, headers={header: value}
        )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF check failed: the")
    assert SIDE_EFFECTS == []


def test_own_and_trusted_origins_pass(tmp_path) -> None:
    app = make_app(tmp_path, CSRF_TRUSTED_ORIGINS=["https://app.example.com"])
    with TestClient(app, base_url="https://localhost") as client:
        token = token_from(client)
        for origin in ("https://localhost", "https://localhost:443", "https://app.example.com"):
            response = client.post(
                "/items", data={"name": origin, "csrf_token": token}, headers={"origin": origin}
            )
            assert response.status_code == 200, origin
    assert len(SIDE_EFFECTS) == 3


def test_requests_without_the_session_cookie_are_exempt(tmp_path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        assert client.post("/items", data={"name": "anonymous"}).status_code == 200
        token_from(client)  # now the client has a session cookie
        with_header = client.post(
            "/items", data={"name": "api"}, headers={"Authorization": "Bearer abc"}
        )
        assert with_header.status_code == 403  # a header the route does not authenticate with
    assert SIDE_EFFECTS == ["anonymous"]


def test_multipart_form_carries_the_token(tmp_path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        token = token_from(client)
        response = client.post(
            "/items",
            data={"name": "doc", "csrf_token": token},
            files={"upload": ("a.txt", b"hello", "text/plain")},
        )
    assert response.status_code == 200
    assert response.json()["fields"] == ["csrf_token", "name", "upload"]


def test_body_over_the_limit_is_413_before_the_app(tmp_path) -> None:
    with TestClient(make_app(tmp_path, MAX_BODY_SIZE=1000)) as client:
        token = token_from(client)
        response = client.post("/items", data={"name": "x" * 2000, "csrf_token": token})
    assert response.status_code == 413
    assert SIDE_EFFECTS == []


def test_masked_tokens_differ_every_time_and_all_match() -> None:
    from framework.web.sessions import Session

    class FakeRequest:
        session = Session()

    first, second = get_csrf_token(FakeRequest), get_csrf_token(FakeRequest)
    assert first != second
    assert token_matches(FakeRequest.session, first) and token_matches(FakeRequest.session, second)


def test_template_helpers_render_a_hidden_input_and_the_token(tmp_path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        page = client.get("/form").text
    assert re.fullmatch(
        r'<form method="post"><input type="hidden" name="csrf_token" value="[\w-]+">'
        r'<meta name="csrf" content="[\w-]+"></form>',
        page,
    )


def test_installed_by_default_and_off_without_a_secret_key() -> None:
    assert "framework.auth.CSRFMiddleware" in settings.MIDDLEWARE
    with settings.override(SECRET_KEY=""):
        assert CSRFMiddleware.from_settings(settings) is None


def test_trusted_origins_need_a_scheme() -> None:
    with pytest.raises(ImproperlyConfigured) as bad:
        CSRFMiddleware(App(), trusted_origins=["app.example.com"])
    assert str(bad.value) == (
        "CSRF_TRUSTED_ORIGINS entries need a scheme ('https://app.example.com'); "
        "got 'app.example.com'."
    )


# -- the header-auth exemption: only what the route's backend accepts -------------------------

BASIC_CACHED = "Basic " + base64.b64encode(b"ann:cached-password").decode()
api_tokens = TokenAuth()
api_keys = TokenAuth(header="X-API-Key")
basic = BasicAuth()
either = MultiAuth(basic, api_tokens)


@api_tokens.verify_token
@api_keys.verify_token
def _verify_token(token: str) -> Any:
    return {"name": "api"} if token == "good" else None


@basic.verify_password
def _verify_password(username: str, password: str) -> Any:
    return {"name": username} if password == "cached-password" else None


def api_app(tmp_path) -> App:
    app = make_app(tmp_path)

    @app.post("/api/items")
    @authenticate(api_tokens)
    async def api_create(request):
        SIDE_EFFECTS.append("api")
        return {"ok": True}

    @app.post("/keyed/items")
    @authenticate(api_keys)
    async def keyed_create(request):
        SIDE_EFFECTS.append("keyed")
        return {"ok": True}

    @app.post("/basic/items")
    @authenticate(basic)
    async def basic_create(request):
        SIDE_EFFECTS.append("basic")
        return {"ok": True}

    @app.post("/either/items")
    @authenticate(either)
    async def either_create(request):
        SIDE_EFFECTS.append("either")
        return {"ok": True}

    async def raw(request):
        SIDE_EFFECTS.append("raw")
        return PlainTextResponse("raw")

    app.add_asgi_route(Route("/raw", raw, methods=["POST"]))
    return app


CROSS_SITE = {"origin": "https://evil.example"}


@pytest.mark.parametrize(
    ("path", "authorization"),
    [
        ("/items", "x"),
        ("/items", "Bearer abc"),
        ("/items", BASIC_CACHED),  # cached Basic credentials, resent by the browser
        ("/api/items", BASIC_CACHED),  # a token route does not authenticate with Basic
        ("/api/items", "Bearer wrong"),
        ("/keyed/items", "Bearer good"),  # the route reads X-API-Key, not Authorization
        ("/basic/items", "Basic " + base64.b64encode(b"ann:wrong").decode()),
        ("/basic/items", BASIC_CACHED),  # valid, but a browser resends Basic by itself
        ("/either/items", BASIC_CACHED),  # MultiAuth asks the backend that accepted it
        ("/raw", "Bearer good"),  # a route the framework did not build cannot settle it
    ],
)
def test_cross_site_form_with_an_authorization_header_the_route_does_not_accept_is_403(
    tmp_path, path: str, authorization: str
) -> None:
    with TestClient(api_app(tmp_path)) as client:
        token_from(client)  # the browser holds a session cookie
        response = client.post(
            path,
            data={"name": "evil"},
            headers={**CROSS_SITE, "Authorization": authorization},
        )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF check failed: the Origin")
    assert SIDE_EFFECTS == []


@pytest.mark.parametrize(
    ("path", "headers", "effect"),
    [
        ("/api/items", {"Authorization": "Bearer good"}, "api"),
        ("/keyed/items", {"X-API-Key": "good"}, "keyed"),
        ("/either/items", {"Authorization": "Bearer good"}, "either"),
    ],
)
def test_header_authenticated_api_call_with_a_session_cookie_still_works(
    tmp_path, path: str, headers: dict[str, str], effect: str
) -> None:
    with TestClient(api_app(tmp_path)) as client:
        token_from(client)
        response = client.post(path, json={"name": "api"}, headers=headers)
    assert response.status_code == 200
    assert [effect] == SIDE_EFFECTS


def test_the_token_is_verified_once_for_the_exemption_and_the_route(tmp_path) -> None:
    calls: list[str] = []
    counted = TokenAuth()

    @counted.verify_token
    def verify(token: str) -> Any:
        calls.append(token)
        return {"name": "api"} if token == "good" else None

    app = make_app(tmp_path)

    @app.post("/counted")
    @authenticate(counted)
    async def counted_create(request):
        return {"user": request.state.user["name"]}

    with TestClient(app) as client:
        token_from(client)
        response = client.post("/counted", headers={"Authorization": "Bearer good"})
    assert response.json() == {"user": "api"}
    assert calls == ["good"]


def test_the_deferred_refusal_comes_before_any_hook(tmp_path) -> None:
    app = api_app(tmp_path)

    @app.before_request
    async def hook(request):
        SIDE_EFFECTS.append("hook")

    with TestClient(app) as client:
        token_from(client)
        SIDE_EFFECTS.clear()
        response = client.post("/items", data={"name": "x"}, headers={"Authorization": "x"})
    assert response.status_code == 403
    assert SIDE_EFFECTS == []
