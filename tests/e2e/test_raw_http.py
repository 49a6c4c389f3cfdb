"""Malformed and hostile HTTP over a real socket to a real uvicorn: the stated status, no 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from framework.conf import settings
from framework.testing import live_server
from framework.web import Request, get_asgi_application
from tests.e2e.conftest import raw_http

LIMIT = 1000
CALLS: list[str] = []


@pytest.fixture
def base_url(webproject: Any) -> Iterator[str]:
    with settings.override(DEBUG=True, MAX_BODY_SIZE=LIMIT):
        app = get_asgi_application()

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        CALLS.append("upload")
        return {"size": len(await request.body())}

    @app.get("/echo-query")
    async def echo_query(request: Request) -> dict[str, Any]:
        return {"q": request.query.get("q")}

    CALLS.clear()
    with live_server(app) as url:
        yield url


def request(method: str, path: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


HOST = "Host: 127.0.0.1"


def test_control_request_works(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/posts/3", HOST))
    assert status == 200
    assert response.endswith(b'{"id":3}')


def test_honest_content_length_over_the_limit_is_413(base_url: str) -> None:
    body = b"x" * (LIMIT + 1)
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, f"Content-Length: {len(body)}", body=body)
    )
    assert status == 413
    assert b'"detail":"Request body is too large: the limit is 1000 bytes."' in response
    assert CALLS == []


def test_overstated_content_length_is_413_without_waiting_for_the_body(base_url: str) -> None:
    status, _ = raw_http(
        base_url, request("POST", "/upload", HOST, "Content-Length: 50000000", body=b"tiny")
    )
    assert status == 413
    assert CALLS == []


def test_understated_content_length_reads_only_what_was_declared(base_url: str) -> None:
    body = b"x" * 10 + b"GARBAGE-NOT-A-REQUEST" * 100
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, "Content-Length: 10", body=body)
    )
    assert status == 200
    assert b'{"size":10}' in response


def test_chunked_body_over_the_limit_is_413(base_url: str) -> None:
    chunk = b"x" * 600
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    status, _ = raw_http(
        base_url, request("POST", "/upload", HOST, "Transfer-Encoding: chunked", body=body)
    )
    assert status == 413
    assert CALLS == []


def test_chunked_body_within_the_limit(base_url: str) -> None:
    body = b"5\r\nhello\r\n0\r\n\r\n"
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, "Transfer-Encoding: chunked", body=body)
    )
    assert (status, response.endswith(b'{"size":5}')) == (200, True)


@pytest.mark.parametrize("value", ["-1", "abc", "1, 2"])
def test_bad_content_length_is_400(base_url: str, value: str) -> None:
    status, _ = raw_http(
        base_url, request("POST", "/upload", HOST, f"Content-Length: {value}", body=b"x")
    )
    assert status == 400


def test_two_equal_content_lengths_are_400(base_url: str) -> None:
    status, _ = raw_http(
        base_url,
        request("POST", "/upload", HOST, "Content-Length: 2", "Content-Length: 2", body=b"xx"),
    )
    assert status == 400
    assert CALLS == []


def test_two_different_content_lengths_are_400(base_url: str) -> None:
    status, _ = raw_http(
        base_url,
        request("POST", "/upload", HOST, "Content-Length: 1", "Content-Length: 2", body=b"xx"),
    )
    assert status == 400


def test_two_host_headers_are_400(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/posts", HOST, HOST))
    assert status == 400
    assert b"Several Host headers were sent." in response


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:99999", "a b", "[zz]"])
def test_bad_host_is_400(base_url: str, host: str) -> None:
    status, _ = raw_http(base_url, request("GET", "/posts", f"Host: {host}"))
    assert status == 400


def test_lowercase_and_unknown_methods(webproject: Any) -> None:
    app = get_asgi_application()
    # httptools (uvicorn's default parser) refuses them itself; h11 lets them reach the app.
    with live_server(app) as default_url, live_server(app, http="h11") as h11_url:
        for method in ("get", "BREW"):
            assert raw_http(default_url, request(method, "/posts", HOST))[0] == 400
            status, response = raw_http(h11_url, request(method, "/posts", HOST))
            assert status == 405
            assert b"allow: GET, HEAD, POST\r\n" in response


@pytest.mark.parametrize(
    "path",
    [
        "/static/../settings.py",
        "/static/%2e%2e/settings.py",
        "/static/..%2fsettings.py",
        "/static/%2e%2e%2f%2e%2e%2fetc/passwd",
        "/static//etc/passwd",
        "//etc/passwd",
        "/static/blogapp/app.css%00.txt",
        "/static/%00",
        "/static/%C0%AE%C0%AE/settings.py",
        "/static/..%5csettings.py",
        "/static/blogapp",
    ],
)
def test_static_traversal_is_404(base_url: str, path: str) -> None:
    status, response = raw_http(base_url, request("GET", path, HOST))
    assert status in (400, 404), response[:200]
    assert b"SECRET_KEY" not in response and b"root:" not in response


def test_static_control_file(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/static/blogapp/app.css", HOST))
    assert (status, response.endswith(b"body { color: blue; }\n")) == (200, True)


@pytest.mark.parametrize("path", ["/posts/%ff%fe", "/%C0%AE%C0%AE/", "/posts/%"])
def test_invalid_percent_encoding_in_the_path_is_never_500(base_url: str, path: str) -> None:
    status, _ = raw_http(base_url, request("GET", path, HOST))
    assert status in (400, 404)


def test_invalid_percent_encoding_in_the_query_is_decoded_safely(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/echo-query?q=%ff%fe%2e%2e", HOST))
    assert status == 200
    assert response.endswith('{"q":"\ufffd\ufffd.."}'.encode())


def test_semicolons_do_not_split_the_query(base_url: str) -> None:
    _status, response = raw_http(base_url, request("GET", "/echo-query?q=a;b=c", HOST))
    assert response.endswith(b'{"q":"a;b=c"}')


def test_too_many_query_fields_is_400(base_url: str) -> None:
    query = "&".join(f"f{index}=1" for index in range(1001))
    status, _ = raw_http(base_url, request("GET", f"/echo-query?{query}", HOST))
    assert status == 400


def test_server_keeps_serving_after_bad_requests(base_url: str) -> None:
    for _ in range(3):
        raw_http(base_url, b"GARBAGE\r\n\r\n")
    status, _ = raw_http(base_url, request("GET", "/posts", HOST))
    assert status == 200
