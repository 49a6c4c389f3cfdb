"""Security checks: a weak SECRET_KEY stops the server; ``--deploy`` adds production advice."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = ["check_secret_key", "secret_key_problem"]

_PLACEHOLDERS = ("insecure", "changeme", "change-me", "notasecret", "secret", "dev")
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_UNIQUE = 5


def secret_key_problem(key: Any) -> str | None:
    """Return why *key* is unfit to sign cookies, or None when it is strong enough."""
    if not key:
        return "SECRET_KEY is not set"
    if not isinstance(key, str):
        return "SECRET_KEY is not a string"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY has fewer than {SECRET_KEY_MIN_LENGTH} characters"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        return f"SECRET_KEY has fewer than {SECRET_KEY_MIN_UNIQUE} distinct characters"
    if key.lower().startswith(_PLACEHOLDERS):
        return "SECRET_KEY looks like a placeholder"
    return None


_KEY_HINT = (
    "Put a long random value in the .env file or the environment, e.g. SECRET_KEY="
    "$(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
)


@register("security")
def check_secret_key(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse a missing or weak SECRET_KEY when DEBUG is off (development is let through)."""
    from framework.conf import settings

    problem = secret_key_problem(settings.SECRET_KEY)
    if problem is None:
        return []
    if settings.DEBUG:
        return [
            Warning(f"{problem}; acceptable only while DEBUG is on.", _KEY_HINT, "security.W001")
        ]
    return [Error(f"{problem} and DEBUG is off.", _KEY_HINT, "security.E001")]


@register("security", deploy=True)
def check_deployment(app_configs: Any = None) -> list[CheckMessage]:
    """Give Django-style advice for running in production (``check --deploy``)."""
    from framework.conf import settings

    messages: list[CheckMessage] = []
    if settings.DEBUG:
        messages.append(
            Warning(
                "DEBUG is on in deployment: tracebacks and settings leak to visitors.",
                "Set DEBUG=false in the production environment.",
                "security.W018",
            )
        )
        problem = secret_key_problem(settings.SECRET_KEY)
        if problem:
            messages.append(Warning(f"{problem}.", _KEY_HINT, "security.W009"))
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts:
        messages.append(
            Error("ALLOWED_HOSTS is empty: every request will be refused.", None, "security.E020")
        )
    elif "*" in hosts:
        messages.append(
            Warning(
                "ALLOWED_HOSTS contains '*': Host header attacks are not stopped.",
                "List the domain names the site serves.",
                "security.W020",
            )
        )
    if settings.SESSION_COOKIE_SECURE is False:
        messages.append(
            Warning(
                "SESSION_COOKIE_SECURE is False: session cookies travel over plain HTTP.",
                "Remove the setting (it defaults to Secure unless DEBUG) or set it True.",
                "security.W012",
            )
        )
    if not settings.SECURE_HSTS_SECONDS:
        messages.append(
            Warning(
                "SECURE_HSTS_SECONDS is not set: browsers may reach the site over HTTP.",
                "Once the site is HTTPS-only, set SECURE_HSTS_SECONDS (e.g. 31536000).",
                "security.W004",
            )
        )
    if not settings.SECURE_SSL_REDIRECT:
        messages.append(
            Warning(
                "SECURE_SSL_REDIRECT is off: plain-HTTP requests are served.",
                "Set SECURE_SSL_REDIRECT=true unless a proxy redirects to HTTPS for you.",
                "security.W008",
            )
        )
    return messages
