"""``\\r\\n`` and ``\\0`` that reach a response header are refused or encoded, never sent.

A redirect target, a download filename and a cookie each come from user input in real
handlers; whatever they hold, the response keeps the headers the handler meant to send.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from framework.web import App, FileResponse, RedirectResponse, Request, Response
from tests.web.raw import call_asgi

HOSTILE = [
    pytest.param("a\r\nSet-Cookie: admin=1", id="crlf"),
    pytest.param("a\x00b", id="nul"),
    pytest.param("a\x00\r\nX-Evil: 1", id="nul-and-crlf"),
    pytest.param("a\nX-Evil: 1", id="lf"),
]
FORBIDDEN = (b"\r", b"\n", b"\x00")


def header_app(download: Path) -> App:
    app = App()

    @app.get("/redirect")
    async def redirect(request: Request) -> RedirectResponse:
        return RedirectResponse("/next?to=" + request.query_params["to"])

    @app.get("/download")
    async def file(request: Request) -> FileResponse:
        return FileResponse(download, filename=request.query_params["name"])

    @app.get("/cookie")
    async def cookie(request: Request) -> Response:
        response = Response("ok")
        response.set_cookie("remember", request.query_params["value"])
        return response

    return app


@pytest.fixture
def app(tmp_path: Path) -> App:
    download = tmp_path / "data.txt"
    download.write_bytes(b"data")
    return header_app(download)


def assert_clean(headers: list[tuple[bytes, bytes]]) -> None:
    for name, value in headers:
        assert not any(char in name + value for char in FORBIDDEN), (name, value)
        assert name.lower() != b"x-evil"
    assert [name for name, _ in headers if name.lower() == b"set-cookie"] in ([], [b"set-cookie"])


async def get(app: App, path: str, **query: str) -> Any:
    return await call_asgi(
        app, path=path, headers=[(b"host", b"localhost")], query_string=urlencode(query).encode()
    )


@pytest.mark.parametrize("value", HOSTILE)
async def test_line_breaks_and_nul_in_a_redirect_target_are_encoded(app: App, value: str) -> None:
    response = await get(app, "/redirect", to=value)
    assert response.status == 302
    assert_clean(response.raw_headers)
    location = response.headers["location"]
    assert location.startswith("/next?to=a")
    assert "%00" in location or "%0D" in location or "%0A" in location


@pytest.mark.parametrize("value", HOSTILE)
async def test_line_breaks_and_nul_in_a_download_filename_are_encoded(app: App, value: str) -> None:
    response = await get(app, "/download", name=value)
    assert response.status == 200
    assert response.body == b"data"
    assert_clean(response.raw_headers)
    assert response.headers["content-disposition"].startswith("attachment; filename*=utf-8''a")


@pytest.mark.parametrize("value", HOSTILE)
async def test_line_breaks_and_nul_in_a_cookie_value_are_quoted(app: App, value: str) -> None:
    response = await get(app, "/cookie", value=value)
    assert response.status == 200
    assert_clean(response.raw_headers)
    assert response.headers["set-cookie"].startswith('remember="a\\')


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"key": "a\x00"}, "Invalid cookie name 'a\\x00'"),
        ({"key": "a\r\nX-Evil"}, "Invalid cookie name 'a\\r\\nX-Evil'"),
        ({"key": "a", "path": "/x\x00"}, "Cookie path '/x\\x00' contains a forbidden character."),
        ({"key": "a", "domain": "a\x00b"}, "Cookie domain 'a\\x00b' contains a forbidden"),
        ({"key": "a", "domain": "a\r\nb"}, "Cookie domain 'a\\r\\nb' contains a forbidden"),
    ],
    ids=["nul-name", "crlf-name", "nul-path", "nul-domain", "crlf-domain"],
)
def test_nul_or_line_breaks_in_cookie_names_paths_and_domains_are_refused(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        Response().set_cookie(**options)
    assert str(refused.value).startswith(message)
