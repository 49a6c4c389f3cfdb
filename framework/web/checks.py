"""Deployment checks on the web middleware: the host check and the security headers."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Warning, register

__all__ = ["check_security_middleware"]


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
