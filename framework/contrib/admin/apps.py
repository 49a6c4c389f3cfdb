"""The ``admin`` app's configuration."""

from __future__ import annotations

import importlib.util

from framework.apps import AppConfig
from framework.exceptions import MissingDependencyError

__all__ = ["AdminConfig"]


class AdminConfig(AppConfig):
    """The web admin at ADMIN_URL, for the models each app's ``admin.py`` registers."""

    label = "admin"
    verbose_name = "Administration"
    #: Its login is contrib.auth's (the same users, sessions and password checks).
    depends_on = ("framework.contrib.auth",)

    def ready(self) -> None:
        """Refuse to start without sqladmin (found, not imported: the CLI stays fast)."""
        if importlib.util.find_spec("sqladmin") is None:
            raise MissingDependencyError("sqladmin", extra="admin", feature="the admin")
        from framework.contrib.admin import checks  # noqa: F401  (registers the checks)
