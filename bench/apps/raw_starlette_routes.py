"""Raw Starlette with the 300 routes of the routing row (bench/many_routes.py), as a floor."""

from __future__ import annotations

from many_routes import ROUTE_COUNT, path_of
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def page(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.url.path)


app = Starlette(routes=[Route(path_of(number), page) for number in range(ROUTE_COUNT)])
