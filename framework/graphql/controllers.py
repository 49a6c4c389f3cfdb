"""Routes of the ``framework.graphql`` app, discovered like any app's controllers."""

from __future__ import annotations

from framework.graphql.views import GraphQLController

__all__ = ["GraphQLController"]
