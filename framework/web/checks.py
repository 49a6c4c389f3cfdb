"""Checks on the web middleware: entries that import, the host check and security headers."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = ["check_middleware_imports", "check_security_middleware"]


@register("middleware")
def check_middleware_imports(app_configs: Any = None) -> list[CheckMessage]:
    """Report MIDDLEWARE entries that do not import or are not middleware, naming each."""
    from starlette.middleware import Middleware

    from framework.conf import settings
    from framework.exceptions import ImproperlyConfigured
    from framework.web.middleware.loading import resolve_entry

    messages: list[CheckMessage] = []
    for entry in settings.MIDDLEWARE:
        if isinstance(entry, Middleware):
            continue
        try:
            resolve_entry(entry)
        except ImproperlyConfigured as exc:
            messages.append(
                Error(
                    str(exc),
                    hint="Fix or remove this MIDDLEWARE entry.",
                    id="web.E001",
                    obj=entry,
                )
            )
    return messages


@register("security", deploy=True)
def check_security_middleware(app_configs: Any = None) -> list[CheckMessage]:
    """Warn when MIDDLEWARE leaves out the Host check or the security headers."""
    from framework.conf import settings
    from framework.web.middleware import SecurityHeadersMiddleware, TrustedHostMiddleware
    from framework.web.middleware.loading import middleware_classes

    classes = middleware_classes(settings.MIDDLEWARE)
    messages: list[CheckMessage] = []
    if not any(issubclass(cls, TrustedHostMiddleware) for cls in classes):
        messages.append(
            Warning(
                "TrustedHostMiddleware is not in MIDDLEWARE: Host headers are not checked "
                "against ALLOWED_HOSTS.",
                "Put 'framework.web.middleware.TrustedHostMiddleware' first in MIDDLEWARE.",
                "security.W034",
            )
        )
    if not any(issubclass(cls, SecurityHeadersMiddleware) for cls in classes):
        messages.append(
            Warning(
                "SecurityHeadersMiddleware is not in MIDDLEWARE: responses go out without "
                "SECURE_HEADERS (nosniff, X-Frame-Options, Referrer-Policy) and HSTS.",
                "Add 'framework.web.middleware.SecurityHeadersMiddleware' to MIDDLEWARE.",
                "security.W035",
            )
        )
    return messages
