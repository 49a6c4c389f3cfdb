"""The ``framework.openapi`` app: add it to INSTALLED_APPS to serve the API documentation."""

from __future__ import annotations

from framework.apps import AppConfig

__all__ = ["OpenAPIConfig"]


class OpenAPIConfig(AppConfig):
    """Serve ``/openapi.json``, ``/openapi.yaml``, ``/docs`` and ``/redoc`` (see the settings)."""

    name = "framework.openapi"
    label = "openapi"
    verbose_name = "API documentation"
