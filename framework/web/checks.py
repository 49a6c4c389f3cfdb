"""Checks of the web layer: middleware (entries that import, host check, security headers)
and broadcast."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = [
    "check_broadcast",
    "check_broadcast_reaches_every_process",
    "check_middleware_imports",
    "check_security_middleware",
    "scaled_out",
]


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


def scaled_out(workers: int | None = None) -> str:
    """Return why this deployment runs several processes or hosts ("" when it looks single).

    *workers* is the worker count ``serve`` was given; without it, ``WEB_CONCURRENCY`` (what
    ``serve --workers`` defaults to). A PostgreSQL default database counts too: it is the path
    to several hosts, while a SQLite project lives on one machine. Every check of state kept
    in one process's memory (tasks, caches, broadcast, storages) words its warning with this.
    """
    import os

    from framework.conf import settings

    if workers is None:
        value = os.environ.get("WEB_CONCURRENCY", "1").strip()
        workers = int(value) if value.isdigit() else 1
    if workers > 1:
        return f"the server runs {workers} worker processes"
    databases = settings.DATABASES
    default = databases.get("default") if isinstance(databases, dict) else None
    url = default.get("URL", "") if isinstance(default, dict) else default
    if isinstance(url, str) and url.startswith(("postgres", "postgresql")):
        return "the project runs on PostgreSQL, which is how several hosts share it"
    return ""


@register("broadcast")
def check_broadcast(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse a BROADCAST setting that names an unknown backend, key or option."""
    from framework.conf import settings
    from framework.exceptions import ImproperlyConfigured
    from framework.web.broadcasting.config import load_broadcast_config

    try:
        load_broadcast_config(settings.BROADCAST)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), "Fix BROADCAST in the settings.", "broadcast.E001")]
    return []


@register("broadcast", deploy=True)
def check_broadcast_reaches_every_process(app_configs: Any = None) -> list[CheckMessage]:
    """Warn when the memory broadcast backend serves a deployment of several processes."""
    from framework.conf import settings

    backend = (settings.BROADCAST or {}).get("BACKEND") or "memory"
    reason = scaled_out()
    if backend != "memory" or not reason:
        return []
    return [
        Warning(
            f"BROADCAST uses the 'memory' backend, but this deployment runs several processes "
            f"or hosts ({reason}): a message reaches only the subscribers of the process that "
            "published it.",
            "Set BROADCAST = {'BACKEND': 'redis', 'LOCATION': 'redis://...'} or "
            "{'BACKEND': 'postgres'}.",
            "broadcast.W001",
        )
    ]
