"""GraphQL: Strawberry first, Graphene served, subscriptions over WebSocket.

Add ``"framework.graphql"`` to INSTALLED_APPS (and ``pip install "framework[graphql]"``):
each app's ``graphql.py`` may define Strawberry ``Query``, ``Mutation`` and
``Subscription`` types, merged into one schema served at GRAPHQL_URL by
:class:`GraphQLController`. Resolvers receive a :class:`GraphQLContext` as ``info.context``
(``request``, ``user``, ``db``, batch loading with ``load``/``load_all``).

The names below are imported on first use: the app registry imports this package to read
its ``apps.py``, and importing the framework must never import Strawberry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.graphql.context import GraphQLContext
    from framework.graphql.engines import Operation
    from framework.graphql.loaders import DataLoader
    from framework.graphql.rules import Limits
    from framework.graphql.schema import build_engine
    from framework.graphql.subscriptions import broadcast_events
    from framework.graphql.views import GraphQLController

__all__ = [
    "DataLoader",
    "GraphQLContext",
    "GraphQLController",
    "Limits",
    "Operation",
    "broadcast_events",
    "build_engine",
]

_HOMES = {
    "GraphQLContext": "context",
    "Operation": "engines",
    "DataLoader": "loaders",
    "Limits": "rules",
    "build_engine": "schema",
    "broadcast_events": "subscriptions",
    "GraphQLController": "views",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'framework.graphql' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"framework.graphql.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
