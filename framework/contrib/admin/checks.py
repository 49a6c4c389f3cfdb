"""System checks of the admin (ids ``admin.E001``…), run only when the admin app is installed.

* ``admin.E001``: sessions or CSRF protection are not in MIDDLEWARE (the admin needs both);
* ``admin.E002``: ADMIN_URL is not a path below the root (``/backstage/``);
* ``admin.W001`` (deploy): the admin is at the default, guessable ``/admin/`` with DEBUG off.

The session cookie's flags are checked for the whole site (``security.W012``…).
"""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = ["admin_path", "check_admin_middleware", "check_admin_url", "check_guessable_url"]

ADMIN_APP = "framework.contrib.admin"


def admin_path(value: Any) -> str | None:
    """Return ADMIN_URL as a mount path (``/admin``), or None when it is not a usable path."""
    if not isinstance(value, str) or not value.startswith("/") or not value.strip("/"):
        return None
    if any(character in value for character in "{}?#% \t\r\n"):
        return None
    return "/" + value.strip("/")


def _installed() -> bool:
    from framework.apps import apps

    return apps.configs_ready and apps.is_installed(ADMIN_APP)


@register("admin")
def check_admin_middleware(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse an admin without sessions or without CSRF protection."""
    if not _installed():
        return []
    from framework.auth.csrf import CSRFMiddleware
    from framework.conf import settings
    from framework.web.middleware.loading import middleware_classes
    from framework.web.sessions import SessionMiddleware

    classes = list(middleware_classes(settings.MIDDLEWARE))
    needed = {"SessionMiddleware": SessionMiddleware, "CSRFMiddleware": CSRFMiddleware}
    missing = [
        f"{name} in MIDDLEWARE"
        for name, kind in needed.items()
        if not any(issubclass(cls, kind) for cls in classes)
    ]
    if not settings.SECRET_KEY:
        missing.append("a SECRET_KEY")
    if not missing:
        return []
    return [
        Error(
            f"The admin needs {' and '.join(missing)}: it logs users in with the session "
            "cookie and protects its forms with the CSRF token.",
            "Keep 'framework.web.middleware.SessionMiddleware' and "
            "'framework.auth.CSRFMiddleware' in MIDDLEWARE (and a SECRET_KEY).",
            "admin.E001",
        )
    ]


@register("admin")
def check_admin_url(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse an ADMIN_URL that is not a plain path below the root."""
    from framework.conf import settings

    if not _installed() or admin_path(settings.ADMIN_URL) is not None:
        return []
    return [
        Error(
            f"ADMIN_URL must be a path below the root, like '/backstage/'; got "
            f"{settings.ADMIN_URL!r}.",
            "Set ADMIN_URL to a path of letters, digits, '-' and '/'.",
            "admin.E002",
        )
    ]


@register("admin", deploy=True)
def check_guessable_url(app_configs: Any = None) -> list[CheckMessage]:
    """Warn when the admin is at the default ``/admin/`` in production."""
    from framework.conf import settings

    if not _installed() or settings.DEBUG or admin_path(settings.ADMIN_URL) != "/admin":
        return []
    return [
        Warning(
            "The admin is served at /admin/, the first URL that scanners and password "
            "guessers try.",
            "Set ADMIN_URL to a path of your own (ADMIN_URL=/backstage-7f3a/ in the environment).",
            "admin.W001",
        )
    ]
