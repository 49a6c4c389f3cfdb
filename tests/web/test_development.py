"""``@development``: a route that answers only while DEBUG is on, and is then documented."""

from __future__ import annotations

from framework.conf import settings
from framework.openapi import generate_openapi
from framework.testing import TestClient
from framework.web import App, Controller, Request, development, get


def build(debug: bool) -> App:
    with settings.override(DEBUG=debug):
        app = App()

    @app.get("/ready")
    async def ready(request: Request) -> dict[str, bool]:
        return {"ready": True}

    @app.get("/debug/state")
    @development
    async def state(request: Request) -> dict[str, int]:
        return {"requests": 1}

    @development
    class Lab(Controller):
        path = "/lab"

        @get("/")
        async def index(self, request: Request) -> dict[str, str]:
            return {"lab": "open"}

    app.include(Lab)
    return app


def test_development_routes_answer_404_when_debug_is_off() -> None:
    with TestClient(build(debug=False)) as client:
        hidden = client.get("/debug/state")
        assert (hidden.status_code, hidden.json()["detail"]) == (404, "Not Found")
        assert client.get("/lab").status_code == 404
        assert client.get("/ready").status_code == 200


def test_development_routes_answer_when_debug_is_on() -> None:
    with TestClient(build(debug=True)) as client:
        assert client.get("/debug/state").json() == {"requests": 1}
        assert client.get("/lab").json() == {"lab": "open"}


def test_development_routes_are_documented_only_in_debug() -> None:
    with settings.override(DEBUG=False):
        production = generate_openapi(build(debug=False))
    with settings.override(DEBUG=True):
        development_document = generate_openapi(build(debug=True))
    assert set(production["paths"]) == {"/ready"}
    assert set(development_document["paths"]) == {"/ready", "/debug/state", "/lab"}
