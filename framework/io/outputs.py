"""``@output``: serialise what a handler returns with a schema, and document it.

::

    @get("/{id:int}")
    @output(PostOut)
    async def show(self, request, id):
        return await Post.get(id)          # an ORM object, a dict or a model

    @get("/")
    @output(PostOut, paginated=True)
    async def index(self, request):
        return await Post.query().paginate(page=1)   # items + pagination metadata

The handler may return the object itself, a ``(value, status)`` or ``(value, status,
headers)`` tuple, or a Response with an ``obj`` attribute (its status, headers and cookies
are kept, its body becomes the serialised ``obj``); any other Response passes through
untouched. ORM objects are read by attribute (pydantic's ``from_attributes``, marshmallow's
``dump``). A value the schema cannot serialise is a server error
(:class:`~framework.io.errors.ResponseValidationError`), never a malformed answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import HTTPConnection
from starlette.responses import Response as StarletteResponse

from framework.exceptions import ImproperlyConfigured
from framework.io.adapters import adapter_for
from framework.io.schemas import SchemaAdapter
from framework.web.pipeline import Call, Step, endpoint_spec, handler_decorator
from framework.web.responses import Response, json_bytes

__all__ = ["PAGE_FIELDS", "OutputSpec", "make_renderer", "output", "page_body"]

F = TypeVar("F", bound=Callable[..., Any])

OUTPUT = handler_decorator(
    "@output",
    kinds=("http",),
    on_class=False,
    why_not="only an HTTP route has a response body to serialise (an event stream sends "
    "events, a WebSocket messages)",
)
_MISSING = object()
#: Pagination metadata around ``items`` in a paginated answer, with their JSON types.
PAGE_FIELDS = {
    "total": "integer",
    "page": "integer",
    "per_page": "integer",
    "pages": "integer",
    "has_next": "boolean",
    "has_prev": "boolean",
}


@dataclass
class OutputSpec:
    """The ``@output`` of a handler: schema, status, shape and documentation."""

    adapter: SchemaAdapter
    status_code: int = 200
    many: bool = False
    paginated: bool = False
    #: Response headers for the documentation: name → description or OpenAPI header object.
    headers: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None


def output(
    schema: Any,
    status_code: int = 200,
    *,
    many: bool = False,
    paginated: bool = False,
    headers: Mapping[str, Any] | None = None,
    description: str | None = None,
) -> Callable[[F], F]:
    """Serialise the handler's return value with *schema* and answer *status_code*.

    ``many=True`` serialises a list; ``paginated=True`` a database page (``paginate()``)
    as ``{"items": [...], "total", "page", "per_page", "pages", "has_next", "has_prev"}``.
    *headers* and *description* document the response.
    """
    if isinstance(status_code, bool) or not isinstance(status_code, int):
        raise ImproperlyConfigured(f"@output status_code must be an int; got {status_code!r}.")
    if not 100 <= status_code <= 399:
        raise ImproperlyConfigured(
            f"@output documents a successful answer (status 100-399); got {status_code}. "
            "Describe error answers with @expect({status: ...})."
        )
    adapter = adapter_for(schema)
    entry = OutputSpec(
        adapter,
        status_code,
        many=many or adapter.many,
        paginated=paginated,
        headers=dict(headers or {}),
        description=description,
    )

    def decorator(func: F) -> F:
        OUTPUT.check_target(func)
        spec = endpoint_spec(func)
        if "output" in spec.meta:
            raise ImproperlyConfigured(
                f"{getattr(func, '__qualname__', func)} has two @output decorators; keep one "
                "(document other answers with @expect)."
            )
        spec.meta["output"] = entry
        OUTPUT.apply(func, _output_step(entry))
        return func

    return decorator


def _output_step(entry: OutputSpec) -> Step:
    def step(call: Call) -> Call:
        render = make_renderer(entry)  # once, when the app is built

        async def serialise(request: HTTPConnection, kwargs: dict[str, Any]) -> Any:
            return render(await call(request, kwargs))

        return serialise

    return step


def make_renderer(entry: OutputSpec) -> Callable[[Any], Any]:
    """Return the function that turns a handler's result into a Response."""
    from framework.db.query import Page

    entry.adapter.prepare()
    dump_json = entry.adapter.dump_json
    dump = entry.adapter.dump
    status_code, many = entry.status_code, entry.many
    empty = status_code in (204, 304)

    def body(value: Any) -> bytes | None:
        if empty:
            return None
        if isinstance(value, Page):
            return json_bytes(page_body(value, dump))
        return dump_json(value, many)

    def render(result: Any) -> Any:
        if isinstance(result, StarletteResponse):
            obj = getattr(result, "obj", _MISSING)
            return result if obj is _MISSING else _fill(result, body(obj), status_code)
        if type(result) is tuple:
            return _from_tuple(result, body)
        return Response(body(result), status_code, media_type=None if empty else "application/json")

    return render


def page_body(page: Any, dump: Callable[[Any, bool], Any]) -> dict[str, Any]:
    """Return a database page as its items and the pagination metadata."""
    return {"items": dump(page.items, True), **{name: getattr(page, name) for name in PAGE_FIELDS}}


def _fill(response: StarletteResponse, content: bytes | None, status_code: int) -> Any:
    """Put *content* into *response*; its default status (200) becomes the declared one."""
    response.body = content or b""
    if response.status_code == 200:
        response.status_code = status_code
    if content is None:
        del response.headers["content-type"]
    else:
        response.headers["content-type"] = "application/json"
    response.headers["content-length"] = str(len(response.body))
    return response


def _from_tuple(result: tuple[Any, ...], body: Callable[[Any], bytes | None]) -> Any:
    if not 2 <= len(result) <= 3 or isinstance(result[1], bool) or not isinstance(result[1], int):
        raise TypeError(
            "A handler with @output returned a tuple; use (value, status_code) or "
            f"(value, status_code, headers), got {result!r:.80}."
        )
    content = body(result[0])
    headers = dict(result[2]) if len(result) == 3 else None
    media_type = None if content is None else "application/json"
    return Response(content, result[1], headers=headers, media_type=media_type)
