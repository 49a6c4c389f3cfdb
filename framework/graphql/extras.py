"""The optional libraries GraphQL needs, found without importing them.

``framework[graphql]`` installs Strawberry (and graphql-core with it); ``framework[graphene]``
installs Graphene, for a project that serves a Graphene schema through GRAPHQL_SCHEMA. The
two need different graphql-core versions, so a project has one or the other. Without
either, the first use raises ``MissingDependencyError`` with the ``pip install`` line.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from framework.exceptions import MissingDependencyError

__all__ = [
    "ide_enabled",
    "ide_folder",
    "introspection_enabled",
    "require_graphql",
    "require_strawberry",
]


def ide_enabled(settings: Any) -> bool:
    """Return GRAPHQL_IDE, or DEBUG when it is None."""
    value = settings.GRAPHQL_IDE
    return bool(settings.DEBUG if value is None else value)


def introspection_enabled(settings: Any) -> bool:
    """Return GRAPHQL_INTROSPECTION, or DEBUG when it is None."""
    value = settings.GRAPHQL_INTROSPECTION
    return bool(settings.DEBUG if value is None else value)


def require_graphql() -> None:
    """Raise the ``pip install`` line when no GraphQL library is installed."""
    if importlib.util.find_spec("graphql") is None:
        raise MissingDependencyError("strawberry-graphql", extra="graphql", feature="GraphQL")


def require_strawberry() -> None:
    """Raise the ``pip install`` line when Strawberry is not installed."""
    if importlib.util.find_spec("strawberry") is None:
        raise MissingDependencyError(
            "strawberry-graphql", extra="graphql", feature="the apps' GraphQL types"
        )


def ide_folder() -> Path:
    """Return the folder of GraphiQL's built files (the ``graphene-django-graphiql-static`` wheel).

    The package is found, never imported: it is a Django app, and only its static files are
    used. It has no dependencies and ships React, GraphiQL and the graphql-ws client.
    """
    name = "graphene_django_graphiql_static"
    spec = importlib.util.find_spec(name)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise MissingDependencyError(
            "graphene-django-graphiql-static", extra="graphql", feature="the GraphiQL page"
        )
    return Path(locations[0]) / "static" / name
