"""Routes of the ``framework.openapi`` app, discovered like any app's controllers."""

from __future__ import annotations

from framework.openapi.views import DocsController

__all__ = ["DocsController"]
