"""Where ``@input`` reads from: JSON, form or any media body, files, query, headers, cookies, path.

Each location has a loader, built once per route when the app is built: it checks the
content type (415 for a body of the wrong type), collects the values the schema declares,
and hands them to the schema adapter. A JSON body goes to the adapter as raw bytes, so
pydantic parses and validates it in one pass.

Multi-valued inputs follow the schema: a field declared as a list (``tags: list[str]`` or
``fields.List``) receives every ``?tag=`` value; any other field receives one value.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from starlette.datastructures import UploadFile

from framework.io.errors import unsupported_media_type
from framework.io.schemas import FieldSpec, SchemaAdapter
from framework.web.media import parse_body
from framework.web.requests import Request, is_json_content_type

__all__ = [
    "LOCATIONS",
    "Loader",
    "Location",
    "LocationAlias",
    "LocationName",
    "get_location",
    "make_loader",
]

#: The parts of a request ``@input`` reads.
LocationName = Literal["json", "form", "media", "files", "query", "headers", "cookies", "path"]
#: Singular spellings accepted for some of them.
LocationAlias = Literal["body", "header", "cookie", "file"]
#: OpenAPI's ``in`` of a parameter.
ParameterIn = Literal["query", "header", "cookie", "path"]

Loader = Callable[[Request, dict[str, Any]], Awaitable[Any]]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Location:
    """One place a request carries data."""

    #: The name used in ``@input(..., location=name)``.
    name: LocationName
    #: First element of an error's ``loc``.
    where: Literal["body", "query", "header", "cookie", "path"]
    #: Keyword argument the handler receives by default.
    default_key: str
    #: Whether the data is the request body (at most one body location per handler).
    is_body: bool = False
    #: In OpenAPI: ``in`` of the parameters (None for bodies).
    parameter_in: ParameterIn | None = None


LOCATIONS: dict[str, Location] = {
    "json": Location("json", "body", "data", is_body=True),
    "form": Location("form", "body", "data", is_body=True),
    # Dyne's default: JSON, a form, YAML, or any type with a registered parser.
    "media": Location("media", "body", "data", is_body=True),
    "files": Location("files", "body", "files", is_body=True),
    "query": Location("query", "query", "query", parameter_in="query"),
    "headers": Location("headers", "header", "headers", parameter_in="header"),
    "cookies": Location("cookies", "cookie", "cookies", parameter_in="cookie"),
    "path": Location("path", "path", "path", parameter_in="path"),
}
_ALIASES: dict[str, LocationName] = {
    "body": "json",
    "header": "headers",
    "cookie": "cookies",
    "file": "files",
}


def get_location(name: str) -> Location:
    """Return the location called *name* (singular forms accepted); refuse unknown ones."""
    location = LOCATIONS.get(_ALIASES.get(name, name))
    if location is None:
        raise ValueError(f"Unknown input location {name!r}; use one of: {', '.join(LOCATIONS)}.")
    return location


def header_name(key: str) -> str:
    """Return the HTTP header a field reads: ``x_api_key`` and ``X-API-Key`` → ``x-api-key``."""
    return key.lower().replace("_", "-")


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "")


def _media(content_type: str) -> str:
    return content_type.partition(";")[0].strip().lower()


def make_loader(location: Location, adapter: SchemaAdapter) -> Loader:
    """Return the function that reads and validates *location* for *adapter*'s schema."""
    adapter.prepare()
    if location.name == "json":
        return _json_loader(adapter)
    if location.name == "media":
        return _media_loader(adapter)
    specs = adapter.fields()
    multiple = frozenset(spec.key for spec in specs if spec.multiple)
    builders = {
        "form": _form_loader,
        "files": _form_loader,
        "query": _query_loader,
        "headers": _header_loader,
        "cookies": _cookie_loader,
        "path": _path_loader,
    }
    return builders[location.name](location, adapter, specs, multiple)


def _json_loader(adapter: SchemaAdapter) -> Loader:
    load_json = adapter.load_json
    known: dict[str, bool] = {}

    async def load(request: Request, kwargs: dict[str, Any]) -> Any:
        content_type = _content_type(request)
        is_json = known.get(content_type)
        if is_json is None:
            is_json = is_json_content_type(content_type)
            if len(known) < 64:  # remember the few types clients send, not every one
                known[content_type] = is_json
        if not is_json:
            raise unsupported_media_type("a JSON body", "application/json", content_type)
        return load_json(await request.body())

    return load


def _media_loader(adapter: SchemaAdapter) -> Loader:
    """Read the body by its content type: JSON, a form, or a registered parser's type."""
    json_loader = _json_loader(adapter)
    try:
        specs = adapter.fields()
    except TypeError:  # a schema without fields (a list, a union) can still take JSON or YAML
        specs = []
    multiple = frozenset(spec.key for spec in specs if spec.multiple)
    form_loader = _form_loader(LOCATIONS["form"], adapter, specs, multiple)

    async def load(request: Request, kwargs: dict[str, Any]) -> Any:
        content_type = _content_type(request)
        if is_json_content_type(content_type):
            return await json_loader(request, kwargs)
        if _media(content_type) in _FORM_TYPES:
            return await form_loader(request, kwargs)
        return adapter.load(parse_body(content_type, await request.body()), "body")

    return load


def _form_loader(
    location: Location, adapter: SchemaAdapter, specs: list[FieldSpec], multiple: frozenset[str]
) -> Loader:
    files_only = location.name == "files"
    accepted = ("multipart/form-data",) if files_only else _FORM_TYPES
    expected = "a multipart form" if files_only else "a form body"
    example = " or ".join(accepted)

    async def load(request: Request, kwargs: dict[str, Any]) -> Any:
        content_type = _content_type(request)
        if _media(content_type) not in accepted:
            raise unsupported_media_type(expected, example, content_type)
        form = await request.form()
        data: dict[str, Any] = {}
        for key in form:
            values = form.getlist(key)
            if files_only:
                values = [value for value in values if isinstance(value, UploadFile)]
                if not values:
                    continue
            data[key] = values if key in multiple else values[-1]
        return adapter.load(data, "body", exclude_unknown=files_only)

    return load


def _query_loader(
    location: Location, adapter: SchemaAdapter, specs: list[FieldSpec], multiple: frozenset[str]
) -> Loader:
    async def load(request: Request, kwargs: dict[str, Any]) -> Any:
        params = request.query_params
        data = {key: params.getlist(key) if key in multiple else params[key] for key in params}
        return adapter.load(data, "query", exclude_unknown=True)

    return load


def _header_loader(
    location: Location, adapter: SchemaAdapter, specs: list[FieldSpec], multiple: frozenset[str]
) -> Loader:
    names = [(spec.key, header_name(spec.key), spec.multiple) for spec in specs]

    async def load(request: Request, kwargs: dict[str, Any]) -> Any:
        headers = request.headers
        data: dict[str, Any] = {}
        for key, name, many in names:
            values = headers.getlist(name)
            if values:
                data[key] = values if many else values[0]
        return adapter.load(data, "header", exclude_unknown=True)

    return load


def _cookie_loader(
    location: Location, adapter: SchemaAdapter, specs: list[FieldSpec], multiple: frozenset[str]
) -> Loader:
    keys = [spec.key for spec in specs]

    async def load(request: Request, kwargs: dict[str, Any]) -> Any:
        cookies = request.cookies
        data = {key: cookies[key] for key in keys if key in cookies}
        return adapter.load(data, "cookie", exclude_unknown=True)

    return load


def _path_loader(
    location: Location, adapter: SchemaAdapter, specs: list[FieldSpec], multiple: frozenset[str]
) -> Loader:
    async def load(request: Request, kwargs: dict[str, Any]) -> Any:
        return adapter.load(dict(request.path_params), "path", exclude_unknown=True)

    return load
