"""``X-Request-ID``: read or generated, current while the request runs, echoed back."""

from __future__ import annotations

import logging
import re

import pytest

from framework.logging import RequestIdFilter, get_request_id
from framework.testing import AsyncClient, TestClient
from framework.web import App

HEX_ID = re.compile(r"[0-9a-f]{32}")


def make_app() -> App:
    app = App()
    logger = logging.getLogger("requestid.app")

    @app.get("/id")
    async def show(request):
        logger.info("handling")
        return {"id": get_request_id()}

    @app.get("/fail")
    async def fail(request):
        raise RuntimeError("kaboom")

    @app.websocket("/ws")
    async def ws(socket):
        await socket.accept()
        await socket.send_text(get_request_id() or "")
        await socket.close()

    return app


def test_generated_when_absent_and_echoed() -> None:
    with TestClient(make_app()) as client:
        first, second = client.get("/id"), client.get("/id")
    assert HEX_ID.fullmatch(first.headers["x-request-id"])
    assert first.json() == {"id": first.headers["x-request-id"]}
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize(
    "value", ["abc-123", "Root=1-5e1b4151-5ac6c58f5b5daa6532c8ad2b;Parent=53995c3f", "a" * 200]
)
def test_a_valid_incoming_id_is_kept(value: str) -> None:
    with TestClient(make_app()) as client:
        response = client.get("/id", headers={"X-Request-ID": value})
    assert response.headers["x-request-id"] == value
    assert response.json() == {"id": value}


@pytest.mark.parametrize("value", ["", "a" * 201, "two words", 'quote"d', "tab\there", "é"])
def test_an_invalid_incoming_id_is_replaced(value: str) -> None:
    with TestClient(make_app()) as client:
        response = client.get("/id", headers={"X-Request-ID": value.encode("utf-8")})
    assert HEX_ID.fullmatch(response.headers["x-request-id"])


def test_error_responses_carry_the_id() -> None:
    with TestClient(make_app(), raise_server_exceptions=False) as client:
        response = client.get("/fail", headers={"X-Request-ID": "failing-1"})
        missing = client.get("/nowhere", headers={"X-Request-ID": "missing-1"})
    assert response.status_code == 500 and response.headers["x-request-id"] == "failing-1"
    assert missing.status_code == 404 and missing.headers["x-request-id"] == "missing-1"


def test_websocket_handshake_carries_the_id() -> None:
    with (
        TestClient(make_app()) as client,
        client.websocket_connect("/ws", headers={"X-Request-ID": "socket-7"}) as socket,
    ):
        assert socket.receive_text() == "socket-7"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_the_id_is_on_the_handlers_log_records_and_does_not_linger() -> None:
    logger = logging.getLogger("requestid.app")
    handler = Collect()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        async with AsyncClient(make_app()) as client:
            response = await client.get("/id", headers={"X-Request-ID": "traced-9"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert response.status_code == 200
    assert [(r.getMessage(), r.request_id) for r in handler.records] == [("handling", "traced-9")]
    assert get_request_id() is None  # the in-process client's task is clean again
