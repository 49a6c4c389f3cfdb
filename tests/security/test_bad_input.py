"""Bad input refused before it changes anything: status, body verbatim, no row, no file.

One app, backed by a real database (SQLite and PostgreSQL), whose handlers write a row (and
store a file) when they run. Every hostile request below must get its documented answer
while no handler runs, no row appears, nothing lands in the media folder and no temporary
file stays open. Requests that need bytes no HTTP client sends are in
``test_raw_requests.py`` (real sockets, real uvicorn).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import Schema, fields, validate
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from framework.conf import settings
from framework.db import session
from framework.io import input
from framework.io.marshmallow import FileField as MarshmallowFileField
from framework.io.pydantic import FileField
from framework.testing import AsyncClient
from framework.web import App, Request

KEY = "bad-input-tests-secret-key-0123456789-abcdefghij"
LIMIT = 6 * 1024 * 1024
CALLS: list[str] = []


class PostIn(BaseModel):
    """A post (pydantic)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=20)
    views: int


class PostSchema(Schema):
    """A post (marshmallow)."""

    title = fields.String(required=True, validate=validate.Length(max=20))
    views = fields.Integer(required=True)


class Attachment(FileField):
    """Any file up to 100 kB."""

    max_size = 100 * 1024


class UploadIn(BaseModel):
    """A titled upload (pydantic)."""

    title: str
    attachment: Attachment


class UploadSchema(Schema):
    """A titled upload (marshmallow)."""

    title = fields.String(required=True)
    attachment = MarshmallowFileField(required=True, max_size=100 * 1024)


def build_app(Post: Any, media: Path) -> App:
    """Return the app; each handler records its call, writes a post and may store a file."""
    with settings.override(
        SECRET_KEY=KEY,
        MAX_BODY_SIZE=LIMIT,
        FORM_MAX_FIELDS=20,
        FORM_MAX_FILES=3,
        FORM_MAX_PART_SIZE=1024,
        # Headers as large as a deployment may allow: what is tested here is what comes after.
        MAX_HEADER_SIZE=0,
    ):
        app = App()

    async def store(name: str, title: str, file: Any = None) -> dict[str, Any]:
        stored = await file.asave(root=media) if file is not None else None
        post = await Post.create(title=title)
        return {"handler": name, "id": post.id, "stored": stored}

    def data_of(data: Any, key: str) -> Any:
        return getattr(data, key) if isinstance(data, BaseModel) else data[key]

    for library, schema, upload in (
        ("pydantic", PostIn, UploadIn),
        ("marshmallow", PostSchema, UploadSchema),
    ):

        @app.post(f"/{library}/posts", name=f"{library}-posts")
        @input(schema)
        async def create(request: Request, data: Any, library: str = library) -> Any:
            CALLS.append(f"{library}/posts")
            return await store(library, data_of(data, "title")), 201

        @app.post(f"/{library}/upload", name=f"{library}-upload")
        @input(upload, location="form")
        async def attach(request: Request, data: Any, library: str = library) -> Any:
            CALLS.append(f"{library}/upload")
            return await store(library, data_of(data, "title"), data_of(data, "attachment"))

    # Handlers that read the body themselves record the call once they have it: a refused
    # body stops them at that read.
    @app.post("/raw")
    async def raw(request: Request) -> Any:
        body = await request.body()
        CALLS.append("raw")
        return await store("raw", body.decode()[:20])

    @app.post("/form")
    async def form(request: Request) -> Any:
        async with request.form() as data:
            CALLS.append("form")
            return await store("form", str(data.get("title")), data.get("attachment"))

    @app.post("/small-upload", max_body_size=1024)
    async def small_upload(request: Request) -> Any:
        async with request.form() as data:
            CALLS.append("small-upload")
            return await store("small", "small", data.get("attachment"))

    return app


@pytest.fixture
async def site(shared_migrated: dict[str, str], models: Any, tmp_path: Path) -> Any:
    media = tmp_path / "media"
    media.mkdir()
    app = build_app(models.Post, media)
    async with AsyncClient(app) as client:
        CALLS.clear()
        yield SimpleNamespace(client=client, media=media, Post=models.Post)


async def count_rows(Post: Any) -> int:
    async with session() as db:
        return int(await db.scalar(select(func.count()).select_from(Post)))


def open_files() -> set[str]:
    """Return what this process's file descriptors point at (spooled uploads included)."""
    folder = Path("/proc/self/fd")
    found = set()
    for entry in folder.iterdir():
        try:
            found.add(os.readlink(entry))
        except OSError:  # the descriptor listing the folder itself, closed meanwhile
            continue
    return found


async def refused(site: Any, method: str, path: str, **options: Any) -> Any:
    """Send a request that must change nothing; return the response after checking that."""
    rows = await count_rows(site.Post)
    files = open_files()
    response = await site.client.request(method, path, **options)
    assert CALLS == [], CALLS
    assert open_files() - files == set()  # every spooled upload was closed (and so deleted)
    assert list(site.media.iterdir()) == []
    assert await count_rows(site.Post) == rows
    return response


def error(detail: str, *errors: dict[str, Any]) -> dict[str, Any]:
    return {"detail": detail, "errors": list(errors)}


TOO_LARGE = error(f"Request body is too large: the limit is {LIMIT} bytes.")
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}


def files(count: int, size: int) -> dict[str, Any]:
    return {
        f"f{index}": (f"{index}.bin", b"x" * size, "application/octet-stream")
        for index in range(count)
    }


async def test_control_requests_write_a_row_and_a_file(site: Any) -> None:
    created = await site.client.post("/pydantic/posts", json={"title": "hello", "views": 1})
    assert created.status_code == 201
    uploaded = await site.client.post(
        "/marshmallow/upload", data={"title": "doc"}, files={"attachment": ("a.txt", b"data")}
    )
    assert uploaded.status_code == 200
    assert CALLS == ["pydantic/posts", "marshmallow/upload"]
    assert [path.name for path in site.media.iterdir()] == [uploaded.json()["stored"]]


# -- bodies over the limit ------------------------------------------------------------------------


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("/pydantic/posts", {"content": b'"' + b"x" * LIMIT + b'"', "headers": JSON}),
        ("/marshmallow/posts", {"content": b'"' + b"x" * LIMIT + b'"', "headers": JSON}),
        ("/form", {"content": b"title=" + b"x" * LIMIT, "headers": FORM}),
        ("/raw", {"content": b"x" * (LIMIT + 1)}),
        ("/pydantic/upload", {"data": {"title": "t"}, "files": files(1, LIMIT)}),
    ],
    ids=["json-pydantic", "json-marshmallow", "form", "raw", "multipart"],
)
async def test_body_over_the_limit_is_413(site: Any, path: str, options: dict[str, Any]) -> None:
    response = await refused(site, "POST", path, **options)
    assert (response.status_code, response.json()) == (413, TOO_LARGE)


@pytest.mark.parametrize("path", ["/raw", "/pydantic/posts", "/form"])
async def test_body_over_the_limit_without_content_length_is_413(site: Any, path: str) -> None:
    headers = JSON if "posts" in path else FORM if path == "/form" else {}
    response = await refused(site, "POST", path, content=chunks(LIMIT + 1), headers=headers)
    assert (response.status_code, response.json()) == (413, TOO_LARGE)


# -- JSON ---------------------------------------------------------------------------------------

LIBRARIES = ["pydantic", "marshmallow"]


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"title": "a", "views": 1',
            error(
                "Malformed JSON body: Expecting ',' delimiter at line 1 column 26.",
                {"loc": ["body", 25], "msg": "Expecting ',' delimiter", "type": "json_invalid"},
            ),
        ),
        (
            b'{"title": "a", "views": 1} {"title": "b"}',
            error(
                "Malformed JSON body: Extra data at line 1 column 28.",
                {"loc": ["body", 27], "msg": "Extra data", "type": "json_invalid"},
            ),
        ),
        (
            b"[" * 100_000,
            error(
                "Malformed JSON body: it is nested too deeply.",
                {"loc": ["body"], "msg": "Nested too deeply", "type": "json_invalid"},
            ),
        ),
    ],
    ids=["malformed", "trailing-garbage", "deep-nesting"],
)
async def test_malformed_json_is_400_with_a_location(
    site: Any, library: str, body: bytes, expected: dict[str, Any]
) -> None:
    response = await refused(site, "POST", f"/{library}/posts", content=body, headers=JSON)
    assert (response.status_code, response.json()) == (400, expected)
    # The worker survives and keeps serving.
    ok = await site.client.post(f"/{library}/posts", json={"title": "after", "views": 0})
    assert ok.status_code == 201


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(
    ("content_type", "shown"), [("text/plain", "'text/plain'"), (None, "none")]
)
async def test_json_with_another_or_no_content_type_is_415(
    site: Any, library: str, content_type: str | None, shown: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await refused(
        site, "POST", f"/{library}/posts", content=b'{"title": "a", "views": 1}', headers=headers
    )
    assert response.status_code == 415
    assert response.json() == error(
        f"Expected a JSON body (Content-Type: application/json); got {shown}.",
        {
            "loc": ["header", "content-type"],
            "msg": "Unsupported media type",
            "type": "content_type",
        },
    )


VALIDATION = {
    "pydantic": error(
        "Validation failed (3 errors); body.title: String should have at most 20 characters.",
        {
            "loc": ["body", "title"],
            "msg": "String should have at most 20 characters",
            "type": "string_too_long",
        },
        {
            "loc": ["body", "views"],
            "msg": "Input should be a valid integer",  # a JSON body is strict: no "3" either
            "type": "int_type",
        },
        {
            "loc": ["body", "admin"],
            "msg": "Extra inputs are not permitted",
            "type": "extra_forbidden",
        },
    ),
    "marshmallow": error(
        "Validation failed (3 errors); body.title: Longer than maximum length 20.",
        {
            "loc": ["body", "title"],
            "msg": "Longer than maximum length 20.",
            "type": "string_too_long",
        },
        {"loc": ["body", "views"], "msg": "Not a valid integer.", "type": "int_type"},
        {"loc": ["body", "admin"], "msg": "Unknown field.", "type": "extra_forbidden"},
    ),
}
MISSING = {
    "pydantic": error(
        "Validation failed (2 errors); body.title: Field required.",
        {"loc": ["body", "title"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "views"], "msg": "Field required", "type": "missing"},
    ),
    "marshmallow": error(
        "Validation failed (2 errors); body.title: Missing data for required field.",
        {"loc": ["body", "title"], "msg": "Missing data for required field.", "type": "missing"},
        {"loc": ["body", "views"], "msg": "Missing data for required field.", "type": "missing"},
    ),
}


@pytest.mark.parametrize("library", LIBRARIES)
async def test_wrong_types_extra_fields_and_long_strings_are_422_listing_every_error(
    site: Any, library: str
) -> None:
    body = {"title": "x" * 21, "views": "many", "admin": True}
    response = await refused(site, "POST", f"/{library}/posts", json=body)
    assert (response.status_code, response.json()) == (422, VALIDATION[library])


@pytest.mark.parametrize("library", LIBRARIES)
async def test_missing_fields_are_422_listing_every_error(site: Any, library: str) -> None:
    response = await refused(site, "POST", f"/{library}/posts", json={})
    assert (response.status_code, response.json()) == (422, MISSING[library])


def test_both_libraries_give_the_same_shape() -> None:
    # Same keys, same locations, same types (pydantic's int_parsing, for a string it could not
    # parse outside a strict JSON body, is read as int_type).
    for answers in (VALIDATION, MISSING):
        shapes = [
            [(set(e), e["loc"], e["type"].replace("_parsing", "_type")) for e in answer["errors"]]
            for answer in (answers["pydantic"], answers["marshmallow"])
        ]
        assert shapes[0] == shapes[1]


# -- multipart and forms --------------------------------------------------------------------------

PART = b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n--x--\r\n'


@pytest.mark.parametrize(
    ("content_type", "body", "detail"),
    [
        ("multipart/form-data", PART, "Missing boundary in multipart."),
        (
            "multipart/form-data; boundary=" + "b" * 5000,
            b"--" + b"b" * 5000 + PART[3:].replace(b"--x--", b"--" + b"b" * 5000 + b"--"),
            "Invalid multipart data.",
        ),
        (
            'multipart/form-data; boundary="' + "\\" * 50_000 + '"',
            PART,
            "Invalid multipart data.",
        ),
        (
            "multipart/form-data; boundary=x",
            PART.replace(b"\r\n\r\n", b"\r\n" + b"X-Pad: y\r\n" * 100_000 + b"\r\n"),
            "Invalid multipart data.",
        ),
    ],
    ids=["missing", "5000-characters", "backslashes", "100k-part-headers"],
)
async def test_pathological_multipart_boundary_is_400(
    site: Any, content_type: str, body: bytes, detail: str
) -> None:
    response = await refused(
        site, "POST", "/form", content=body, headers={"content-type": content_type}
    )
    assert (response.status_code, response.json()) == (400, error(detail))


@pytest.mark.parametrize(
    ("options", "detail"),
    [
        (
            {"data": {f"field{index}": "v" for index in range(21)}},
            "Too many fields. Maximum number of fields is 20.",
        ),
        (
            {"data": {"title": "t"}, "files": files(4, 1_200_000)},
            "Too many files. Maximum number of files is 3.",
        ),
        ({"files": {"title": (None, "x" * 1025)}}, "Part exceeded maximum size of 1KB."),
        ({"data": {"title": "x" * 1025}}, "Field exceeded maximum size of 1KB."),
    ],
    ids=["too-many-fields", "too-many-files", "oversized-part", "oversized-urlencoded-field"],
)
@pytest.mark.parametrize("path", ["/form", "/pydantic/upload", "/marshmallow/upload"])
async def test_form_limits_are_400_and_spooled_files_are_removed(
    site: Any, path: str, options: dict[str, Any], detail: str
) -> None:
    response = await refused(site, "POST", path, **options)
    assert (response.status_code, response.json()) == (400, error(detail))


async def test_oversized_file_for_a_route_is_413(site: Any) -> None:
    response = await refused(site, "POST", "/small-upload", files=files(1, 2000))
    assert response.status_code == 413
    assert response.json() == error("Request body is too large: the limit is 1024 bytes.")


@pytest.mark.parametrize("library", LIBRARIES)
async def test_file_over_the_fields_max_size_is_422(site: Any, library: str) -> None:
    response = await refused(
        site,
        "POST",
        f"/{library}/upload",
        data={"title": "t"},
        files={"attachment": ("big.bin", b"x" * (100 * 1024 + 1))},
    )
    message = "File is too large: 102401 bytes; the limit is 102400 bytes"
    message += "." if library == "marshmallow" else ""  # each library's own punctuation
    assert response.status_code == 422
    assert response.json() == error(
        "Validation failed: body.attachment: File is too large: 102401 bytes; the limit is "
        "102400 bytes.",
        {"loc": ["body", "attachment"], "msg": message, "type": "file_too_large"},
    )


# -- CSRF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        (
            {},
            "CSRF check failed: the request has no CSRF token. Send the csrf_token form field "
            "({{ csrf_input() }} in the form) or the X-CSRF-Token header.",
        ),
        (
            {"x-csrf-token": "A" * 86},
            "CSRF check failed: the CSRF token is incorrect. Reload the page and try again.",
        ),
        (
            {"origin": "https://evil.example"},
            "CSRF check failed: the Origin 'https://evil.example' is not this site. Add it to "
            "CSRF_TRUSTED_ORIGINS if it should be trusted.",
        ),
    ],
    ids=["missing-token", "wrong-token", "foreign-origin"],
)
@pytest.mark.parametrize("path", ["/form", "/pydantic/posts"])
async def test_unsafe_request_with_the_session_cookie_needs_the_csrf_token(
    site: Any, path: str, headers: dict[str, str], detail: str
) -> None:
    site.client.cookies.set("session", "any-value")
    body = (
        {"json": {"title": "forged", "views": 1}}
        if "posts" in path
        else {"data": {"title": "forged"}}
    )
    response = await refused(site, "POST", path, headers=headers, **body)
    assert (response.status_code, response.json()) == (403, error(detail))
