"""The OpenAPI 3.1 document of an ``App``, generated from its routes and their metadata.

Nothing is registered twice: the document is read from ``app.routes`` (each
framework route keeps its handler and declaration), the handlers' ``endpoint_spec`` metadata
and the settings (``OPENAPI_TITLE``, ``OPENAPI_VERSION``, ``OPENAPI_DESCRIPTION``,
``OPENAPI_INFO``, ``OPENAPI_SERVERS``). Routes declared with ``include_in_schema=False``,
WebSocket routes and plain Starlette routes are left out; ``@webhook`` routes are listed
under ``webhooks`` instead of ``paths``. Tags: a controller's routes share its name (without
the ``Controller`` suffix, described by its docstring); function routes of an app share the
app's label.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from framework.exceptions import ImproperlyConfigured
from framework.openapi.components import SchemaRegistry
from framework.openapi.downgrade import SPEC_VERSIONS, to_openapi_30
from framework.openapi.operations import OperationBuilder
from framework.web.controllers import Controller
from framework.web.development import is_development_only
from framework.web.pipeline import EndpointSpec, get_endpoint_spec
from framework.web.routes import HandlerRoute

__all__ = ["ERROR_SCHEMA", "OPENAPI_VERSION", "RouteEntry", "generate_openapi", "route_entries"]

#: The version of the OpenAPI specification the documents follow.
OPENAPI_VERSION = "3.1.0"
_METHOD_ORDER = ["GET", "PUT", "POST", "PATCH", "DELETE", "OPTIONS", "TRACE"]

#: The framework's error body, ``{"detail": ..., "errors": [{"loc", "msg", "type"}]}``.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": "Where: body, query, header, cookie or path, then the "
                        "field path.",
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg", "type"],
            },
        },
    },
    "required": ["detail", "errors"],
}


@dataclass
class RouteEntry:
    """A documented route: the route, its methods, its metadata and its tag."""

    route: HandlerRoute
    methods: list[str]
    spec: EndpointSpec | None
    tag: str | None
    tag_description: str | None


def _controller_of(route: HandlerRoute) -> type[Controller] | None:
    bound = getattr(route.app, "handler", None)
    owner = getattr(bound, "__self__", None)
    return type(owner) if isinstance(owner, Controller) else None


def _tag(route: HandlerRoute) -> tuple[str | None, str | None]:
    controller = _controller_of(route)
    if controller is not None:
        name = controller.__name__.removesuffix("Controller") or controller.__name__
        doc = controller.__dict__.get("__doc__")  # its own, not Controller's
        return name, (inspect.cleandoc(doc).splitlines()[0] if doc and doc.strip() else None)
    return route.app_label, None


def route_entries(routes: list[Any]) -> list[RouteEntry]:
    """Return the routes of *routes* that belong in the document, in match order."""
    entries = []
    for route in routes:
        if not isinstance(route, HandlerRoute) or not route.include_in_schema:
            continue
        if route.kind not in ("http", "sse"):
            continue
        methods = [m for m in _METHOD_ORDER if m in (route.methods or ())]
        tag, description = _tag(route)
        spec = route.spec if route.spec is not None else get_endpoint_spec(route.handler)
        if spec is not None and spec.meta.get("openapi", {}).get("include_in_schema") is False:
            continue  # @doc(include_in_schema=False), on the route or its controller
        entries.append(RouteEntry(route, methods, spec, tag, description))
    return entries


def _info(settings: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "title": str(settings.OPENAPI_TITLE or "API"),
        "version": str(settings.OPENAPI_VERSION or "0.1.0"),
    }
    if settings.OPENAPI_DESCRIPTION:
        info["description"] = inspect.cleandoc(str(settings.OPENAPI_DESCRIPTION))
    info.update(dict(settings.OPENAPI_INFO or {}))
    return info


def generate_openapi(
    app: Any, *, settings: Any = None, version: str | None = None
) -> dict[str, Any]:
    """Return the OpenAPI document of *app* (a framework ``App``) as a dict.

    *settings* defaults to the settings the app was created under; *version* (``"3.1"``
    or ``"3.0"``) to OPENAPI_SPEC_VERSION. 3.0 is converted from 3.1 (see ``downgrade``).
    """
    settings = settings if settings is not None else app.settings
    version = str(version or settings.get("OPENAPI_SPEC_VERSION", "3.1"))
    if version not in SPEC_VERSIONS:
        raise ImproperlyConfigured(
            f"OPENAPI_SPEC_VERSION must be one of {', '.join(SPEC_VERSIONS)}; got {version!r}."
        )
    document = _generate(app, settings)
    return to_openapi_30(document) if version == "3.0" else document


def _generate(app: Any, settings: Any) -> dict[str, Any]:
    entries = route_entries(list(app.routes))
    if not app.debug:  # development-only routes answer 404: they are not part of the API
        entries = [e for e in entries if e.spec is None or not is_development_only(e.spec.meta)]
    registry = SchemaRegistry()
    builder = OperationBuilder(registry)
    for entry in entries:
        builder.collect(entry.spec)
    registry.finish()
    builder.error_ref = {
        "$ref": "#/components/schemas/" + registry.add_component("Error", ERROR_SCHEMA)
    }
    paths: dict[str, dict[str, Any]] = {}
    webhooks: dict[str, dict[str, Any]] = {}
    tags: dict[str, str | None] = {}
    for entry in entries:
        webhook = entry.spec.meta.get("webhook") if entry.spec is not None else None
        target = (
            webhooks.setdefault(webhook, {})
            if webhook
            else paths.setdefault(entry.route.path_format, {})
        )
        tag_names = [entry.tag] if entry.tag else []
        for method in entry.methods:
            operation = builder.build(entry.route, method, entry.spec, tag_names)
            target[method.lower()] = operation
            for name in operation.get("tags", ()):
                if tags.get(name) is None:
                    tags[name] = entry.tag_description if name == entry.tag else None
    return _document(settings, paths, webhooks, tags, registry, builder)


def _document(
    settings: Any,
    paths: dict[str, Any],
    webhooks: dict[str, Any],
    tags: dict[str, str | None],
    registry: SchemaRegistry,
    builder: OperationBuilder,
) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": _info(settings)}
    if settings.OPENAPI_SERVERS:
        document["servers"] = [dict(server) for server in settings.OPENAPI_SERVERS]
    document["paths"] = paths
    if webhooks:
        document["webhooks"] = webhooks
    components: dict[str, Any] = {"schemas": registry.components}
    if builder.security_schemes:
        components["securitySchemes"] = builder.security_schemes
    document["components"] = components
    if tags:
        document["tags"] = [
            {"name": name, **({"description": text} if text else {})} for name, text in tags.items()
        ]
    return document
