"""Request limits: headers, body size, forms and query strings — over, at and disabled for each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Request
from framework.web.limits import Limits, header_size
from tests.web.raw import call_asgi

LIMIT = 100


def limited_app(**overrides: Any) -> tuple[App, list[str]]:
    """Return an app under *overrides* and the list its handlers append to when called."""
    calls: list[str] = []
    with settings.override(**overrides):
        app = App()

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        calls.append("raw")
        return {"size": len(await request.body())}

    @app.post("/json")
    async def json_body(request: Request) -> dict[str, int]:
        calls.append("json")
        return {"size": len(await request.json())}

    @app.post("/form")
    async def form(request: Request) -> dict[str, int]:
        calls.append("form")
        data = await request.form()
        return {"fields": len(data)}

    @app.post("/big", max_body_size=LIMIT * 2)
    async def big(request: Request) -> dict[str, int]:
        calls.append("big")
        return {"size": len(await request.body())}

    @app.post("/unlimited", max_body_size=0)
    async def unlimited(request: Request) -> dict[str, int]:
        calls.append("unlimited")
        return {"size": len(await request.body())}

    @app.get("/query")
    async def query(request: Request) -> dict[str, int]:
        return {"fields": len(request.query.multi_items())}

    return app, calls


TOO_LARGE = {"detail": f"Request body is too large: the limit is {LIMIT} bytes.", "errors": []}


def test_defaults_match_the_security_bar() -> None:
    assert Limits.from_settings(settings) == Limits(
        max_body_size=10 * 1024 * 1024,
        max_form_fields=1000,
        max_form_files=100,
        max_form_part_size=1024 * 1024,
        max_query_fields=1000,
    )


def test_default_body_limit_is_10_megabytes() -> None:
    app, calls = limited_app()
    with TestClient(app) as client:
        over = client.post("/raw", content=b"x" * (10 * 1024 * 1024 + 1))
        at = client.post("/raw", content=b"x" * (10 * 1024 * 1024))
    assert over.status_code == 413
    assert at.json() == {"size": 10 * 1024 * 1024}
    assert calls == ["raw"]


# -- body: honest Content-Length -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/raw", "/form"])
def test_body_over_the_limit_is_413_before_the_handler(path: str) -> None:
    app, calls = limited_app(MAX_BODY_SIZE=LIMIT)
    with TestClient(app) as client:
        response = client.post(
            path,
            content=b"a=" + b"x" * LIMIT,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert calls == []


def test_json_over_the_limit_is_413_before_the_handler() -> None:
    app, calls = limited_app(MAX_BODY_SIZE=LIMIT)
    with TestClient(app) as client:
        response = client.post("/json", json=["x" * LIMIT])
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert calls == []


def test_body_at_the_limit_is_accepted() -> None:
    app, _calls = limited_app(MAX_BODY_SIZE=LIMIT)
    with TestClient(app) as client:
        response = client.post("/raw", content=b"x" * LIMIT)
    assert response.json() == {"size": LIMIT}


def test_body_limit_disabled() -> None:
    app, _ = limited_app(MAX_BODY_SIZE=0)
    with TestClient(app) as client:
        response = client.post("/raw", content=b"x" * (LIMIT * 1000))
    assert response.json() == {"size": LIMIT * 1000}


# -- body: chunked (no Content-Length) ---------------------------------------------------------


def chunks(total: int, size: int = 10) -> Iterator[bytes]:
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


def test_chunked_body_over_the_limit_is_413_before_the_handler() -> None:
    app, calls = limited_app(MAX_BODY_SIZE=LIMIT)
    with TestClient(app) as client:
        response = client.post("/raw", content=chunks(LIMIT + 1))
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert calls == []


def test_chunked_body_at_the_limit_is_accepted() -> None:
    app, _calls = limited_app(MAX_BODY_SIZE=LIMIT)
    with TestClient(app) as client:
        response = client.post("/raw", content=chunks(LIMIT))
    assert response.json() == {"size": LIMIT}


async def test_understated_content_length_never_passes_the_limit() -> None:
    app, calls = limited_app(MAX_BODY_SIZE=LIMIT)
    # The client claims 10 bytes but sends more: reading stops at the limit with a 413.
    response = await call_asgi(
        app,
        "POST",
        "/raw",
        body=b"x" * (LIMIT + 50),
        headers=[(b"host", b"localhost"), (b"content-length", b"10")],
    )
    assert response.status == 413
    assert calls == ["raw"]


# -- body: per-route override ------------------------------------------------------------------


def test_route_override_over_at_and_disabled() -> None:
    app, calls = limited_app(MAX_BODY_SIZE=LIMIT)
    with TestClient(app) as client:
        over = client.post("/big", content=b"x" * (LIMIT * 2 + 1))
        at = client.post("/big", content=b"x" * (LIMIT * 2))
        disabled = client.post("/unlimited", content=b"x" * (LIMIT * 50))
    assert over.status_code == 413
    assert over.json()["detail"] == f"Request body is too large: the limit is {LIMIT * 2} bytes."
    assert at.json() == {"size": LIMIT * 2}
    assert disabled.json() == {"size": LIMIT * 50}
    assert calls == ["big", "unlimited"]


# -- Content-Length headers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ([(b"content-length", b"-5")], "Invalid Content-Length header: '-5'."),
        ([(b"content-length", b"ten")], "Invalid Content-Length header: 'ten'."),
        (
            [(b"content-length", b"3"), (b"content-length", b"4")],
            "Several Content-Length headers were sent.",
        ),
        (
            [(b"content-length", b"3"), (b"content-length", b"3")],
            "Several Content-Length headers were sent.",
        ),
    ],
)
async def test_bad_content_length_is_400(headers: list[tuple[bytes, bytes]], detail: str) -> None:
    app, calls = limited_app()
    response = await call_asgi(
        app, "POST", "/raw", body=b"abc", headers=[(b"host", b"localhost"), *headers]
    )
    assert response.status == 400
    assert response.body == b'{"detail":"' + detail.encode() + b'","errors":[]}'
    assert calls == []


async def test_client_disconnect_mid_upload_stops_quietly() -> None:
    app, calls = limited_app()
    messages = [
        {"type": "http.request", "body": b"a=1&", "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/raw",
        "raw_path": b"/raw",
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "http_version": "1.1",
        "headers": [(b"host", b"localhost"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1),
        "server": ("localhost", 80),
    }
    await app(scope, receive, send)
    assert calls == []  # the chunked body is read before the handler, so it never ran
    assert sent == []


# -- forms -------------------------------------------------------------------------------------


def urlencoded(fields: int) -> bytes:
    return "&".join(f"f{index}=v" for index in range(fields)).encode()


def form_post(client: TestClient, body: bytes) -> Any:
    return client.post(
        "/form", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )


def test_form_fields_over_at_and_disabled() -> None:
    app, _ = limited_app(FORM_MAX_FIELDS=5)
    with TestClient(app) as client:
        over = form_post(client, urlencoded(6))
        at = form_post(client, urlencoded(5))
    assert over.status_code == 400
    assert over.json() == {
        "detail": "Too many fields. Maximum number of fields is 5.",
        "errors": [],
    }
    assert at.json() == {"fields": 5}
    app, _ = limited_app(FORM_MAX_FIELDS=0)
    with TestClient(app) as client:
        assert form_post(client, urlencoded(3000)).json() == {"fields": 3000}


def test_default_form_field_limit_is_1000() -> None:
    app, _ = limited_app()
    with TestClient(app) as client:
        assert form_post(client, urlencoded(1001)).status_code == 400
        assert form_post(client, urlencoded(1000)).json() == {"fields": 1000}


def test_multipart_fields_are_limited_too() -> None:
    app, _ = limited_app(FORM_MAX_FIELDS=2)
    with TestClient(app) as client:
        over = client.post("/form", files={"a": (None, "1"), "b": (None, "2"), "c": (None, "3")})
        at = client.post("/form", files={"a": (None, "1"), "b": (None, "2")})
    assert over.json()["detail"] == "Too many fields. Maximum number of fields is 2."
    assert at.json() == {"fields": 2}


def files(count: int) -> dict[str, Any]:
    return {f"file{index}": (f"{index}.txt", b"data", "text/plain") for index in range(count)}


def test_form_files_over_at_and_disabled() -> None:
    app, _ = limited_app(FORM_MAX_FILES=3)
    with TestClient(app) as client:
        over = client.post("/form", files=files(4))
        at = client.post("/form", files=files(3))
    assert over.status_code == 400
    assert over.json()["detail"] == "Too many files. Maximum number of files is 3."
    assert at.json() == {"fields": 3}
    app, _ = limited_app(FORM_MAX_FILES=0)
    with TestClient(app) as client:
        assert client.post("/form", files=files(150)).json() == {"fields": 150}


def test_default_form_file_limit_is_100() -> None:
    app, _ = limited_app()
    with TestClient(app) as client:
        assert client.post("/form", files=files(101)).status_code == 400
        assert client.post("/form", files=files(100)).json() == {"fields": 100}


def test_form_part_size_over_at_and_disabled() -> None:
    app, _ = limited_app(FORM_MAX_PART_SIZE=1024)
    with TestClient(app) as client:
        over = client.post("/form", files={"note": (None, "x" * 1025)})
        at = client.post("/form", files={"note": (None, "x" * 1024)})
        over_urlencoded = form_post(client, b"note=" + b"x" * 1025)
        big_file = client.post("/form", files={"f": ("a.bin", b"x" * 5000, "text/plain")})
    assert over.status_code == 400
    assert over.json()["detail"] == "Part exceeded maximum size of 1KB."
    assert at.json() == {"fields": 1}
    assert over_urlencoded.json()["detail"] == "Field exceeded maximum size of 1KB."
    assert big_file.json() == {"fields": 1}  # files are limited by the body size only
    app, _ = limited_app(FORM_MAX_PART_SIZE=0)
    with TestClient(app) as client:
        assert client.post("/form", files={"note": (None, "x" * 50_000)}).json() == {"fields": 1}


def test_default_form_part_size_is_one_megabyte() -> None:
    app, _ = limited_app()
    with TestClient(app) as client:
        assert client.post("/form", files={"n": (None, "x" * (1024 * 1024 + 1))}).status_code == 400
        assert client.post("/form", files={"n": (None, "x" * 1024 * 1024)}).json() == {"fields": 1}


def test_missing_multipart_boundary_is_400() -> None:
    app, _calls = limited_app()
    with TestClient(app) as client:
        response = client.post(
            "/form", content=b"--x\r\n", headers={"content-type": "multipart/form-data"}
        )
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "Missing boundary in multipart.",
    )


# -- query strings -----------------------------------------------------------------------------


def query(fields: int) -> str:
    return "/query?" + "&".join(f"q{index}=1" for index in range(fields))


def test_query_fields_over_at_and_disabled() -> None:
    app, _ = limited_app(QUERY_MAX_FIELDS=10)
    with TestClient(app) as client:
        over = client.get(query(11))
        at = client.get(query(10))
    assert over.status_code == 400
    assert over.json() == {
        "detail": "Too many fields in the query string: the limit is 10.",
        "errors": [],
    }
    assert at.json() == {"fields": 10}
    app, _ = limited_app(QUERY_MAX_FIELDS=0)
    with TestClient(app) as client:
        assert client.get(query(2000)).json() == {"fields": 2000}


def test_default_query_field_limit_is_1000() -> None:
    app, _ = limited_app()
    with TestClient(app) as client:
        assert client.get(query(1001)).status_code == 400
        assert client.get(query(1000)).json() == {"fields": 1000}


def test_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        Limits.from_settings(settings, max_body_size=-1)
    assert str(error.value) == "max_body_size must be a whole number of 0 or more; got -1."


# -- headers: MAX_HEADER_SIZE ----------------------------------------------------------------

HEADER_LIMIT = 200
HEADERS_TOO_LARGE = {
    "detail": f"Request headers are too large: the limit is {HEADER_LIMIT} bytes.",
    "errors": [],
}


def header_app(limit: int) -> tuple[App, list[str]]:
    calls: list[str] = []
    with settings.override(MAX_HEADER_SIZE=limit):
        app = App()

    @app.get("/")
    async def index(request: Request) -> str:
        calls.append("index")
        return "ok"

    @app.websocket("/ws")
    async def socket(ws: Any) -> None:
        calls.append("socket")
        await ws.accept()
        await ws.close()

    return app, calls


def padded(total: int) -> list[tuple[bytes, bytes]]:
    """Return headers of exactly *total* bytes as counted: name + value + 4 per header."""
    host = (b"host", b"localhost")  # 4 + 9 + 4 = 17 bytes
    return [host, (b"x-pad", b"p" * (total - 17 - 9))]


def test_header_size_counts_names_values_and_line_framing() -> None:
    assert header_size(padded(HEADER_LIMIT)) == HEADER_LIMIT
    assert header_size([(b"a", b"bc")]) == len(b"a: bc\r\n")


async def test_headers_over_the_limit_are_431_before_any_middleware_or_handler() -> None:
    app, calls = header_app(HEADER_LIMIT)
    response = await call_asgi(app, headers=padded(HEADER_LIMIT + 1))
    assert (response.status, json.loads(response.body)) == (431, HEADERS_TOO_LARGE)
    assert response.headers["vary"] == "Accept"
    # Refused outside MIDDLEWARE: not even the security headers middleware ran.
    assert "x-content-type-options" not in response.headers
    assert calls == []


async def test_headers_at_the_limit_are_served() -> None:
    app, calls = header_app(HEADER_LIMIT)
    response = await call_asgi(app, headers=padded(HEADER_LIMIT))
    assert (response.status, response.body) == (200, b"ok")
    assert calls == ["index"]


async def test_header_limit_disabled_with_0() -> None:
    app, calls = header_app(0)
    response = await call_asgi(app, headers=padded(100 * 1024))
    assert (response.status, response.body) == (200, b"ok")
    assert calls == ["index"]


def test_default_header_limit_is_64_kib() -> None:
    assert settings.MAX_HEADER_SIZE == 64 * 1024
    app, calls = header_app(settings.MAX_HEADER_SIZE)
    with TestClient(app) as client:
        assert client.get("/", headers={"x-pad": "p" * 100 * 1024}).status_code == 431
        assert client.get("/", headers={"x-pad": "p" * 60 * 1024}).status_code == 200
    assert calls == ["index"]


def test_websocket_handshake_over_the_limit_is_refused_before_the_handler() -> None:
    # In-process there is no denial-response extension: the handshake is closed before it is
    # accepted (a server answers 403). Over uvicorn it is a 431: tests/e2e/test_runtime_limits.py.
    app, calls = header_app(HEADER_LIMIT)
    with TestClient(app) as client:
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect("/ws", headers={"x-pad": "p" * HEADER_LIMIT}),
        ):
            pass
        with client.websocket_connect("/ws"):
            pass
    assert refused.value.code == 1008
    assert calls == ["socket"]
