"""Test clients: ``TestClient`` (sync) and ``AsyncClient``, both httpx over the ASGI app.

Used as context managers they run the app's lifespan (apps' ``on_startup``/``on_shutdown``,
background-task draining)::

    with TestClient(app) as client:
        assert client.get("/").status_code == 200

    async with AsyncClient(app) as client:
        response = await client.get("/")

The base URL is ``https://<first ALLOWED_HOSTS entry>`` so the trusted-host check passes
and ``Secure`` session cookies round-trip. With ``raise_server_exceptions=True`` (default)
an unhandled exception in the app is raised in the test; with False the 500 page is
returned. The sync client reads whole responses; test endless streams against a live
server (:func:`framework.testing.live_server`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import anyio
import anyio.from_thread
import httpx

__all__ = ["AsyncClient", "LifespanManager", "TestClient", "WebSocketSession", "default_base_url"]


def default_base_url(app: Any) -> str:
    """Return ``https://<host>`` for the first host *app* accepts (ALLOWED_HOSTS)."""
    from framework.conf import settings as global_settings

    settings = getattr(app, "settings", None) or global_settings
    hosts = [str(host).strip().lower() for host in settings.ALLOWED_HOSTS] or ["*"]
    host = hosts[0]
    if host == "*":
        host = "testserver"
    elif host.startswith("*."):
        host = "test" + host[1:]
    elif host.startswith("."):
        host = host[1:]
    return f"https://{host}"


class LifespanManager:
    """Drive an ASGI app's lifespan: ``async with LifespanManager(app): ...``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
        try:
            await self.app(scope, self._to_app.get, self._from_app.put)
        except BaseException as exc:  # surfaced by startup()/shutdown()
            await self._from_app.put({"type": "error", "exc": exc})

    async def _exchange(self, message: str, expected: str) -> None:
        await self._to_app.put({"type": message})
        reply = await self._from_app.get()
        if reply["type"] == "error":
            raise reply["exc"]
        if reply["type"] != expected:
            raise RuntimeError(f"Lifespan {message} failed: {reply.get('message', reply)}")

    async def __aenter__(self) -> LifespanManager:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self._exchange("lifespan.startup", "lifespan.startup.complete")
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            await self._exchange("lifespan.shutdown", "lifespan.shutdown.complete")
        finally:
            if self._task is not None:
                await self._task


class AsyncClient(httpx.AsyncClient):
    """An httpx ``AsyncClient`` talking to *app* in-process; lifespan runs in ``async with``."""

    def __init__(
        self,
        app: Any,
        *,
        base_url: str | None = None,
        raise_server_exceptions: bool = True,
        **kwargs: Any,
    ) -> None:
        transport = httpx.ASGITransport(
            app, raise_app_exceptions=raise_server_exceptions, client=("127.0.0.1", 50000)
        )
        kwargs.setdefault("follow_redirects", True)
        super().__init__(transport=transport, base_url=base_url or default_base_url(app), **kwargs)
        self.app = app
        self._lifespan: LifespanManager | None = None

    async def __aenter__(self) -> AsyncClient:
        await super().__aenter__()
        self._lifespan = LifespanManager(self.app)
        await self._lifespan.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            if self._lifespan is not None:
                await self._lifespan.__aexit__(*exc_info)
        finally:
            await super().__aexit__(*exc_info)


class _PortalTransport(httpx.BaseTransport):
    """Run each request through ``httpx.ASGITransport`` on the client's event-loop thread."""

    def __init__(self, client: TestClient, transport: httpx.ASGITransport) -> None:
        self.client = client
        self.transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        chunked = "content-length" not in request.headers
        with self.client.portal() as portal:

            async def run() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
                async def chunks() -> Any:
                    yield body

                content: Any = chunks() if chunked and body else body
                forwarded = httpx.Request(
                    request.method, request.url, headers=request.headers, content=content
                )
                response = await self.transport.handle_async_request(forwarded)
                raw = b"".join([chunk async for chunk in response.aiter_raw()])
                return response.status_code, response.headers.raw, raw

            status, headers, content = portal.call(run)
        return httpx.Response(
            status, headers=headers, stream=httpx.ByteStream(content), request=request
        )


class TestClient(httpx.Client):
    """An httpx ``Client`` talking to *app* in-process; lifespan runs in ``with``."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: Any,
        *,
        base_url: str | None = None,
        raise_server_exceptions: bool = True,
        **kwargs: Any,
    ) -> None:
        self.app = app
        self._portal: anyio.from_thread.BlockingPortal | None = None
        self._exit: contextlib.ExitStack | None = None
        asgi = httpx.ASGITransport(
            app, raise_app_exceptions=raise_server_exceptions, client=("127.0.0.1", 50000)
        )
        kwargs.setdefault("follow_redirects", True)
        super().__init__(
            transport=_PortalTransport(self, asgi),
            base_url=base_url or default_base_url(app),
            **kwargs,
        )

    @contextlib.contextmanager
    def portal(self) -> Iterator[anyio.from_thread.BlockingPortal]:
        """Yield the event-loop portal: the client's own, or a fresh one outside ``with``."""
        if self._portal is not None:
            yield self._portal
            return
        with anyio.from_thread.start_blocking_portal() as portal:
            yield portal

    def __enter__(self) -> TestClient:
        stack = contextlib.ExitStack()
        self._portal = stack.enter_context(anyio.from_thread.start_blocking_portal())
        manager = LifespanManager(self.app)
        try:
            self._portal.call(manager.__aenter__)
        except BaseException:
            self._portal = None
            stack.close()
            raise
        stack.callback(
            lambda: self._portal.call(manager.__aexit__, None, None, None) if self._portal else None
        )
        self._exit = stack
        super().__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            if self._exit is not None:
                self._exit.close()
        finally:
            self._portal = None
            self._exit = None
            super().__exit__(*exc_info)

    def websocket_connect(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        subprotocols: list[str] | None = None,
    ) -> WebSocketSession:
        """Open a WebSocket to *url* (use as a context manager; needs ``with client``)."""
        if self._portal is None:
            raise RuntimeError(
                "websocket_connect() needs the client open: use 'with TestClient(app)'."
            )
        full = httpx.URL(urljoin(str(self.base_url).rstrip("/") + "/", url.lstrip("/")))
        all_headers = {"host": full.netloc.decode("ascii"), **(headers or {})}
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if cookie:
            all_headers.setdefault("cookie", cookie)
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "scheme": "wss" if full.scheme == "https" else "ws",
            "path": full.path,
            "raw_path": full.raw_path.split(b"?")[0],
            "query_string": full.query,
            "root_path": "",
            "client": ("127.0.0.1", 50000),
            "server": (full.host, full.port),
            "subprotocols": list(subprotocols or []),
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in all_headers.items()
            ],
        }
        return WebSocketSession(self.app, scope, self._portal)


class WebSocketSession:
    """A WebSocket conversation with the app, driven from synchronous test code."""

    def __init__(
        self, app: Any, scope: dict[str, Any], portal: anyio.from_thread.BlockingPortal
    ) -> None:
        self.app = app
        self.scope = scope
        self.portal = portal
        self.close_code: int | None = None
        self.close_reason = ""

    def __enter__(self) -> WebSocketSession:
        self._to_app: asyncio.Queue[dict[str, Any]] = self.portal.call(_new_queue)
        self._from_app: asyncio.Queue[dict[str, Any]] = self.portal.call(_new_queue)
        self._future = self.portal.start_task_soon(self._run)
        self.send({"type": "websocket.connect"})
        message = self.receive()
        if message["type"] == "websocket.close":
            self._raise_closed(message)
        return self

    async def _run(self) -> None:
        try:
            await self.app(self.scope, self._to_app.get, self._from_app.put)
        finally:
            await self._from_app.put({"type": "websocket.close", "code": 1006, "reason": ""})

    def __exit__(self, *exc_info: Any) -> None:
        if self.close_code is None:
            self.send({"type": "websocket.disconnect", "code": 1000})
        with contextlib.suppress(Exception):
            self._future.result(timeout=5)

    def _raise_closed(self, message: dict[str, Any]) -> None:
        from starlette.websockets import WebSocketDisconnect

        self.close_code = message.get("code", 1000)
        self.close_reason = message.get("reason", "") or ""
        raise WebSocketDisconnect(self.close_code, self.close_reason)

    def send(self, message: dict[str, Any]) -> None:
        """Send a raw ASGI message to the app."""
        self.portal.call(self._to_app.put, message)

    def receive(self) -> dict[str, Any]:
        """Return the next raw ASGI message from the app."""
        return self.portal.call(self._from_app.get)

    def _payload(self) -> dict[str, Any]:
        message = self.receive()
        if message["type"] == "websocket.close":
            self._raise_closed(message)
        return message

    def send_text(self, data: str) -> None:
        """Send a text message."""
        self.send({"type": "websocket.receive", "text": data})

    def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        self.send({"type": "websocket.receive", "bytes": data})

    def send_json(self, data: Any) -> None:
        """Send *data* as a JSON text message."""
        self.send_text(json.dumps(data))

    def receive_text(self) -> str:
        """Return the next text message (WebSocketDisconnect if the app closed)."""
        return str(self._payload()["text"])

    def receive_bytes(self) -> bytes:
        """Return the next binary message."""
        return bytes(self._payload()["bytes"])

    def receive_json(self) -> Any:
        """Return the next text message, parsed as JSON."""
        return json.loads(self.receive_text())

    def close(self, code: int = 1000) -> None:
        """Close the socket from the client side."""
        self.send({"type": "websocket.disconnect", "code": code})
        self.close_code = code


async def _new_queue() -> asyncio.Queue[dict[str, Any]]:
    return asyncio.Queue()
