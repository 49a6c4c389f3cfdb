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

from typing import TYPE_CHECKING

from framework.module_loading import lazy_exports as _lazy_exports

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


__getattr__, __dir__ = _lazy_exports(__name__, _HOMES, __all__)
