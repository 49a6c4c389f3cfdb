"""Signed values: tamper-proof strings for cookies, links and tokens, keyed by SECRET_KEY.

::

    from framework import signing

    token = signing.dumps({"user": 7}, salt="invite")
    signing.loads(token, salt="invite", max_age=3600)     # {"user": 7}, or raises

    signer = signing.Signer(salt="unsubscribe")
    value = signer.sign("ann@example.com")               # "ann@example.com:…"
    signer.unsign(value)                                 # "ann@example.com"

    signing.set_signed_cookie(response, "theme", "dark", salt="prefs", max_age=86400)
    signing.get_signed_cookie(request, "theme", salt="prefs", max_age=86400)

Values are signed (HMAC-SHA1 of a key derived from the secret and the *salt*, as
itsdangerous does), not encrypted: anyone can read them, no one can change them. Each use
gets its own *salt*, so a value signed for one purpose is refused for another. Signing uses
SECRET_KEY; verifying also accepts SECRET_KEY_FALLBACKS, so keys rotate without logging
anyone out or breaking links already sent. Timed values (``TimestampSigner``, ``dumps``)
carry their signing time and are refused after *max_age* seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import itsdangerous

from framework.exceptions import FrameworkError, ImproperlyConfigured

__all__ = [
    "BadSignature",
    "SignatureExpired",
    "Signer",
    "TimestampSigner",
    "dumps",
    "get_signed_cookie",
    "loads",
    "set_signed_cookie",
]

DEFAULT_SALT = "framework.signing"


class BadSignature(FrameworkError):
    """A signed value was changed, signed with another key or salt, or is not signed."""


class SignatureExpired(BadSignature):
    """A timed value is older than the *max_age* it was checked against."""


def _keys(key: str | None, fallback_keys: Sequence[str] | None) -> list[str]:
    """Return the keys, oldest first and the signing key last (itsdangerous's rotation order)."""
    if key is None or fallback_keys is None:
        from framework.conf import settings
        from framework.conf.security import signing_keys

        current, *fallbacks = signing_keys(settings) if settings.SECRET_KEY else [""]
        key = current if key is None else key
        fallback_keys = fallbacks if fallback_keys is None else fallback_keys
    if not key:
        raise ImproperlyConfigured("Signing needs SECRET_KEY; set it in the settings or .env.")
    return [*reversed([str(k) for k in fallback_keys if k]), key]


class Signer:
    """Sign strings and check them: ``unsign(sign(value)) == value``, or ``BadSignature``."""

    def __init__(
        self,
        key: str | None = None,
        *,
        salt: str = DEFAULT_SALT,
        fallback_keys: Sequence[str] | None = None,
        sep: str = ":",
    ) -> None:
        self.salt = salt
        self._signer = self._make(_keys(key, fallback_keys), salt, sep)

    def _make(self, keys: list[str], salt: str, sep: str) -> itsdangerous.Signer:
        return itsdangerous.Signer(keys, salt=salt, sep=sep)

    def sign(self, value: str) -> str:
        """Return *value* with its signature appended."""
        return self._signer.sign(value).decode("utf-8")

    def unsign(self, signed_value: str) -> str:
        """Return the value of *signed_value*; raise ``BadSignature`` if it was tampered with."""
        try:
            return self._signer.unsign(signed_value).decode("utf-8")
        except itsdangerous.BadData as exc:
            raise BadSignature(f"Bad signature: {exc}") from None


class TimestampSigner(Signer):
    """Sign strings with the time of signing; ``unsign(..., max_age=...)`` refuses old ones."""

    _signer: itsdangerous.TimestampSigner

    def _make(self, keys: list[str], salt: str, sep: str) -> itsdangerous.Signer:
        return itsdangerous.TimestampSigner(keys, salt=salt, sep=sep)

    def unsign(self, signed_value: str, max_age: int | None = None) -> str:
        """Return the value; ``SignatureExpired`` past *max_age* seconds, ``BadSignature`` else."""
        try:
            value = self._signer.unsign(signed_value, max_age=max_age)
        except itsdangerous.SignatureExpired as exc:
            raise SignatureExpired(f"Signature expired: {exc}") from None
        except itsdangerous.BadData as exc:
            raise BadSignature(f"Bad signature: {exc}") from None
        return bytes(value).decode("utf-8")


def _serializer(
    key: str | None, salt: str, fallback_keys: Sequence[str] | None
) -> itsdangerous.URLSafeTimedSerializer:
    return itsdangerous.URLSafeTimedSerializer(_keys(key, fallback_keys), salt=salt)


def dumps(
    obj: Any,
    *,
    salt: str = DEFAULT_SALT,
    key: str | None = None,
    fallback_keys: Sequence[str] | None = None,
) -> str:
    """Return *obj* (anything JSON can hold) as a signed, timed, URL-safe string."""
    return str(_serializer(key, salt, fallback_keys).dumps(obj))


def loads(
    signed: str,
    *,
    salt: str = DEFAULT_SALT,
    max_age: int | None = None,
    key: str | None = None,
    fallback_keys: Sequence[str] | None = None,
) -> Any:
    """Return the object in *signed*; ``BadSignature`` if forged, ``SignatureExpired`` if old."""
    try:
        return _serializer(key, salt, fallback_keys).loads(signed, max_age=max_age)
    except itsdangerous.SignatureExpired as exc:
        raise SignatureExpired(f"Signature expired: {exc}") from None
    except (itsdangerous.BadData, UnicodeError, ValueError) as exc:
        raise BadSignature(f"Bad signature: {exc}") from None


def set_signed_cookie(
    response: Any, name: str, value: str, *, salt: str = "", **options: Any
) -> None:
    """Set cookie *name* to *value*, timestamped and signed (options as ``set_cookie``)."""
    response.set_cookie(name, TimestampSigner(salt=_cookie_salt(name, salt)).sign(value), **options)


def get_signed_cookie(
    request: Any,
    name: str,
    default: str | None = None,
    *,
    salt: str = "",
    max_age: int | None = None,
) -> str | None:
    """Return the value of the signed cookie *name*, or *default* if absent, forged or old."""
    signed = request.cookies.get(name)
    if signed is None:
        return default
    try:
        return TimestampSigner(salt=_cookie_salt(name, salt)).unsign(signed, max_age=max_age)
    except BadSignature:
        return default


def _cookie_salt(name: str, salt: str) -> str:
    # The cookie's name is part of the salt: a value signed for one cookie fails in another.
    return f"framework.signing.cookie:{name}:{salt}"
