"""Hide secrets when settings are displayed (``manage.py settings``, debug pages)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "is_secret_key", "mask_setting", "mask_url"]

MASK = "********"
_SECRET_NAME = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|CREDENTIAL|PRIVATE|AUTH", re.I)
_PUBLIC_NAMES = frozenset({"PASSWORD_SCHEMES", "PASSWORD_VALIDATORS", "AUTH_USER_MODEL"})


def is_secret_key(key: str) -> bool:
    """Return whether a setting called *key* holds a secret, judged by its name."""
    return key not in _PUBLIC_NAMES and bool(_SECRET_NAME.search(key))


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
