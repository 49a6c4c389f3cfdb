"""A live server for tests: the app on a real uvicorn, on 127.0.0.1 and a free port.

::

    with live_server(app) as base_url:          # "http://127.0.0.1:54321"
        httpx.get(base_url + "/")

Use it for what an in-process client cannot show: real sockets, WebSockets through a real
client, endless Server-Sent Events streams, client disconnects, malformed raw requests.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["live_server"]


@contextlib.contextmanager
def live_server(app: Any, *, startup_timeout: float = 10.0, **config: Any) -> Iterator[str]:
    """Serve *app* with uvicorn in a thread; yield its base URL; stop it on exit.

    Extra keyword arguments go to ``uvicorn.Config`` (``ws_max_size``, ``http``…).
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options = {
        "lifespan": "on",
        "log_config": None,
        "log_level": "warning",
        "timeout_graceful_shutdown": 2,
        **config,
    }
    server = uvicorn.Server(uvicorn.Config(app, **options))

    def run() -> None:
        # uvicorn exits with SystemExit when the app fails to start; keep it in this thread.
        with contextlib.suppress(BaseException):
            server.run(sockets=[sock])

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("The live server did not start (see the log for the error).")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
