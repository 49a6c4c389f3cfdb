"""Checks of the GraphQL settings: a schema that builds; no IDE or introspection in production.

They are registered when the ``framework.graphql`` app is ready, and the registry lives as
long as the process: each check first asks whether the app is installed in the project being
checked.
"""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = ["check_graphql_for_production", "check_graphql_schema"]


@register("graphql")
def check_graphql_schema(app_configs: Any = None) -> list[CheckMessage]:
    """Report a schema that cannot be built (missing extra, clash, bad GRAPHQL_SCHEMA)."""
    from framework.conf import settings
    from framework.exceptions import FrameworkError

    if not _installed():
        return []
    try:
        from framework.graphql.extras import require_graphql

        require_graphql()
        from framework.graphql.schema import engine_for_settings

        engine_for_settings(settings.wrapped)
    except FrameworkError as exc:
        hint = "Fix the app's graphql.py or GRAPHQL_SCHEMA named above."
        return [Error(f"The GraphQL schema cannot be built: {exc}", hint, "graphql.E001")]
    return []


@register("graphql", deploy=True)
def check_graphql_for_production(app_configs: Any = None) -> list[CheckMessage]:
    """Warn (deploy) when introspection or GraphiQL is on with DEBUG off."""
    from framework.conf import settings
    from framework.graphql.extras import ide_enabled, introspection_enabled

    messages: list[CheckMessage] = []
    if settings.DEBUG or not _installed():
        return messages
    if introspection_enabled(settings):
        messages.append(
            Warning(
                "GRAPHQL_INTROSPECTION is on in production: anyone can read the whole schema.",
                "Set GRAPHQL_INTROSPECTION = False (or leave it None: on only when DEBUG).",
                "graphql.W001",
            )
        )
    if ide_enabled(settings):
        messages.append(
            Warning(
                "GRAPHQL_IDE is on in production: GraphiQL is served at GRAPHQL_URL.",
                "Set GRAPHQL_IDE = False (or leave it None: on only when DEBUG).",
                "graphql.W002",
            )
        )
    return messages


def _installed() -> bool:
    from framework.apps import apps

    # The registry as it stands: a check run before the apps are ready finds none.
    return any(config.name == "framework.graphql" for config in apps.app_configs.values())
