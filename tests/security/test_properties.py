"""Property tests: every parser the framework owns returns a value or a 4xx, never a 500.

Hypothesis feeds arbitrary text to settings casting, path converters, the Host check, query
strings, session cookies, Range headers, Digest ``Authorization`` headers and multipart
filenames; the handlers must answer 2xx/3xx/4xx only. (Schemathesis does the same for the
demo project's whole API from its OpenAPI document: ``tests/e2e/test_demo_api.py``.)
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from marshmallow import Schema
from pydantic import BaseModel

from framework.auth import DigestAuth, authenticate
from framework.auth.digest import _REQUIRED as DIGEST_REQUIRED
from framework.auth.digest import _parse as parse_digest
from framework.conf import settings
from framework.conf.casting import cast_like
from framework.exceptions import ImproperlyConfigured
from framework.io import input
from framework.io.marshmallow import FileField as MarshmallowFileField
from framework.io.pydantic import FileField
from framework.testing import TestClient
from framework.web import App, FileResponse, Request

KEY = "property-tests-secret-key-0123456789-abcdefghij"
FUZZ = hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Printable ASCII plus a few troublemakers: the characters a header or URL can carry.
HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t"),
    max_size=80,
)


@FUZZ
@given(
    raw=st.text(max_size=40), like=st.sampled_from([True, 0, 1.5, [], (), {}, "", None, Path("x")])
)
def test_casting_returns_a_value_or_a_clear_error(raw: str, like: Any) -> None:
    try:
        value = cast_like(raw, like, "KEY", "the environment")
    except ImproperlyConfigured as error:
        assert str(error).startswith("Setting KEY from the environment cannot be read as ")
    else:
        if like is None or isinstance(like, str):
            assert value == raw
        else:
            assert isinstance(value, type(like))


def asgi_status(app: Any, raw_path: bytes, query: bytes = b"") -> int:
    """Send one GET with exactly these bytes to *app*, as uvicorn would, and return the status.

    httpx refuses some URLs a raw client can still send, so paths and queries skip it.
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "path": unquote(raw_path.decode("latin-1")),
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
        "headers": [(b"host", b"127.0.0.1")],
        "state": {},
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    asyncio.run(app(scope, receive, send))
    return status


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("files")
    (folder / "data.txt").write_bytes(bytes(range(256)) * 40)
    with settings.override(SECRET_KEY=KEY):
        app = App()

    @app.get("/items/{item_id:int}")
    async def item(request: Request, item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/pages/{slug:slug}/{rest:path}")
    async def page(request: Request, slug: str, rest: str) -> dict[str, str]:
        return {"slug": slug, "rest": rest}

    @app.get("/things/{thing_id:uuid}")
    async def thing(request: Request, thing_id: Any) -> str:
        return str(thing_id)

    @app.get("/search")
    async def search(request: Request) -> dict[str, Any]:
        return {"q": request.query_params.get("q"), "fields": len(request.query_params)}

    @app.get("/session")
    async def session(request: Request) -> dict[str, Any]:
        return {"user": request.session.get("user")}

    @app.get("/file")
    async def file(request: Request) -> FileResponse:
        return FileResponse(folder / "data.txt")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def assert_handled(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])


RAW = st.binary(max_size=60)


@FUZZ
@given(segment=st.text(max_size=60) | RAW)
def test_path_converters_never_fail(client: Any, segment: str | bytes) -> None:
    encoded = quote(segment, safe="/%").encode("ascii")
    for prefix, suffix in (
        (b"/items/", b""),
        (b"/pages/", b"/x"),
        (b"/pages/a/", b""),
        (b"/things/", b""),
    ):
        status = asgi_status(client.app, prefix + encoded + suffix)
        assert status in (200, 307, 308, 400, 404, 405), (segment, status)


@FUZZ
@given(query=RAW)
def test_query_strings_never_fail(client: Any, query: bytes) -> None:
    assert asgi_status(client.app, b"/search", query) in (200, 400)


@FUZZ
@given(host=HEADER_TEXT)
def test_host_headers_get_200_or_400(client: Any, host: str) -> None:
    response = client.get("/items/1", headers={"host": host})
    assert response.status_code in (200, 400), (host, response.status_code)


@FUZZ
@given(cookie=HEADER_TEXT.filter(lambda value: ";" not in value))
def test_any_session_cookie_is_an_empty_session(client: Any, cookie: str) -> None:
    client.cookies.clear()
    response = client.get("/session", headers={"cookie": f"session={cookie}"})
    assert response.status_code == 200
    assert response.json() == {"user": None}


@FUZZ
@given(spec=HEADER_TEXT)
def test_range_headers_get_200_206_or_416(client: Any, spec: str) -> None:
    for header in (spec, "bytes=" + spec):
        response = client.get("/file", headers={"range": header})
        assert response.status_code in (200, 206, 416), (header, response.status_code)


@FUZZ
@given(
    starts=st.lists(st.integers(min_value=-5, max_value=20000), min_size=1, max_size=50),
    lengths=st.lists(st.integers(min_value=-5, max_value=20000), min_size=1, max_size=50),
)
def test_numeric_ranges_are_served_or_refused(
    client: Any, starts: list[int], lengths: list[int]
) -> None:
    parts = [f"{start}-{start + length}" for start, length in zip(starts, lengths, strict=False)]
    response = client.get("/file", headers={"range": "bytes=" + ",".join(parts)})
    assert response.status_code in (200, 206, 416)


# -- Digest Authorization headers ----------------------------------------------------------------

# Latin-1 text without CR, LF or NUL: what a header value can carry to the app.
LATIN1_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF) | st.sampled_from("\t"),
    max_size=60,
)
DIGEST_KEYS = st.sampled_from(
    ["username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce", "opaque", "algorithm"]
)


@pytest.fixture(scope="module")
def digest_client() -> Any:
    with settings.override(SECRET_KEY=KEY):
        app = App()
        backend = DigestAuth(realm="fuzz")
        backend.get_password(lambda username: "secret-password" if username == "ann" else None)
        nonce, opaque = backend._default_nonce(), backend._sign("opaque:fuzz")[:32]

        @app.get("/digest")
        @authenticate(backend)
        async def digest(request: Request) -> dict[str, Any]:
            return {"user": request.state.user}

        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, nonce, opaque


@st.composite
def digest_headers(draw: st.DrawFn, nonce: str, opaque: str) -> str:
    """Return a Digest header: known and unknown keys, real and hostile values, any quoting."""
    value = st.sampled_from([nonce, opaque, "fuzz", "/digest", "ann", "auth", "00000001"])
    pairs = draw(
        st.lists(
            st.tuples(DIGEST_KEYS | LATIN1_TEXT, value | LATIN1_TEXT, st.booleans()), max_size=12
        )
    )
    separator = draw(st.sampled_from([", ", ",", " ", ";"]))
    parts = [f'{key}="{text}"' if quoted else f"{key}={text}" for key, text, quoted in pairs]
    scheme = draw(st.sampled_from(["Digest", "digest", "DIGEST"]))
    return f"{scheme} {separator.join(parts)}"


@FUZZ
@given(data=st.data())
def test_digest_authorization_headers_get_401_never_500(digest_client: Any, data: Any) -> None:
    client, nonce, opaque = digest_client
    header = data.draw(digest_headers(nonce, opaque) | LATIN1_TEXT.map("Digest ".__add__))
    response = client.get("/digest", headers=[(b"authorization", header.encode("latin-1"))])
    assert response.status_code == 401, (header, response.status_code)
    assert response.json() == {"detail": "Authentication required.", "errors": []}
    assert response.headers["www-authenticate"].startswith('Digest realm="fuzz", qop="auth"')


@FUZZ
@given(header=LATIN1_TEXT | st.text(max_size=80))
def test_digest_header_parser_returns_parameters_or_none(header: str) -> None:
    for candidate in (header, "Digest " + header):
        params = parse_digest(candidate)
        assert params is None or all(isinstance(params[name], str) for name in DIGEST_REQUIRED)


# -- multipart filenames -------------------------------------------------------------------------

STORED_NAME = re.compile(r"[0-9a-f]{32}(\.[a-z0-9]{1,16})?")
# Any byte but CR and LF (which would end the part's header line): quotes, backslashes, NUL,
# percent escapes, bytes that are not UTF-8.
FILENAME_BYTES = st.binary(max_size=300).map(
    lambda raw: raw.replace(b"\r", b"").replace(b"\n", b"")
)


class AnyUpload(FileField):
    """A file field without limits: every name reaches ``File.save``."""


class UploadModel(BaseModel):
    upload: AnyUpload


class UploadSchema(Schema):
    upload = MarshmallowFileField(required=True)


@pytest.fixture(scope="module", params=[UploadModel, UploadSchema], ids=["pydantic", "marshmallow"])
def upload_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("media")
    app = App()

    @app.post("/upload")
    @input(request.param, location="form")
    async def upload(request: Request, data: Any) -> dict[str, str]:
        file = data.upload if isinstance(data, BaseModel) else data["upload"]
        return {"stored": await file.asave(to="in", root=root)}

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, root


def multipart(disposition: bytes) -> bytes:
    return (
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="upload"; '
        + disposition
        + b"\r\nContent-Type: application/octet-stream\r\n\r\ncontent\r\n--BOUNDARY--\r\n"
    )


@FUZZ
@given(raw=FILENAME_BYTES, form=st.sampled_from(["quoted", "bare", "star"]))
def test_multipart_filenames_are_stored_under_a_generated_name_or_refused(
    upload_client: Any, raw: bytes, form: str
) -> None:
    client, root = upload_client
    if form == "quoted":
        disposition = b'filename="' + raw + b'"'
    elif form == "bare":
        disposition = b"filename=" + raw
    else:
        disposition = b"filename*=UTF-8''" + quote(raw).encode("ascii")
    before = sorted(root.rglob("*"))
    response = client.post(
        "/upload",
        content=multipart(disposition),
        headers={"content-type": "multipart/form-data; boundary=BOUNDARY"},
    )
    assert response.status_code in (200, 400, 422), (raw, response.status_code, response.text)
    after = sorted(root.rglob("*"))
    if response.status_code != 200:
        assert after == before
        return
    stored = response.json()["stored"]
    folder, _, name = stored.partition("/")
    assert folder == "in" and STORED_NAME.fullmatch(name), stored
    assert (root / stored).resolve().parent == (root / "in").resolve()
    assert (root / stored).read_bytes() == b"content"
    assert len(set(after) - set(before)) == (2 if not before else 1)  # "in/" once, then files
