"""Errors: abort, handlers per status/class (app-wide and per app), debug and production pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from framework.conf import settings
from framework.exceptions import FrameworkError
from framework.testing import TestClient
from framework.web import (
    App,
    HTTPException,
    Request,
    StreamingResponse,
    abort,
    get_asgi_application,
)

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def failing_app(**overrides: Any) -> App:
    with settings.override(**overrides):
        app = App()

    @app.get("/abort")
    async def aborts(request: Request) -> None:
        abort(404, detail="No such post.")

    @app.get("/invalid")
    async def invalid(request: Request) -> None:
        abort(
            422,
            detail="Invalid input.",
            errors=[{"loc": ["body", "title"], "msg": "Field required", "type": "missing"}],
        )

    @app.get("/boom")
    async def boom(request: Request) -> None:
        raise ValueError("secret <internals>")

    @app.get("/key")
    async def key(request: Request) -> None:
        raise KeyError("k")

    @app.get("/html-route", html=True)
    async def html_route(request: Request) -> None:
        abort(403)

    return app


def test_abort_gives_the_stable_json_shape() -> None:
    with TestClient(failing_app()) as client:
        response = client.get("/abort")
        invalid = client.get("/invalid")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No such post.", "errors": []},
    )
    assert invalid.status_code == 422
    assert invalid.json() == {
        "detail": "Invalid input.",
        "errors": [{"loc": ["body", "title"], "msg": "Field required", "type": "missing"}],
    }


def test_http_exception_is_a_framework_error_with_a_message() -> None:
    exc = HTTPException(404)
    assert isinstance(exc, FrameworkError)
    assert (str(exc), exc.detail, exc.errors) == ("404: Not Found", "Not Found", [])
    with pytest.raises(ValueError) as error:
        HTTPException(302)
    assert str(error.value) == (
        "HTTPException needs an error status code (400-599); got 302. Return a Response for "
        "other statuses."
    )


def test_a_message_first_abort_says_to_put_the_status_first() -> None:
    # Patera and PyJolt spell it abort("No such post", 404): the order is the porting trap.
    with pytest.raises(TypeError) as error:
        abort("No such post", 404)  # type: ignore[arg-type]
    assert str(error.value) == (
        "HTTPException and abort() take the status code first, then the message: "
        "abort(404, 'No such post'); got status_code='No such post'."
    )
    with pytest.raises(TypeError, match="status code first"):
        HTTPException(True)


def test_browsers_get_a_small_html_page() -> None:
    with TestClient(failing_app()) as client:
        response = client.get("/abort", headers=HTML)
        missing = client.get("/nowhere", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>404 Not Found</h1><p>No such post.</p>" in response.text
    assert missing.status_code == 404
    assert "<title>404 Not Found</title>" in missing.text


def test_html_routes_render_html_errors_for_any_client() -> None:
    with TestClient(failing_app()) as client:
        response = client.get("/html-route", headers={"accept": "application/json"})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "403 Forbidden" in response.text


def test_production_500_hides_the_error() -> None:
    with TestClient(failing_app(), raise_server_exceptions=False) as client:
        api = client.get("/boom")
        page = client.get("/boom", headers=HTML)
    assert (api.status_code, api.json()) == (500, {"detail": "Internal Server Error", "errors": []})
    assert page.status_code == 500
    assert "secret" not in page.text and "Traceback" not in page.text
    assert "<h1>500 Internal Server Error</h1>" in page.text


def test_production_500_is_raised_for_the_server_log() -> None:
    with TestClient(failing_app()) as client, pytest.raises(ValueError, match="secret"):
        client.get("/boom")


def test_debug_shows_a_traceback_page() -> None:
    with TestClient(failing_app(DEBUG=True), raise_server_exceptions=False) as client:
        page = client.get("/boom", headers=HTML)
        api = client.get("/boom")
    assert page.status_code == 500
    assert "<h1>ValueError: secret &lt;internals&gt;</h1>" in page.text
    assert "Traceback (most recent call last)" in page.text
    assert "raise ValueError" in page.text
    assert api.json()["detail"] == "ValueError: secret <internals>"
    assert api.json()["traceback"][-1] == "ValueError: secret <internals>"


def test_debug_404_lists_the_routes_for_browsers() -> None:
    with TestClient(failing_app(DEBUG=True)) as client:
        page = client.get("/nowhere", headers=HTML)
        api = client.get("/nowhere")
    assert page.status_code == 404
    assert "No route matches GET /nowhere" in page.text
    assert "<td>/boom</td>" in page.text
    assert api.json() == {"detail": "Not Found", "errors": []}


def test_handlers_by_status_and_by_exception_class() -> None:
    app = failing_app()

    @app.error_handler(404)
    async def not_found(request: Request, exc: HTTPException) -> dict[str, Any]:
        return {"detail": f"Custom: {exc.detail}", "errors": []}

    @app.error_handler(ValueError)
    def value_error(request: Request, exc: Exception) -> tuple[dict[str, str], int]:
        return {"problem": str(exc)}, 409

    with TestClient(app) as client:
        missing = client.get("/abort")
        unknown = client.get("/nowhere")
        value = client.get("/boom")
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "Custom: No such post.", "errors": []},
    )
    assert unknown.json()["detail"] == "Custom: Not Found"
    assert (value.status_code, value.json()) == (409, {"problem": "secret <internals>"})


def test_exception_handlers_argument() -> None:
    app = App(exception_handlers={KeyError: lambda request, exc: ({"missing": str(exc)}, 400)})

    @app.get("/")
    async def index(request: Request) -> None:
        raise KeyError("k")

    with TestClient(app) as client:
        assert client.get("/").json() == {"missing": "'k'"}


def test_500_handler_is_used_in_production() -> None:
    app = failing_app()
    app.add_exception_handler(500, lambda request, exc: {"detail": "Sorry.", "errors": []})
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/key")
    assert (response.status_code, response.json()) == (500, {"detail": "Sorry.", "errors": []})


def test_handler_returning_none_falls_back_to_the_default() -> None:
    app = failing_app()
    app.error_handler(404)(lambda request, exc: None)
    with TestClient(app) as client:
        assert client.get("/abort").json() == {"detail": "No such post.", "errors": []}


def test_bad_handler_keys_are_refused() -> None:
    app = App()
    with pytest.raises(ValueError) as status:
        app.error_handler(302)(lambda request, exc: None)
    assert str(status.value) == "Error handlers are for statuses 400-599; got 302."
    with pytest.raises(TypeError) as other:
        app.error_handler("404")(lambda request, exc: None)  # type: ignore[arg-type]
    assert str(other.value) == (
        "An error handler key is a status code or exception class; got '404'."
    )


def test_per_app_handlers_apply_to_the_apps_routes_and_prefix(webproject: object) -> None:
    with TestClient(get_asgi_application()) as client:
        cart = client.get("/shop/cart/missing")
        under_prefix = client.get("/shop/nothing-here")
        elsewhere = client.get("/posts/500")
        broken = client.get("/shop/cart/broken")
    assert cart.json() == {"detail": "Shop: No such cart.", "errors": [], "shop": True}
    assert under_prefix.json() == {"detail": "Shop: Not Found", "errors": [], "shop": True}
    assert elsewhere.json() == {"detail": "No post 500.", "errors": []}
    assert (broken.status_code, broken.json()) == (
        409,
        {"detail": "Shop could not do that.", "errors": []},
    )


def test_head_requests_get_no_error_body() -> None:
    with TestClient(failing_app()) as client:
        response = client.head("/abort")
    assert (response.status_code, response.content) == (404, b"")


def test_a_stream_failing_before_its_first_chunk_is_a_proper_500() -> None:
    app = failing_app()

    @app.get("/export")
    async def export(request: Request) -> StreamingResponse:
        async def rows() -> AsyncIterator[bytes]:
            raise RuntimeError("the query failed")
            yield b"never"  # pragma: no cover

        return StreamingResponse(rows())

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/export")
    assert (response.status_code, response.json()) == (
        500,
        {"detail": "Internal Server Error", "errors": []},
    )


def test_a_stream_sends_its_headers_with_the_first_chunk() -> None:
    app = failing_app()
    started: list[str] = []

    @app.get("/export")
    async def export(request: Request) -> StreamingResponse:
        async def rows() -> AsyncIterator[bytes]:
            started.append("body")
            yield b"a"
            yield "b"

        return StreamingResponse(rows(), headers={"x-kind": "export"})

    @app.get("/empty")
    async def empty(request: Request) -> StreamingResponse:
        async def nothing() -> AsyncIterator[bytes]:
            return
            yield b""  # pragma: no cover

        return StreamingResponse(nothing())

    with TestClient(app) as client:
        response = client.get("/export")
        blank = client.get("/empty")
    assert (response.status_code, response.content, response.headers["x-kind"]) == (
        200,
        b"ab",
        "export",
    )
    assert (blank.status_code, blank.content) == (200, b"")


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_failing_500_handler_still_gives_the_stable_500(debug: bool) -> None:
    app = failing_app(DEBUG=debug)

    @app.error_handler(500)
    async def broken(request: Request, exc: Exception) -> StreamingResponse:
        async def page() -> AsyncIterator[bytes]:
            raise LookupError("the error page failed too")
            yield b""  # pragma: no cover

        return StreamingResponse(page())

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    if not debug:
        assert response.json() == {"detail": "Internal Server Error", "errors": []}
