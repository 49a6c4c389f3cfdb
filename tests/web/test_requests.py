"""Requests: JSON, forms, files, query, cookies, headers, and the hooks for other layers."""

from __future__ import annotations

from typing import Any

import pytest

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request


def echo_app() -> App:
    app = App()

    @app.post("/json")
    async def json_body(request: Request) -> Any:
        return {"json": await request.json()}

    @app.post("/form")
    async def form_body(request: Request) -> Any:
        form = await request.form()
        files = await request.files()
        return {
            "fields": {key: value for key, value in form.items() if key not in files},
            "files": {
                key: [upload.filename, (await upload.read()).decode()]
                for key, upload in files.items()
            },
        }

    @app.get("/query")
    async def query(request: Request) -> Any:
        return {"all": request.query.multi_items(), "q": request.query.get("q")}

    @app.get("/meta")
    async def meta(request: Request) -> Any:
        return {
            "cookies": request.cookies,
            "agent": request.headers.get("user-agent"),
            "wants_html": request.wants_html,
        }

    return app


@pytest.fixture
def client() -> Any:
    with TestClient(echo_app()) as test_client:
        yield test_client


def test_json_body(client: TestClient) -> None:
    response = client.post("/json", json={"a": [1, 2]})
    assert response.json() == {"json": {"a": [1, 2]}}


def test_plus_json_content_type_is_json(client: TestClient) -> None:
    response = client.post(
        "/json", content=b'{"a":1}', headers={"content-type": "application/merge-patch+json"}
    )
    assert response.json() == {"json": {"a": 1}}


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [("text/plain", "'text/plain'"), (None, "none"), ("application/jsonx", "'application/jsonx'")],
)
def test_json_with_another_content_type_is_415(
    client: TestClient, content_type: str | None, shown: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/json", content=b'{"a": 1}', headers=headers)
    assert response.status_code == 415
    assert response.json() == {
        "detail": f"Expected a JSON body (Content-Type: application/json); got {shown}.",
        "errors": [
            {
                "loc": ["header", "content-type"],
                "msg": "Unsupported media type",
                "type": "content_type",
            }
        ],
    }


def test_malformed_json_is_400_with_a_location(client: TestClient) -> None:
    response = client.post(
        "/json", content=b'{"a": 1} trailing', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Malformed JSON body: Extra data at line 1 column 10.",
        "errors": [{"loc": ["body", 9], "msg": "Extra data", "type": "json_invalid"}],
    }


def test_a_paired_surrogate_escape_is_one_character(client: TestClient) -> None:
    response = client.post(
        "/json", content=b'["\\ud83d\\ude00"]', headers={"content-type": "application/json"}
    )
    assert response.json() == {"json": ["\U0001f600"]}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"", "The request body is empty; expected JSON."),
        (b"\xff\xfe{", "Malformed JSON body: it is not valid UTF-8."),
        (b"[" * 100_000, "Malformed JSON body: it is nested too deeply."),
        (b"1" + b"0" * 5000, "Malformed JSON body: a number has too many digits."),
        (
            b'{"a": "\\ud800"}',
            "Malformed JSON body: a string holds an unpaired surrogate escape (\\ud800-\\udfff).",
        ),
        (
            b'{"a": NaN}',
            "Malformed JSON body: NaN is not a JSON value (JSON has no NaN or Infinity; send "
            "null or a string).",
        ),
        (
            b"[1, Infinity]",
            "Malformed JSON body: Infinity is not a JSON value (JSON has no NaN or Infinity; "
            "send null or a string).",
        ),
        (
            b'{"a": {"b": -Infinity}}',
            "Malformed JSON body: -Infinity is not a JSON value (JSON has no NaN or Infinity; "
            "send null or a string).",
        ),
    ],
)
def test_bad_json_bodies_are_400(client: TestClient, body: bytes, detail: str) -> None:
    response = client.post("/json", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_form_fields_and_files(client: TestClient) -> None:
    response = client.post(
        "/form", data={"title": "Hi"}, files={"upload": ("notes.txt", b"file body", "text/plain")}
    )
    assert response.json() == {
        "fields": {"title": "Hi"},
        "files": {"upload": ["notes.txt", "file body"]},
    }


def test_urlencoded_form(client: TestClient) -> None:
    response = client.post(
        "/form",
        content=b"a=1&b=two+words",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.json() == {"fields": {"a": "1", "b": "two words"}, "files": {}}


def test_uploaded_files_are_closed_after_the_response() -> None:
    app = App()
    kept: list[Any] = []

    @app.post("/upload")
    async def upload(request: Request) -> str:
        kept.extend((await request.files()).values())
        return "ok"

    with TestClient(app) as client:
        client.post("/upload", files={"f": ("a.bin", b"x" * 10, "application/octet-stream")})
    assert kept and kept[0].file.closed


def test_query_parameters(client: TestClient) -> None:
    response = client.get("/query?q=1&q=2&x=a%20b")
    assert response.json() == {"all": [["q", "1"], ["q", "2"], ["x", "a b"]], "q": "2"}


def test_semicolon_is_not_a_query_separator(client: TestClient) -> None:
    response = client.get("/query?q=1;x=2")
    assert response.json() == {"all": [["q", "1;x=2"]], "q": "1;x=2"}


def test_cookies_headers_and_accept(client: TestClient) -> None:
    response = client.get(
        "/meta",
        headers={"user-agent": "tests/1", "cookie": "a=1; b=two", "accept": "text/html,*/*"},
    )
    assert response.json() == {
        "cookies": {"a": "1", "b": "two"},
        "agent": "tests/1",
        "wants_html": True,
    }


def test_call_on_close_runs_every_callback_even_when_one_fails(caplog: Any) -> None:
    app = App()
    calls: list[str] = []

    async def bad() -> None:
        calls.append("bad")
        raise RuntimeError("close failed")

    async def good() -> None:
        calls.append("good")

    @app.get("/")
    async def index(request: Request) -> str:
        request.call_on_close(good)
        request.call_on_close(bad)
        return "ok"

    with TestClient(app) as client, pytest.raises(RuntimeError, match="close failed"):
        client.get("/")
    assert calls == ["bad", "good"]


def test_request_session_without_middleware_names_the_fix() -> None:
    with settings.override(SECRET_KEY=""):
        app = App()

    @app.get("/")
    async def index(request: Request) -> Any:
        return dict(request.session)

    with TestClient(app) as client, pytest.raises(ImproperlyConfigured) as error:
        client.get("/")
    assert str(error.value) == (
        "request.session needs the session middleware: add "
        "'framework.web.middleware.SessionMiddleware' to MIDDLEWARE and set SECRET_KEY (it "
        "signs the cookie)."
    )


def test_nan_and_infinity_are_400_with_the_stable_shape(client: TestClient) -> None:
    response = client.post("/json", content=b"[NaN]", headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "Malformed JSON body: NaN is not a JSON value (JSON has no NaN or "
            "Infinity; send null or a string).",
            "errors": [{"loc": ["body"], "msg": "NaN is not valid JSON", "type": "json_invalid"}],
        },
    )
    words = client.post(
        "/json", content=b'["NaN", "Infinity"]', headers={"content-type": "application/json"}
    )
    assert words.json() == {"json": ["NaN", "Infinity"]}  # strings are only text


def _scope() -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}


def _receiver(*messages: dict[str, Any]) -> Any:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return receive


def test_a_request_has_starlettes_attributes_and_its_limits() -> None:
    """Request.__init__ is Starlette's, inlined: the same attributes, plus the limits."""
    from starlette.requests import Request as StarletteRequest

    ours, theirs = Request(_scope()), StarletteRequest(_scope())
    assert set(vars(ours)) == set(vars(theirs)) | {"limits"}
    assert {key: vars(ours)[key] for key in vars(theirs) if key != "scope"} == {
        key: value for key, value in vars(theirs).items() if key != "scope"
    }
    with pytest.raises(AssertionError):
        Request({**_scope(), "type": "websocket"})


async def test_the_body_is_read_in_chunks_once_then_kept() -> None:
    request = Request(
        _scope(),
        _receiver(
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.request", "body": b"", "more_body": True},
            {"type": "http.request", "body": b"c", "more_body": False},
        ),
    )
    assert await request.body() == b"abc"
    assert await request.body() == b"abc"  # kept: nothing more is received
    assert [chunk async for chunk in request.stream()] == [b"abc", b""]


async def test_a_body_already_streamed_cannot_be_read_again() -> None:
    request = Request(_scope(), _receiver({"type": "http.request", "body": b"x"}))
    assert [chunk async for chunk in request.stream()] == [b"x", b""]
    with pytest.raises(RuntimeError, match="already read as a stream"):
        await request.body()


async def test_a_client_gone_while_the_body_is_read_is_a_disconnect() -> None:
    from framework.web.requests import ClientDisconnect

    request = Request(
        _scope(),
        _receiver(
            {"type": "http.request", "body": b"x", "more_body": True}, {"type": "http.disconnect"}
        ),
    )
    with pytest.raises(ClientDisconnect):
        await request.body()
    assert await request.is_disconnected()
