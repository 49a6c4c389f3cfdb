"""``@doc`` on a Controller class: tags for all its routes, or the whole class left out."""

from __future__ import annotations

from framework.openapi import doc, generate_openapi
from framework.web import App, Controller, Request, get


def test_a_controller_can_be_left_out_or_tagged_as_a_whole() -> None:
    @doc(include_in_schema=False)
    class Internal(Controller):
        path = "/internal"

        @get("/")
        async def index(self, request: Request) -> dict[str, int]:
            return {}

    @doc(tags=["Public"])
    class Shop(Controller):
        path = "/shop"

        @get("/")
        async def index(self, request: Request) -> dict[str, int]:
            return {}

    app = App()
    app.include(Internal)
    app.include(Shop)
    document = generate_openapi(app)
    assert list(document["paths"]) == ["/shop"]
    assert document["paths"]["/shop"]["get"]["tags"] == ["Public"]
