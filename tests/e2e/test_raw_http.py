"""Malformed and hostile HTTP over a real socket to a real uvicorn: the stated status, no 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from framework.conf import settings
from framework.testing import live_server
from framework.web import Request, get_asgi_application
from framework.web.project import project_app
from tests.e2e.conftest import raw_http

LIMIT = 1000
CALLS: list[str] = []


@pytest.fixture
def base_url(webproject: Any) -> Iterator[str]:
    # The project's App before it is built (get_asgi_application() returns it built), so
    # that the test can add its own routes.
    with settings.override(DEBUG=True, MAX_BODY_SIZE=LIMIT):
        app = project_app()

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
TOO_LARGE = b'{"detail":"Request body is too large: the limit is 1000 bytes.","errors":[]}'
NOT_FOUND = b'{"detail":"Not Found","errors":[]}'
#: What uvicorn answers, before the app, to a request it cannot parse.
UNPARSABLE = b"Invalid HTTP request received."


def body_of(response: bytes) -> bytes:
    return response.partition(b"\r\n\r\n")[2]


def test_control_request_works(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/posts/3", HOST))
    assert status == 200
    assert response.endswith(b'{"id":3}')


def test_honest_content_length_over_the_limit_is_413(base_url: str) -> None:
    body = b"x" * (LIMIT + 1)
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, f"Content-Length: {len(body)}", body=body)
    )
    assert (status, body_of(response)) == (413, TOO_LARGE)
    assert CALLS == []


def test_overstated_content_length_is_413_without_waiting_for_the_body(base_url: str) -> None:
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, "Content-Length: 50000000", body=b"tiny")
    )
    assert (status, body_of(response)) == (413, TOO_LARGE)
    assert CALLS == []


def test_understated_content_length_reads_only_what_was_declared(base_url: str) -> None:
    # The surplus (here far over the limit) is never body: the handler gets the 10 bytes.
    body = b"x" * 10 + b"GARBAGE-NOT-A-REQUEST" * 100
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, "Content-Length: 10", body=body)
    )
    assert (status, body_of(response)) == (200, b'{"size":10}')
    assert CALLS == ["upload"]


def test_chunked_body_over_the_limit_is_413(base_url: str) -> None:
    chunk = b"x" * 600
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, "Transfer-Encoding: chunked", body=body)
    )
    assert (status, body_of(response)) == (413, TOO_LARGE)
    assert CALLS == []


def test_chunked_body_within_the_limit(base_url: str) -> None:
    body = b"5\r\nhello\r\n0\r\n\r\n"
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, "Transfer-Encoding: chunked", body=body)
    )
    assert (status, response.endswith(b'{"size":5}')) == (200, True)


# uvicorn refuses these before the app (the app's own check, with the JSON body, is
# tests/web/test_limits.py::test_bad_content_length_is_400).
@pytest.mark.parametrize("value", ["-1", "abc", "1, 2", "+2"])
def test_bad_content_length_is_400(base_url: str, value: str) -> None:
    status, response = raw_http(
        base_url, request("POST", "/upload", HOST, f"Content-Length: {value}", body=b"x")
    )
    assert (status, body_of(response)) == (400, UNPARSABLE)
    assert CALLS == []


def test_two_equal_content_lengths_are_400(base_url: str) -> None:
    status, response = raw_http(
        base_url,
        request("POST", "/upload", HOST, "Content-Length: 2", "Content-Length: 2", body=b"xx"),
    )
    assert (status, body_of(response)) == (400, UNPARSABLE)
    assert CALLS == []


def test_two_different_content_lengths_are_400(base_url: str) -> None:
    status, response = raw_http(
        base_url,
        request("POST", "/upload", HOST, "Content-Length: 1", "Content-Length: 2", body=b"xx"),
    )
    assert (status, body_of(response)) == (400, UNPARSABLE)
    assert CALLS == []


def test_two_host_headers_are_400(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/posts", HOST, HOST))
    assert (status, body_of(response)) == (
        400,
        b'{"detail":"Several Host headers were sent.","errors":[]}',
    )


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:99999", "a b", "[zz]", "a\tb"])
def test_bad_host_is_400(base_url: str, host: str) -> None:
    status, response = raw_http(base_url, request("GET", "/posts", f"Host: {host}"))
    # DEBUG is on in this fixture, so the answer names the setting.
    detail = f"Invalid Host header: {host!r}. You may need to add it to ALLOWED_HOSTS."
    assert (status, body_of(response)) == (
        400,
        b'{"detail":"' + detail.encode().replace(b"\\", b"\\\\") + b'","errors":[]}',
    )


def test_missing_host_is_400(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/posts"))
    assert (status, body_of(response)) == (400, b'{"detail":"Invalid Host header.","errors":[]}')


def test_lowercase_and_unknown_methods(webproject: Any) -> None:
    app = get_asgi_application()
    # httptools (uvicorn's default parser) refuses them itself; h11 lets them reach the app.
    with live_server(app) as default_url, live_server(app, http="h11") as h11_url:
        for method in ("get", "BREW"):
            status, response = raw_http(default_url, request(method, "/posts", HOST))
            assert (status, body_of(response)) == (400, UNPARSABLE)
            status, response = raw_http(h11_url, request(method, "/posts", HOST))
            assert status == 405
            assert b"allow: GET, HEAD, POST\r\n" in response
            assert body_of(response) == b'{"detail":"Method Not Allowed","errors":[]}'


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
    assert (status, body_of(response)) == (404, NOT_FOUND)


def test_static_control_file(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/static/blogapp/app.css", HOST))
    assert (status, response.endswith(b"body { color: blue; }\n")) == (200, True)


@pytest.mark.parametrize(
    "path",
    ["/posts/%ff%fe", "/%C0%AE%C0%AE/", "/posts/%", "/posts/%2e%2e/%2e%2e/etc/passwd", "/%00"],
)
def test_invalid_percent_encoding_in_the_path_is_never_500(base_url: str, path: str) -> None:
    status, response = raw_http(base_url, request("GET", path, HOST))
    assert (status, body_of(response)) == (404, NOT_FOUND)


def test_invalid_percent_encoding_in_the_query_is_decoded_safely(base_url: str) -> None:
    status, response = raw_http(base_url, request("GET", "/echo-query?q=%ff%fe%2e%2e", HOST))
    assert status == 200
    assert response.endswith('{"q":"\ufffd\ufffd.."}'.encode())


def test_semicolons_do_not_split_the_query(base_url: str) -> None:
    _status, response = raw_http(base_url, request("GET", "/echo-query?q=a;b=c", HOST))
    assert response.endswith(b'{"q":"a;b=c"}')


def test_too_many_query_fields_is_400(base_url: str) -> None:
    query = "&".join(f"f{index}=1" for index in range(1001))
    status, response = raw_http(base_url, request("GET", f"/echo-query?{query}", HOST))
    assert (status, body_of(response)) == (
        400,
        b'{"detail":"Too many fields in the query string: the limit is 1000.","errors":[]}',
    )


def test_server_keeps_serving_after_bad_requests(base_url: str) -> None:
    for _ in range(3):
        raw_http(base_url, b"GARBAGE\r\n\r\n")
    status, _ = raw_http(base_url, request("GET", "/posts", HOST))
    assert status == 200
