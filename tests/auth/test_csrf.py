"""CSRFMiddleware: unsafe cookie-session requests need the token and this site's origin."""

from __future__ import annotations

import re

import pytest

from framework.auth import get_csrf_token
from framework.auth.csrf import CSRFMiddleware, token_matches
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, render

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
