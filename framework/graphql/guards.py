"""Handler decorators on resolvers: ``@authenticate``, ``@login_required``, ``@ratelimit``.

The framework's handler decorators only record themselves on a function (its
``EndpointSpec``). When the schema is built, every field of every object type is looked up
back to the function that resolves it — a Strawberry resolver or method, a Graphene
``resolve_*`` — and to the class that defines it. A declaration that takes effect on a
"GraphQL resolver" (``ROUTE_KINDS["graphql"]``) becomes a guard around the field's
resolver; any other is refused then, in one line naming the field and the decorator.

A guard runs the decorators' pipeline steps with the request (``info.context.request``)
before the resolver. A refusal becomes a GraphQL error on that field, with
``extensions.code`` ``UNAUTHENTICATED`` (401), ``FORBIDDEN`` (403) or ``TOO_MANY_REQUESTS``
(429): the field's data is null and the resolver never runs. A decorator on the class (a
Strawberry type, a Graphene ``ObjectType``) guards every field of it, outside the fields' own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from inspect import isawaitable
from typing import Any

from graphql import GraphQLError, GraphQLField, GraphQLObjectType

from framework.exceptions import ImproperlyConfigured
from framework.graphql.engines import Engine, error_code
from framework.web.exceptions import HTTPException
from framework.web.pipeline import EndpointSpec, compose, get_endpoint_spec, merge_specs

__all__ = ["KIND", "install_guards"]

#: The place name of resolvers in ``ROUTE_KINDS``.
KIND = "graphql"
_ADMITTED = object()
_GUARDED = "__framework_guarded__"


def install_guards(engine: Engine) -> None:
    """Guard every field whose resolver (or class) carries handler decorators."""
    for type_name, graphql_type in engine.graphql_schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        owner = _owner_class(graphql_type)
        outer = _class_specs(owner)
        for field_name, field in graphql_type.fields.items():
            function = _resolver_function(field, owner, field_name)
            spec = merge_specs(outer, get_endpoint_spec(function) if function else None)
            if spec is None or not spec.applied:
                continue
            where = f"{type_name}.{field_name}"
            _refuse_unsupported(spec, where, function or owner)
            _guard(field, spec, where)


def _owner_class(graphql_type: GraphQLObjectType) -> type | None:
    """Return the Python class that defines *graphql_type* (Strawberry or Graphene)."""
    definition = (graphql_type.extensions or {}).get("strawberry-definition")
    if definition is not None:
        return getattr(definition, "origin", None)
    return getattr(graphql_type, "graphene_type", None)


def _class_specs(owner: type | None) -> list[EndpointSpec]:
    """Return the specs recorded on *owner* and its bases, base first."""
    if owner is None:
        return []
    specs = [get_endpoint_spec(cls) for cls in reversed(owner.__mro__) if cls is not object]
    return [spec for spec in specs if spec is not None]


def _resolver_function(field: GraphQLField, owner: type | None, name: str) -> Any:
    """Return the user's function behind *field* (None for a plain attribute)."""
    definition = (field.extensions or {}).get("strawberry-definition")
    if definition is not None:
        resolver = getattr(definition, "base_resolver", None)
        return getattr(resolver, "wrapped_func", None)
    function: Any = field.resolve
    while isinstance(function, functools.partial):
        function = function.func
    function = getattr(function, "__func__", function)
    if function is None and owner is not None:
        function = getattr(owner, f"resolve_{name}", None)
    return getattr(function, "__func__", function)


def _refuse_unsupported(spec: EndpointSpec, where: str, target: Any) -> None:
    for decorator in spec.applied:
        if KIND in decorator.kinds:
            continue
        qualname = f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', target)}"
        raise ImproperlyConfigured(
            f"{decorator.name} cannot apply to the GraphQL resolver {where} ({qualname}): "
            "the schema's types validate a resolver's arguments and result; only @authenticate, "
            "@login_required and @ratelimit take effect on resolvers."
        )


def _guard(field: GraphQLField, spec: EndpointSpec, where: str) -> None:
    """Run *spec*'s steps before the field's resolver (and its subscribe function)."""

    async def admitted(request: Any, kwargs: dict[str, Any]) -> Any:
        return _ADMITTED

    check = compose(spec, admitted)

    async def admit(info: Any) -> None:
        request = info.context.request
        try:
            outcome = await check(request, {})
        except HTTPException as refusal:
            raise _refused(refusal.status_code, str(refusal.detail)) from None
        if outcome is not _ADMITTED:  # a hook answered with its own response
            status = int(getattr(outcome, "status_code", 403))
            raise _refused(status, f"The request may not read {where}.")

    if field.subscribe is not None:  # checked once, when the subscription starts
        field.subscribe = _wrap(field.subscribe, admit)
    else:
        field.resolve = _wrap(field.resolve, admit)


def _wrap(resolve: Callable[..., Any] | None, admit: Callable[[Any], Any]) -> Any:
    if getattr(resolve, _GUARDED, False):
        return resolve  # a schema served twice is guarded once

    async def guarded(root: Any, info: Any, **arguments: Any) -> Any:
        await admit(info)
        if resolve is None:  # graphql-core's default: the attribute or key of the parent
            from graphql import default_field_resolver

            return default_field_resolver(root, info, **arguments)
        result = resolve(root, info, **arguments)
        return await result if isawaitable(result) else result

    setattr(guarded, _GUARDED, True)
    return guarded


def _refused(status_code: int, detail: str) -> GraphQLError:
    code = error_code(status_code)
    return GraphQLError(detail, extensions={"code": code, "status": status_code})
