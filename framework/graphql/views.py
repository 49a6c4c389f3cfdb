"""``GraphQLController``: the GraphQL endpoint, a controller like any other.

At GRAPHQL_URL it answers

* ``GET`` with ``?query=…&variables=…&operationName=…`` (queries only; a mutation is 405),
  and, to a browser asking for HTML when GRAPHQL_IDE is on, the GraphiQL page, its files
  served from ``<url>/ide/<file>`` (none from a CDN);
* ``POST`` with a JSON body (``{"query", "variables", "operationName", "extensions"}``), or
  a ``multipart/form-data`` upload (the GraphQL multipart request spec) when
  GRAPHQL_MULTIPART_UPLOADS is on;
* a WebSocket with the ``graphql-transport-ws`` or ``graphql-ws`` subprotocol for
  subscriptions (``framework.graphql.subscriptions``).

Being a controller, it has everything the framework enforces on routes: body limits,
JSON parsing (415 for another content type, 400 for malformed JSON, 413 beyond the limit,
in the framework's error shape), CSRF for cookie sessions, the WebSocket Origin rule,
hooks and error handlers. Problems of the query itself are GraphQL ``errors`` with a 200.
A subclass may serve another schema: ``class API(GraphQLController): path = "/api";
schema = my_schema``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any, ClassVar

from starlette.responses import Response as StarletteResponse

from framework.exceptions import ImproperlyConfigured
from framework.graphql import ide
from framework.graphql.extras import require_graphql
from framework.web.controllers import Controller
from framework.web.deferred import HEADER_AUTH
from framework.web.exceptions import HTTPException
from framework.web.pipeline import RouteDecl, get_endpoint_spec
from framework.web.requests import DB_SCOPE_KEY, Request
from framework.web.responses import JSONResponse
from framework.web.routing import get, route, websocket
from framework.web.websockets import WebSocket

__all__ = ["GraphQLController"]

_OPTIONS: dict[str, Any] = {"include_in_schema": False}
_FIELDS = {"query": str, "operationName": str, "variables": dict, "extensions": dict}


class GraphQLController(Controller):
    """Serve the schema at GRAPHQL_URL (or :attr:`path`) over HTTP and WebSocket."""

    #: A schema to serve instead of GRAPHQL_SCHEMA and the apps' types (Strawberry,
    #: Graphene or graphql-core).
    schema: ClassVar[Any] = None
    #: The engine built for :attr:`schema`, with the settings it was built under.
    _engine: ClassVar[tuple[Any, Any] | None] = None

    @classmethod
    def routes(cls) -> Iterator[tuple[str, Any, RouteDecl]]:
        """Yield the routes under GRAPHQL_URL (or ``path``), building the schema first."""
        from framework.conf import settings

        cls.engine(settings.wrapped)  # a broken schema stops the build, naming the cause
        if cls.path:  # the framework puts the controller's own path in front
            yield from super().routes()
            return
        base = str(settings.GRAPHQL_URL)
        if not base.startswith("/"):
            raise ImproperlyConfigured(f"GRAPHQL_URL must start with '/'; got {base!r}.")
        for method_name, func, decl in super().routes():
            path = base.rstrip("/") + decl.path if decl.path != "/" else base
            yield method_name, func, dataclasses.replace(decl, path=path)

    @classmethod
    def engine(cls, settings: Any) -> Any:
        """Return the engine serving this controller's schema under *settings*."""
        require_graphql()
        from framework.graphql.schema import build_engine, engine_for_settings

        if cls.schema is None:
            return engine_for_settings(settings)
        cached = cls.__dict__.get("_engine")
        if cached is None or cached[0] is not settings:
            cached = (settings, build_engine(settings, cls.schema))
            cls._engine = cached
        return cached[1]

    @route("/", methods=["GET", "POST"], name="graphql", **_OPTIONS)
    async def endpoint(self, request: Request) -> StarletteResponse:
        """Run one operation; GraphiQL for a browser's GET when GRAPHQL_IDE is on."""
        from framework.graphql.context import GraphQLContext
        from framework.graphql.engines import OperationRefused

        settings = request.app.settings
        if request.method == "GET" and "query" not in request.query_params and ide.wanted(request):
            return ide.page(request)
        operation = await _operation(request)
        _share_session(request)
        context = GraphQLContext(request)
        await context.authenticate()
        allowed = frozenset({"query"} if request.method == "GET" else {"query", "mutation"})
        try:
            result = await self.engine(settings).execute(operation, context, allowed)
        except OperationRefused as refused:
            headers = {"Allow": refused.allow} if refused.allow else None
            raise HTTPException(refused.status_code, refused.detail, headers=headers) from None
        return JSONResponse(result)

    @get("/ide/{name}", name="graphql-ide", **_OPTIONS)
    async def ide_asset(self, request: Request, name: str) -> StarletteResponse:
        """Return one file of GraphiQL (404 when GRAPHQL_IDE is off)."""
        return ide.asset(request, name)

    @websocket("/", name="graphql-ws")
    async def subscriptions(self, ws: WebSocket) -> None:
        """Run subscriptions (and queries) over graphql-transport-ws or graphql-ws."""
        from framework.graphql.subscriptions import serve_websocket

        _share_session(ws)
        await serve_websocket(ws, self.engine(ws.app.settings))


async def _header_authenticated(request: Any) -> bool:
    from framework.graphql.context import header_authenticated

    return await header_authenticated(request)


# The CSRF exemption of header-authenticated requests asks the route (framework.web.deferred).
_spec = get_endpoint_spec(GraphQLController.endpoint)
if _spec is not None:
    _spec.meta.setdefault(HEADER_AUTH, []).append(_header_authenticated)


def _share_session(connection: Any) -> None:
    """Give the connection's resolvers one session they may use concurrently."""
    from framework.graphql.sessions import new_serial_session

    state = connection.scope.get(DB_SCOPE_KEY)
    if state is not None and not state[0].started:
        state[0].session_factory = new_serial_session


async def _operation(request: Request) -> Any:
    """Read the operation from the query string (GET) or the body (POST)."""
    from framework.graphql.engines import Operation

    if request.method == "GET":
        data: Any = dict(request.query_params)
        for name in ("variables", "extensions"):
            if name in data:
                data[name] = _json_parameter(name, data[name])
    elif _is_multipart(request) and request.app.settings.GRAPHQL_MULTIPART_UPLOADS:
        from framework.graphql.uploads import multipart_operation

        data = await multipart_operation(request)
    else:
        data = await request.json()
    if not isinstance(data, dict):
        raise _bad_request(["body"], "A GraphQL request is a JSON object (batches are not served).")
    for name, kind in _FIELDS.items():
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            shown = "a string" if kind is str else "an object"
            raise _bad_request(["body", name], f"{name!r} must be {shown}.")
    if not data.get("query"):
        raise _bad_request(["body", "query"], "The request has no GraphQL query.")
    return Operation(
        data["query"], data.get("variables"), data.get("operationName"), data.get("extensions")
    )


def _json_parameter(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise _bad_request(["query", name], f"The {name!r} parameter is not valid JSON.") from None


def _is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


def _bad_request(loc: list[str], message: str) -> HTTPException:
    return HTTPException(
        400, message, errors=[{"loc": loc, "msg": message, "type": "graphql_request"}]
    )
