"""WebSockets in-process: text, JSON and bytes, close codes, size limit, Origin check."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Controller, HTTPException, WebSocket, websocket
from framework.web.websockets import origin_is_allowed


class Live(Controller):
    path = "/live"

    @websocket("/echo")
    async def echo(self, ws: WebSocket) -> None:
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(text)

    @websocket("/json")
    async def json_echo(self, ws: WebSocket) -> None:
        await ws.accept()
        data = await ws.receive_json()
        await ws.send_json({"got": data})
        raw = await ws.receive_bytes()
        await ws.send_bytes(raw[::-1])
        await ws.close(code=4001, reason="done")

    @websocket("/rooms/{room:int}")
    async def room(self, ws: WebSocket, room: int) -> None:
        await ws.accept()
        await ws.send_json({"room": room})
        await ws.close()

    @websocket("/small", max_message_size=10)
    async def small(self, ws: WebSocket) -> None:
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(f"ok {len(text)}")

    @websocket("/unlimited", max_message_size=0)
    async def unlimited(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(str(len(await ws.receive_bytes())))

    @websocket("/broken")
    async def broken(self, ws: WebSocket) -> None:
        await ws.accept()
        raise RuntimeError("handler bug")

    @websocket("/open", check_origin=False)
    async def open_socket(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("open")


def live_app(**overrides: Any) -> App:
    with settings.override(**overrides):
        app = App()
    app.include(Live)
    return app


def test_text_echo() -> None:
    with TestClient(live_app()) as client, client.websocket_connect("/live/echo") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "hello"


def test_json_bytes_and_close_code() -> None:
    with TestClient(live_app()) as client, client.websocket_connect("/live/json") as ws:
        ws.send_json({"a": 1})
        assert ws.receive_json() == {"got": {"a": 1}}
        ws.send_bytes(b"abc")
        assert ws.receive_bytes() == b"cba"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (4001, "done")


def test_path_parameters() -> None:
    with TestClient(live_app()) as client, client.websocket_connect("/live/rooms/9") as ws:
        assert ws.receive_json() == {"room": 9}


def test_message_over_the_limit_closes_with_1009() -> None:
    with TestClient(live_app()) as client, client.websocket_connect("/live/small") as ws:
        ws.send_text("x" * 10)
        assert ws.receive_text() == "ok 10"  # at the limit
        ws.send_text("x" * 11)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (
        1009,
        "Message too big: the limit is 10 bytes.",
    )


def test_multibyte_text_is_measured_in_bytes() -> None:
    with TestClient(live_app()) as client, client.websocket_connect("/live/small") as ws:
        ws.send_text("é" * 6)  # 6 characters, 12 bytes
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 1009


def test_default_limit_and_disabled_limit() -> None:
    assert settings.WEBSOCKET_MAX_MESSAGE_SIZE == 1024 * 1024
    with TestClient(live_app(WEBSOCKET_MAX_MESSAGE_SIZE=100)) as client:
        with client.websocket_connect("/live/echo") as ws:
            ws.send_text("x" * 101)
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_text()
        assert closed.value.code == 1009
        with client.websocket_connect("/live/unlimited") as ws:
            ws.send_bytes(b"x" * 5000)
            assert ws.receive_text() == "5000"


def test_handler_error_closes_with_1011(caplog: Any) -> None:
    with (
        TestClient(live_app()) as client,
        client.websocket_connect("/live/broken") as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_text()
    assert closed.value.code == 1011
    assert "WebSocket handler" in caplog.records[0].getMessage()


def cookie_and_origin(origin: str) -> dict[str, str]:
    return {"origin": origin, "cookie": "session=abc"}


def test_cross_site_origin_with_cookies_is_refused() -> None:
    with TestClient(live_app()) as client:
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(
                "/live/echo", headers=cookie_and_origin("https://evil.example")
            ),
        ):
            pass
        assert refused.value.code == 1008
        with client.websocket_connect(
            "/live/echo", headers=cookie_and_origin("https://localhost")
        ) as ws:
            ws.send_text("same site")
            assert ws.receive_text() == "same site"
        with client.websocket_connect(
            "/live/open", headers=cookie_and_origin("https://evil.example")
        ) as ws:
            assert ws.receive_text() == "open"


def test_allowed_origins_setting() -> None:
    app = live_app(WEBSOCKET_ALLOWED_ORIGINS=["https://app.example.org/"])
    with (
        TestClient(app) as client,
        client.websocket_connect(
            "/live/echo", headers=cookie_and_origin("https://APP.example.org")
        ) as ws,
    ):
        ws.send_text("ok")
        assert ws.receive_text() == "ok"


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ([], True),
        ([(b"origin", b"https://evil.example")], True),  # no cookies: nothing to hijack
        ([(b"cookie", b"a=1")], True),  # no Origin: not a browser
        (
            [(b"cookie", b"a=1"), (b"origin", b"https://evil.example"), (b"host", b"app.test")],
            False,
        ),
        (
            [
                (b"cookie", b"a=1"),
                (b"origin", b"http://app.test:8000"),
                (b"host", b"app.test:8000"),
            ],
            True,
        ),
        ([(b"cookie", b"a=1"), (b"origin", b"null"), (b"host", b"app.test")], False),
    ],
)
def test_origin_rule(headers: list[tuple[bytes, bytes]], allowed: bool) -> None:
    assert origin_is_allowed({"headers": headers}, frozenset()) is allowed


def test_check_origin_can_be_turned_off_by_setting() -> None:
    with (
        TestClient(live_app(WEBSOCKET_CHECK_ORIGIN=False)) as client,
        client.websocket_connect(
            "/live/echo", headers=cookie_and_origin("https://evil.example")
        ) as ws,
    ):
        ws.send_text("allowed")
        assert ws.receive_text() == "allowed"


def test_function_websocket_route_on_the_app() -> None:
    app = App()

    @app.websocket("/ws")
    async def ws_handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("hi")
        await ws.close()

    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "hi"


class Guarded(Controller):
    path = "/guarded"

    async def before_request(self, request: Any) -> Any:
        request.state.trail.append("controller")
        if request.query_params.get("key") != "open":
            return {"detail": "No key."}, 403  # refuses the handshake
        return None

    async def after_request(self, request: Any, response: Any) -> Any:
        raise AssertionError("after hooks answer HTTP responses; a WebSocket has none")

    @websocket("/ws")
    async def ws(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_json({"trail": ws.state.trail, "method": ws.method})
        await ws.close()

    @websocket("/abort")
    async def abort_after_accept(self, ws: WebSocket) -> None:
        await ws.accept()
        raise HTTPException(403, "Not in this room.")


def guarded_app() -> App:
    app = App()

    @app.before_request
    async def trail(request: Any) -> None:
        request.state.trail = ["app"]

    app.include(Guarded)
    return app


def test_before_hooks_run_for_websockets_app_first() -> None:
    with (
        TestClient(guarded_app()) as client,
        client.websocket_connect("/guarded/ws?key=open") as ws,
    ):
        assert ws.receive_json() == {"trail": ["app", "controller"], "method": "GET"}


def test_a_before_hook_answer_refuses_the_handshake() -> None:
    with (
        TestClient(guarded_app()) as client,
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/guarded/ws"),
    ):
        pass
    assert (refused.value.code, refused.value.reason) == (1008, "WebSocket refused.")


def test_http_exception_after_accept_closes_with_1008_and_its_detail() -> None:
    with (
        TestClient(guarded_app()) as client,
        client.websocket_connect("/guarded/abort?key=open") as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (1008, "Not in this room.")
