"""The served schema: merged from the apps' ``graphql.py`` modules, or GRAPHQL_SCHEMA.

Each installed app's ``graphql`` module may define Strawberry types named ``Query``,
``Mutation`` and ``Subscription``. The types of one name are merged, in INSTALLED_APPS
order, into one root type (field names camelCased, Strawberry's default); two apps that
define the same field is an error naming both. ``GRAPHQL_SCHEMA = "pkg.module:schema"``
serves that schema instead: a Strawberry ``Schema``, a Graphene ``Schema`` or a
graphql-core ``GraphQLSchema``.

The schema is built once per settings (at the app's build, so a broken schema stops the
server at start), with the query limits, the introspection rule and the resolver guards
(``framework.graphql.guards``) installed.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from framework.exceptions import ImproperlyConfigured
from framework.graphql.engines import CoreEngine, Engine, StrawberryEngine
from framework.graphql.extras import introspection_enabled, require_strawberry
from framework.graphql.rules import Limits, limit_rules

__all__ = [
    "ROOT_TYPES",
    "app_root_types",
    "build_engine",
    "engine_for_settings",
    "merge_root",
    "merged_schema",
]

#: The names an app's ``graphql`` module defines root types under.
ROOT_TYPES = ("Query", "Mutation", "Subscription")

_engines: dict[int, tuple[Any, Engine]] = {}
_lock = threading.Lock()


def engine_for_settings(settings: Any) -> Engine:
    """Return the engine of *settings* (a ``Settings`` object), building it on first use."""
    key = id(settings)
    cached = _engines.get(key)
    if cached is not None and cached[0] is settings:
        return cached[1]
    with _lock:
        cached = _engines.get(key)
        if cached is None or cached[0] is not settings:
            cached = (settings, build_engine(settings))
            _engines[key] = cached
    return cached[1]


def build_engine(settings: Any, schema: Any = None) -> Engine:
    """Build the engine for *schema*, else GRAPHQL_SCHEMA, else the apps' merged types."""
    from framework.graphql.guards import install_guards

    rules = limit_rules(Limits.from_settings(settings), introspection_enabled(settings))
    debug = bool(settings.DEBUG)
    if schema is None and settings.GRAPHQL_SCHEMA:
        from framework.module_loading import import_string

        schema = import_string(str(settings.GRAPHQL_SCHEMA), setting="GRAPHQL_SCHEMA")
        where = f"GRAPHQL_SCHEMA {settings.GRAPHQL_SCHEMA!r}"
        engine = _engine_for(schema, rules, debug, where)
    elif schema is not None:
        engine = _engine_for(schema, rules, debug, f"the schema {schema!r}")
    else:
        engine = StrawberryEngine(merged_schema(), rules, debug)
    install_guards(engine)
    return engine


def _engine_for(schema: Any, rules: list[Any], debug: bool, where: str) -> Engine:
    """Wrap *schema* in the engine of its library (checked by type, never by name)."""
    strawberry = sys.modules.get("strawberry.schema.schema")
    if strawberry is not None and isinstance(schema, strawberry.Schema):
        return StrawberryEngine(schema, rules, debug)
    graphene = sys.modules.get("graphene")
    if graphene is not None and isinstance(schema, graphene.Schema):
        return CoreEngine(schema.graphql_schema, rules, "graphene", debug)
    from graphql import GraphQLSchema

    if isinstance(schema, GraphQLSchema):
        return CoreEngine(schema, rules, "graphql-core", debug)
    raise ImproperlyConfigured(
        f"{where} is a {type(schema).__name__}, not a schema: name a strawberry.Schema, a "
        "graphene.Schema or a graphql.GraphQLSchema."
    )


def merged_schema() -> Any:
    """Return a Strawberry schema merging every app's ``Query``/``Mutation``/``Subscription``."""
    require_strawberry()
    import strawberry

    found = app_root_types()
    if not found["Query"]:
        raise ImproperlyConfigured(
            "framework.graphql is installed but no app's graphql.py defines a strawberry "
            "type named Query, and GRAPHQL_SCHEMA is empty: define one, or name a schema."
        )
    roots = {name: merge_root(name, types) for name, types in found.items() if types}
    return strawberry.Schema(
        query=roots["Query"], mutation=roots.get("Mutation"), subscription=roots.get("Subscription")
    )


def app_root_types() -> dict[str, list[tuple[str, type]]]:
    """Return, per root name, the ``(app label, type)`` pairs the apps define."""
    from strawberry.types.base import has_object_definition

    from framework.apps import apps

    found: dict[str, list[tuple[str, type]]] = {name: [] for name in ROOT_TYPES}
    for config in apps.get_app_configs():
        module = config.import_module("graphql")
        if module is None:
            continue
        for name in ROOT_TYPES:
            value = getattr(module, name, None)
            if value is None:
                continue
            if not (isinstance(value, type) and has_object_definition(value)):
                raise ImproperlyConfigured(
                    f"{module.__name__}.{name} is not a Strawberry type: decorate it with "
                    "@strawberry.type."
                )
            found[name].append((config.label, value))
    return found


def merge_root(name: str, types: list[tuple[str, type]]) -> type:
    """Return one Strawberry type with the fields of *types*; refuse a field defined twice."""
    import strawberry
    from strawberry.types.base import get_object_definition
    from strawberry.utils.str_converters import to_camel_case

    if len(types) == 1:
        return types[0][1]
    owners: dict[str, tuple[str, type]] = {}
    for label, cls in types:
        for field in get_object_definition(cls, strict=True).fields:
            graphql_name = field.graphql_name or to_camel_case(field.python_name)
            if graphql_name in owners:
                first_label, first = owners[graphql_name]
                raise ImproperlyConfigured(
                    f"The GraphQL {name} field {graphql_name!r} is defined by two apps: "
                    f"{first_label!r} ({first.__module__}.{first.__qualname__}) and "
                    f"{label!r} ({cls.__module__}.{cls.__qualname__}); rename one."
                )
            owners[graphql_name] = (label, cls)
    return strawberry.type(type(name, tuple(cls for _, cls in types), {}))
