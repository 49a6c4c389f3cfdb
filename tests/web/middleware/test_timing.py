"""Request timing: a Server-Timing header with the app's duration."""

from __future__ import annotations

import re

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Request


def test_server_timing_header() -> None:
    with settings.override(MIDDLEWARE=["framework.web.middleware.TimingMiddleware"]):
        app = App()

    @app.get("/")
    async def index(request: Request) -> str:
        return "ok"

    with TestClient(app) as client:
        header = client.get("/").headers["server-timing"]
    assert re.fullmatch(r"app;dur=\d+\.\d{3}", header)
