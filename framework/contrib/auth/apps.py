"""The ``auth`` app's configuration."""

from __future__ import annotations

from framework.apps import AppConfig

__all__ = ["AuthConfig"]


class AuthConfig(AppConfig):
    """Users, roles and API tokens; ``/login`` and ``/logout`` (under ``url_prefix``)."""

    label = "auth"
    verbose_name = "Authentication"
