"""Checks on the mail settings: a known backend, TLS settings that agree."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = ["check_mail_backend_for_production", "check_mail_settings"]


@register("mail")
def check_mail_settings(app_configs: Any = None) -> list[CheckMessage]:
    """Report an unknown EMAIL_BACKEND and EMAIL_USE_TLS together with EMAIL_USE_SSL."""
    from framework.conf import settings
    from framework.exceptions import ImproperlyConfigured
    from framework.mail.connections import resolve_backend

    messages: list[CheckMessage] = []
    try:
        resolve_backend(str(settings.EMAIL_BACKEND))
    except ImproperlyConfigured as exc:
        messages.append(Error(str(exc), "Set EMAIL_BACKEND to 'smtp' in production.", "mail.E001"))
    if settings.EMAIL_USE_TLS and settings.EMAIL_USE_SSL:
        messages.append(
            Error(
                "EMAIL_USE_TLS and EMAIL_USE_SSL are both on.",
                "EMAIL_USE_TLS is STARTTLS (port 587), EMAIL_USE_SSL implicit TLS (port 465): "
                "keep one.",
                "mail.E002",
            )
        )
    return messages


@register("mail", deploy=True)
def check_mail_backend_for_production(app_configs: Any = None) -> list[CheckMessage]:
    """Warn (deploy) when mail is printed, kept in memory or dropped instead of sent."""
    from framework.conf import settings

    backend = str(settings.EMAIL_BACKEND)
    if backend not in ("console", "locmem", "dummy"):
        return []
    return [
        Warning(
            f"EMAIL_BACKEND is {backend!r}: mail (password resets included) is never delivered.",
            "Set EMAIL_BACKEND = 'smtp' and the EMAIL_HOST settings for production.",
            "mail.W001",
        )
    ]
