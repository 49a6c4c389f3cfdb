"""Hide secrets when settings or request data are displayed (``manage.py settings``, debug pages).

Two rules, both judged by name: :func:`is_secret_key` for the ``settings`` command (a few
well-known public settings stay visible), and :func:`is_sensitive_name` for the DEBUG page,
which is stricter: Django's pattern ``API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE`` on
headers, settings, form fields and local variables alike, with no exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "cleanse", "is_secret_key", "is_sensitive_name", "mask_setting", "mask_url"]

MASK = "********"
_SECRET_NAME = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|CREDENTIAL|PRIVATE|AUTH", re.I)
_PUBLIC_NAMES = frozenset({"PASSWORD_SCHEMES", "PASSWORD_VALIDATORS", "AUTH_USER_MODEL"})
#: What the DEBUG page never shows the value of (Django's pattern, plus two more words).
_SENSITIVE_NAME = re.compile(
    r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|CREDENTIAL|PRIVATE", re.I
)
#: How many items of a container :func:`cleanse` copies (the page truncates beyond anyway).
_CLEANSE_ITEMS = 50


def is_secret_key(key: str) -> bool:
    """Return whether a setting called *key* holds a secret, judged by its name."""
    return key not in _PUBLIC_NAMES and bool(_SECRET_NAME.search(key))


def is_sensitive_name(name: str | bytes) -> bool:
    """Return whether a value called *name* must be hidden on the DEBUG page.

    Matches headers (``Authorization``, ``Cookie``, ``Set-Cookie``, ``X-API-Key``), settings,
    form fields and local variables alike, case-insensitively.
    """
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    return bool(_SENSITIVE_NAME.search(name))


def mask_url(text: str) -> str:
    """Return *text* with the password of a URL in it masked (other text as it is)."""
    if "://" not in text or "@" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.password is None:
        return text
    netloc = f"{parts.username or ''}:{MASK}@{parts.hostname or ''}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def mask_setting(key: str, value: Any) -> Any:
    """Return *value* with secrets replaced: whole values for secret names, URL passwords."""
    if is_secret_key(key):
        return MASK if value not in (None, "") else value
    if isinstance(value, str):
        return mask_url(value)
    if isinstance(value, Mapping):
        return {k: mask_setting(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_setting(key, v) for v in value)
    return value


def cleanse(value: Any, depth: int = 3) -> Any:
    """Return a copy of *value* fit for display: sensitive keys and URL passwords masked.

    Dicts are masked by key, ``(name, value)`` pairs (raw headers) by name, containers down to
    *depth* levels and their first items only; other objects are returned as they are.
    """
    if isinstance(value, str):
        return mask_url(value)
    if depth <= 0:
        return value
    if isinstance(value, Mapping):
        items = list(value.items())[:_CLEANSE_ITEMS]
        return {
            key: MASK
            if isinstance(key, str | bytes) and is_sensitive_name(key)
            else cleanse(v, depth - 1)
            for key, v in items
        }
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str | bytes):
        name, item = value
        return (name, MASK) if is_sensitive_name(name) else (name, cleanse(item, depth - 1))
    if isinstance(value, list | tuple):
        cleaned = [cleanse(item, depth - 1) for item in value[:_CLEANSE_ITEMS]]
        return tuple(cleaned) if isinstance(value, tuple) else cleaned
    return value
