"""``@input``: validate part of the request with a schema and pass the result to the handler.

::

    @post("/items")
    @input(ItemIn)                                  # JSON body → data
    @input(Paging, location="query")                # query string → query
    @input(ApiKey, location="headers", key="auth")  # headers → auth
    async def create(self, request, data, query, auth): ...

The schema is a pydantic model or a marshmallow schema (class or instance); the library is
recognised when the decorator runs. The decorator records an :class:`InputSpec` in the
handler's ``endpoint_spec(func).meta["inputs"]`` (the OpenAPI generator reads it) and adds
a pipeline step; the step's loader is built when the app is built, so a request only reads
and validates. Mistakes — an unknown location, a missing handler parameter, two bodies —
fail at import, naming the fix.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from starlette.requests import HTTPConnection

from framework.exceptions import ImproperlyConfigured
from framework.io.adapters import adapter_for
from framework.io.locations import (
    Location,
    LocationAlias,
    LocationName,
    get_location,
    make_loader,
)
from framework.io.schemas import SchemaAdapter
from framework.web.pipeline import Call, Step, endpoint_spec, handler_decorator
from framework.web.requests import Request

__all__ = ["InputSpec", "input"]

F = TypeVar("F", bound=Callable[..., Any])

INPUT = handler_decorator(
    "@input",
    kinds=("http", "sse"),
    on_class=False,
    why_not="a WebSocket has no request body or form; validate its messages in the handler",
)


@dataclass
class InputSpec:
    """One ``@input`` of a handler: what is read, with which schema, into which argument."""

    adapter: SchemaAdapter
    location: Location
    #: Keyword argument that receives the validated value.
    key: str
    #: Text for the API documentation (the request body's or the parameters' description).
    description: str | None = None


def input(
    schema: Any,
    location: LocationName | LocationAlias = "json",
    *,
    key: str | None = None,
    many: bool = False,
    description: str | None = None,
) -> Callable[[F], F]:
    """Validate *location* of each request with *schema*; pass the result as *key*.

    *location* is one of ``json`` (default), ``form``, ``media`` (JSON, a form, YAML or any
    type with a registered parser, by Content-Type), ``files``, ``query``, ``headers``,
    ``cookies`` or ``path``; *key* defaults to ``data`` for JSON and form bodies and to the
    location's name otherwise. ``many=True`` expects a JSON list of items. Invalid input
    answers 422 listing every error; a malformed body 400; a body of another content type
    415.
    """
    where = get_location(location)
    if many and where.name not in ("json", "media"):
        raise ImproperlyConfigured(
            f"@input(..., many=True) reads a JSON list; it cannot apply to location {location!r}."
        )
    adapter = adapter_for(schema, many=many)
    if where.parameter_in is not None or where.name in ("form", "files"):
        adapter.fields()  # refuse, now, a schema without fields for a field-based location
    if where.name == "json":
        adapter.check_json_body()
    name = key or where.default_key

    def decorator(func: F) -> F:
        INPUT.check_target(func)
        inputs: list[InputSpec] = endpoint_spec(func).meta.setdefault("inputs", [])
        _check_conflicts(func, inputs, where, name)
        _check_parameter(func, name, adapter, where)
        entry = InputSpec(adapter, where, name, description)
        inputs.append(entry)
        INPUT.apply(func, _input_step(entry))
        return func

    return decorator


def _input_step(entry: InputSpec) -> Step:
    """Return the step that validates *entry*'s location into ``kwargs[entry.key]``."""

    def step(call: Call) -> Call:
        loader = make_loader(entry.location, entry.adapter)  # once, when the app is built
        key = entry.key

        async def validate(request: HTTPConnection, kwargs: dict[str, Any]) -> Any:
            # An HTTP request: the build refuses @input on WebSocket routes.
            kwargs[key] = await loader(cast(Request, request), kwargs)
            return await call(request, kwargs)

        return validate

    return step


def _where(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


def _check_conflicts(
    func: Callable[..., Any], inputs: list[InputSpec], where: Location, name: str
) -> None:
    for other in inputs:
        if other.key == name:
            raise ImproperlyConfigured(
                f"Two @input decorators of {_where(func)} pass the argument {name!r} "
                f"({other.location.name} and {where.name}); give one of them key='...'."
            )
        if other.location.is_body and where.is_body:
            raise ImproperlyConfigured(
                f"{_where(func)} reads the body twice (@input locations {other.location.name!r} "
                f"and {where.name!r}); a request has one body: use one schema (a form schema may "
                "hold FileField fields)."
            )


def _check_parameter(
    func: Callable[..., Any], name: str, adapter: SchemaAdapter, where: Location
) -> None:
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return
    if name in parameters or any(
        parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values()
    ):
        return
    shown = ", ".join([*parameters, name])
    raise ImproperlyConfigured(
        f"{_where(func)} has no parameter {name!r} for @input({adapter.name}, "
        f"location={where.name!r}); add it (async def {func.__name__}({shown})) or choose "
        "another name with key='...'."
    )
