"""The admin's mount: ``ADMIN_URL`` serves the admin, discovered like any app's routes.

The path is read when the project's app is built (so ``settings.override(ADMIN_URL=...)``
in a test, or the environment in production, decides it), and so is the admin: every app's
``admin.py`` is imported then, and a broken registration stops the server from starting.
"""

from __future__ import annotations

from framework.contrib.admin.checks import admin_path
from framework.contrib.admin.sites import site
from framework.exceptions import ImproperlyConfigured
from framework.web.routing import MountDecl, Router

__all__ = ["AdminRouter", "router"]


class AdminRouter(Router):
    """A router whose one mount is the admin at ADMIN_URL."""

    def mounted_apps(self) -> list[MountDecl]:
        """Return the admin's mount, built now from the settings and the registrations."""
        from framework.conf import settings
        from framework.contrib.admin.application import AdminApp

        path = admin_path(settings.ADMIN_URL)
        if path is None:
            raise ImproperlyConfigured(
                f"ADMIN_URL must be a path below the root, like '/backstage/'; got "
                f"{settings.ADMIN_URL!r}."
            )
        return [MountDecl(path, AdminApp(site, path), "admin"), *super().mounted_apps()]


router = AdminRouter()
