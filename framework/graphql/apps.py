"""The ``framework.graphql`` app: add it to INSTALLED_APPS to serve GRAPHQL_URL."""

from __future__ import annotations

from framework.apps import AppConfig

__all__ = ["GraphQLConfig"]


class GraphQLConfig(AppConfig):
    """Serve the schema merged from the apps' ``graphql.py`` (or GRAPHQL_SCHEMA)."""

    name = "framework.graphql"
    label = "graphql"
    verbose_name = "GraphQL"

    def ready(self) -> None:
        """Register the GraphQL system checks."""
        import framework.graphql.checks  # noqa: F401 - registers on import
