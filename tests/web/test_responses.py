"""Responses: return-value rules, helpers, cookies, files with Range, streaming, header safety."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid
from pathlib import Path
from typing import Any

import pydantic
import pytest

from framework.testing import TestClient
from framework.web import (
    App,
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Request,
    Response,
    StreamingResponse,
)
from framework.web.responses import to_response


class Point(pydantic.BaseModel):
    x: int
    when: datetime.date


@dataclasses.dataclass
class Pair:
    left: int
    right: uuid.UUID


def serve(value: Any) -> Any:
    app = App()

    @app.get("/")
    async def index(request: Request) -> Any:
        return value

    with TestClient(app) as client:
        return client.get("/")


@pytest.mark.parametrize(
    ("value", "status", "content_type", "body"),
    [
        ({"a": 1}, 200, "application/json", b'{"a":1}'),
        ([1, "two"], 200, "application/json", b'[1,"two"]'),
        ("hello", 200, "text/plain; charset=utf-8", b"hello"),
        (b"\x00\x01", 200, "application/octet-stream", b"\x00\x01"),
        (
            Point(x=1, when=datetime.date(2024, 5, 1)),
            200,
            "application/json",
            b'{"x":1,"when":"2024-05-01"}',
        ),
        (
            Pair(1, uuid.UUID(int=1)),
            200,
            "application/json",
            b'{"left":1,"right":"00000000-0000-0000-0000-000000000001"}',
        ),
        (({"created": True}, 201), 201, "application/json", b'{"created":true}'),
        (("moved", 202, {"x-extra": "1"}), 202, "text/plain; charset=utf-8", b"moved"),
    ],
)
def test_return_values_become_responses(
    value: Any, status: int, content_type: str, body: bytes
) -> None:
    response = serve(value)
    assert response.status_code == status
    assert response.headers["content-type"] == content_type
    assert response.content == body


@pytest.mark.parametrize(
    ("value", "made"),
    [
        ("héllo", lambda: PlainTextResponse("héllo")),
        ("", lambda: PlainTextResponse("")),
        ({"a": [1, None, "ü"]}, lambda: JSONResponse({"a": [1, None, "ü"]})),
        ([], lambda: JSONResponse([])),
        (({"created": True}, 201), lambda: JSONResponse({"created": True}, status_code=201)),
        (("gone", 204), lambda: _after(PlainTextResponse("gone"), 204)),
    ],
    ids=repr,
)
def test_returned_values_make_the_response_starlettes_constructor_makes(
    value: Any, made: Any
) -> None:
    """The handler's str, dict and list returns skip the constructor; nothing else differs."""
    fast, expected = to_response(value), made()
    assert type(fast) is type(expected)
    assert (fast.status_code, fast.body, fast.background) == (
        expected.status_code,
        expected.body,
        expected.background,
    )
    assert fast.raw_headers == expected.raw_headers
    assert fast.headers == expected.headers
    fast.headers["x-added"] = "1"  # the headers stay a view of the raw list, as Starlette's
    assert fast.raw_headers[-1] == (b"x-added", b"1")


def _after(response: Response, status: int) -> Response:
    response.status_code = status  # a tuple's status is set after the value's conversion
    return response


def test_a_str_that_is_not_utf_8_fails_as_starlettes_response_does() -> None:
    with pytest.raises(UnicodeEncodeError) as expected:
        PlainTextResponse("lone \ud800")
    with pytest.raises(UnicodeEncodeError) as fast:
        to_response("lone \ud800")
    assert str(fast.value) == str(expected.value)


def test_none_is_204_without_a_body() -> None:
    response = serve(None)
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers


def test_responses_pass_through() -> None:
    response = serve(HTMLResponse("<b>hi</b>", status_code=418))
    assert (response.status_code, response.text) == (418, "<b>hi</b>")
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_json_understands_common_types() -> None:
    response = JSONResponse(
        {
            "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "price": decimal.Decimal("1.50"),
            "path": Path("a/b"),
            "tags": {"x"},
        }
    )
    assert response.body == (
        b'{"when":"2024-01-02T03:04:05+00:00","price":"1.50","path":"a/b","tags":["x"]}'
    )


def test_unsupported_return_value_names_the_options() -> None:
    with pytest.raises(TypeError) as error:
        to_response(3.5)
    assert str(error.value) == (
        "A handler returned float; return a Response, dict, list, str, bytes, dataclass, "
        "pydantic model or None."
    )
    with pytest.raises(TypeError) as bad_tuple:
        to_response(("a", "b"))
    assert str(bad_tuple.value).startswith("A handler returned a tuple; use (value, status_code)")


def test_unserialisable_json_names_the_type() -> None:
    with pytest.raises(TypeError) as error:
        JSONResponse({"x": object()})
    assert str(error.value) == (
        "Object of type object is not JSON serializable; convert it to a dict, list, str or "
        "number before returning it."
    )


# -- cookies -----------------------------------------------------------------------------------


def test_set_cookie_uses_dynes_directives_and_httponly_by_default() -> None:
    response = PlainTextResponse("ok")
    response.set_cookie("hello", value="world", max_age=60)
    response.set_cookie(
        "prefs",
        "dark",
        path="/app",
        domain="example.com",
        secure=True,
        httponly=False,
        samesite="strict",
    )
    cookies = response.headers.getlist("set-cookie")
    assert cookies == [
        "hello=world; HttpOnly; Max-Age=60; Path=/; SameSite=lax",
        "prefs=dark; Domain=example.com; Path=/app; SameSite=strict; Secure",
    ]


def test_cookie_expires_accepts_datetimes_and_seconds() -> None:
    response = Response()
    response.set_cookie("a", "1", expires=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    assert "expires=Tue, 01 Jan 2030 00:00:00 GMT" in response.headers["set-cookie"]


def test_delete_cookie_expires_it() -> None:
    response = Response()
    response.delete_cookie("hello")
    header = response.headers["set-cookie"]
    assert header.startswith('hello=""; expires=')
    assert "Max-Age=0" in header


def test_line_breaks_in_a_cookie_value_are_quoted_not_sent() -> None:
    response = Response()
    response.set_cookie("evil", "a\r\nSet-Cookie: admin=1")
    header = response.raw_headers[-1][1]
    assert b"\r" not in header and b"\n" not in header


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"key": "bad name"}, "Invalid cookie name 'bad name': use letters, digits"),
        ({"key": "a", "path": "/x\r\nSet-Cookie: y"}, "Cookie path '/x\\r\\nSet-Cookie: y'"),
        ({"key": "a", "samesite": "sometimes"}, "samesite must be 'lax', 'strict' or 'none'"),
    ],
)
def test_unsafe_cookie_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as error:
        Response().set_cookie(**kwargs)
    assert str(error.value).startswith(message)


# -- redirects ---------------------------------------------------------------------------------


def test_redirect_is_302_and_encodes_line_breaks() -> None:
    response = RedirectResponse("/next?to=a\r\nSet-Cookie: x=1")
    assert response.status_code == 302
    assert response.headers["location"] == "/next?to=a%0D%0ASet-Cookie:%20x=1"


def test_redirect_needs_a_3xx_status() -> None:
    with pytest.raises(ValueError) as error:
        RedirectResponse("/", status_code=200)
    assert str(error.value) == "A redirect needs a 3xx status code; got 200."


# -- files and Range ---------------------------------------------------------------------------


@pytest.fixture
def file_client(tmp_path: Path) -> Any:
    target = tmp_path / "data.txt"
    target.write_bytes(bytes(range(256)) * 4)  # 1024 bytes
    app = App()

    @app.get("/file")
    async def download(request: Request) -> FileResponse:
        return FileResponse(target, filename=request.query.get("name", "data.txt"))

    with TestClient(app) as client:
        yield client


def test_file_response_has_length_etag_and_disposition(file_client: TestClient) -> None:
    response = file_client.get("/file")
    assert response.status_code == 200
    assert response.headers["content-length"] == "1024"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-disposition"] == 'attachment; filename="data.txt"'
    assert response.headers["etag"]


def test_single_range_is_206(file_client: TestClient) -> None:
    response = file_client.get("/file", headers={"range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.headers["content-range"] == "bytes 10-19/1024"
    assert response.content == bytes(range(10, 20))


def test_several_ranges_are_multipart(file_client: TestClient) -> None:
    response = file_client.get("/file", headers={"range": "bytes=0-1, 100-101"})
    assert response.status_code == 206
    assert response.headers["content-type"].startswith("multipart/byteranges; boundary=")


def test_thousands_of_ranges_get_the_whole_file(file_client: TestClient) -> None:
    ranges = ",".join(f"{index}-{index}" for index in range(5000))
    response = file_client.get("/file", headers={"range": f"bytes={ranges}"})
    assert response.status_code == 200
    assert len(response.content) == 1024


def test_inverted_range_gets_the_whole_file(file_client: TestClient) -> None:
    response = file_client.get("/file", headers={"range": "bytes=500-100"})
    assert (response.status_code, len(response.content)) == (200, 1024)


def test_range_past_the_end_is_416(file_client: TestClient) -> None:
    response = file_client.get("/file", headers={"range": "bytes=5000-6000"})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */1024"


def test_unsafe_download_name_is_encoded(file_client: TestClient) -> None:
    response = file_client.get("/file", params={"name": 'a"\r\nX-Evil: 1.txt'})
    assert response.headers["content-disposition"] == (
        "attachment; filename*=utf-8''a%22%0D%0AX-Evil%3A%201.txt"
    )
    assert "x-evil" not in response.headers


# -- streaming ---------------------------------------------------------------------------------


def test_streaming_response_sends_every_chunk() -> None:
    app = App()

    @app.get("/stream")
    async def stream(request: Request) -> StreamingResponse:
        async def rows() -> Any:
            for index in range(3):
                yield f"row {index}\n"

        return StreamingResponse(rows(), media_type="text/csv")

    with TestClient(app) as client:
        response = client.get("/stream")
    assert response.text == "row 0\nrow 1\nrow 2\n"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
