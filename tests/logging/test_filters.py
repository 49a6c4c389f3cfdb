"""Secrets never reach a log line; every line of a request carries the request id."""

from __future__ import annotations

import logging

import pytest
from starlette.datastructures import FormData, Headers

from framework.logging import JSONFormatter, RequestIdFilter, SecretsFilter, TextFormatter
from framework.logging.context import reset_request_id, set_request_id
from framework.logging.filters import mask_query, mask_secrets

MASK = "********"


def record(msg: object, *args: object, name: str = "app", **extra: object) -> logging.LogRecord:
    item = logging.LogRecord(name, logging.INFO, __file__, 1, msg, args or None, None)
    for key, value in extra.items():
        setattr(item, key, value)
    SecretsFilter().filter(item)
    RequestIdFilter().filter(item)
    return item


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "cookie",
        "Set-Cookie",
        "x-api-key",
        "password",
        "new_password1",
        "csrf_token",
        "access_token",
        "SECRET_KEY",
        "X-Hub-Signature",
        "client_secret",
        "PRIVATE_KEY",
        "credentials",
    ],
)
def test_secret_names_are_masked_in_mappings(name: str) -> None:
    assert mask_secrets({name: "value", "page": "2"}) == {name: MASK, "page": "2"}


def test_headers_form_data_and_raw_pairs_are_masked() -> None:
    headers = Headers({"authorization": "Bearer abc", "accept": "*/*"})
    form = FormData([("username", "ann"), ("password", "hunter2"), ("password", "again")])
    raw = [(b"cookie", b"session=abc"), (b"host", b"example.com")]
    item = record("%s %s %s", headers, form, raw)
    assert item.getMessage() == (
        "{'authorization': '********', 'accept': '*/*'} "
        "{'username': 'ann', 'password': '********'} "
        "[(b'cookie', '********'), (b'host', b'example.com')]"
    )
    assert headers["authorization"] == "Bearer abc"  # the caller's objects are untouched


def test_nested_settings_and_url_passwords() -> None:
    settings = {
        "SECRET_KEY": "k",
        "DATABASES": {"default": "postgresql://app:pw@db/app"},
        "EMAIL_HOST_PASSWORD": "",
        "DEBUG": True,
    }
    assert mask_secrets(settings) == {
        "SECRET_KEY": MASK,
        "DATABASES": {"default": f"postgresql://app:{MASK}@db/app"},
        "EMAIL_HOST_PASSWORD": MASK,
        "DEBUG": True,
    }


def test_query_strings_of_logged_paths() -> None:
    assert mask_query("/reset?token=abc&next=/home") == f"/reset?token={MASK}&next=%2Fhome"
    assert mask_query("/search?q=cats") == "/search?q=cats"
    assert mask_query("/plain") == "/plain"


def test_access_line_arguments_are_masked() -> None:
    args = ("127.0.0.1:5000", "GET", "/verify?signature=abc&id=3", "1.1", 200)
    item = record('%s - "%s %s HTTP/%s" %d', *args, name="uvicorn.access")
    assert item.getMessage() == f'127.0.0.1:5000 - "GET /verify?signature={MASK}&id=3 HTTP/1.1" 200'


def test_extras_with_secret_names_are_masked() -> None:
    item = record("login", api_token="abc", user={"name": "ann", "password": "pw"}, attempt=2)
    assert item.api_token == MASK
    assert item.user == {"name": "ann", "password": MASK}
    assert item.attempt == 2


def test_mapping_arguments_of_named_placeholders() -> None:
    item = logging.LogRecord("app", logging.INFO, __file__, 1, "%(user)s %(password)s", (), None)
    item.args = {"user": "ann", "password": "pw"}
    SecretsFilter().filter(item)
    assert item.getMessage() == f"ann {MASK}"


def test_request_id_outside_and_inside_a_request() -> None:
    assert record("x").request_id == "-"
    token = set_request_id("abc123")
    try:
        assert record("x").request_id == "abc123"
        text = TextFormatter().format(logging.LogRecord("app", 20, "", 1, "hello", None, None))
    finally:
        reset_request_id(token)
    assert text.endswith(" INFO app [abc123] hello")


def test_json_formatter_is_one_parseable_line_with_the_traceback() -> None:
    import json

    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        import sys

        item = logging.LogRecord("app", 40, "", 1, "failed\nbadly", None, sys.exc_info())
    line = JSONFormatter().format(item)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "failed\nbadly"
    assert data["level"] == "ERROR" and data["request_id"] == "-"
    assert "ValueError: bad" in data["exception"]
