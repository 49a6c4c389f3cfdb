"""Password reset: signed, expiring, single-use links, and the mail that carries them.

A link is ``/password-reset/<uid>/<token>``: *uid* is the user id (base64url), *token* the
time it was made (base 36) and an HMAC of the user's id, password hash, last login and
session version with that time, keyed by SECRET_KEY (SECRET_KEY_FALLBACKS still verify).
So a link stops working after PASSWORD_RESET_TIMEOUT seconds, and as soon as it is used
(the password hash changes) or the user logs in (the last login changes). Nothing is
stored on the server.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from typing import Any

from framework.conf import settings
from framework.conf.security import signing_keys

__all__ = [
    "check_reset_token",
    "decode_uid",
    "encode_uid",
    "make_reset_token",
    "reset_mail",
    "user_for_reset",
    "users_for_email",
]

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_SALT = "framework.contrib.auth.passwordreset"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _ALPHABET[digit] + digits
        if not number:
            return digits


def encode_uid(user_id: int) -> str:
    """Return *user_id* as the ``uid`` part of a reset link."""
    return base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")


def decode_uid(uid: str) -> int | None:
    """Return the user id of a link's ``uid`` part, or None when it is not one."""
    try:
        text = base64.urlsafe_b64decode(uid + "=" * (-len(uid) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and len(text) < 20 else None


def _signature(user: Any, timestamp: int, key: str) -> str:
    last_login = user.last_login.replace(microsecond=0, tzinfo=None) if user.last_login else ""
    value = f"{user.id}:{user.password}:{last_login}:{user.session_version}:{timestamp}"
    digest = hmac.new(f"{_SALT}:{key}".encode(), value.encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def make_reset_token(user: Any, now: float | None = None) -> str:
    """Return a reset token for *user*, valid from *now* for PASSWORD_RESET_TIMEOUT seconds."""
    timestamp = int(now if now is not None else time.time())
    return f"{_base36(timestamp)}-{_signature(user, timestamp, str(settings.SECRET_KEY))}"


def check_reset_token(user: Any, token: str, now: float | None = None) -> bool:
    """Return whether *token* is a current, unused reset token of *user*."""
    stamp, dash, signature = token.partition("-")
    if not dash or not stamp or len(stamp) > 13 or len(signature) != 40:
        return False
    try:
        timestamp = int(stamp, 36)
    except ValueError:
        return False
    keys = signing_keys(settings)
    if not any(hmac.compare_digest(_signature(user, timestamp, key), signature) for key in keys):
        return False
    age = (now if now is not None else time.time()) - timestamp
    return 0 <= age <= int(settings.PASSWORD_RESET_TIMEOUT)


async def users_for_email(email: str) -> list[Any]:
    """Return the active users with *email* who have a password to reset."""
    from framework.auth.passwords import is_password_usable
    from framework.contrib.auth.models import User, normalize_email

    address = normalize_email(email)
    if address is None or len(address) > 254:
        return []
    users = await User.filter_by(email=address, is_active=True).all()
    return [user for user in users if is_password_usable(user.password)]


async def user_for_reset(uid: str, token: str) -> Any:
    """Return the user a reset link is for, or None when the link is not (or no longer) valid."""
    from framework.contrib.auth.models import User

    user_id = decode_uid(uid)
    user = await User.get(user_id) if user_id is not None else None
    if user is None or not user.is_active or not check_reset_token(user, token):
        return None
    return user


def reset_mail(user: Any, link: str, site: str) -> Any:
    """Return the reset mail for *user* with *link* (``auth/email/password_reset`` templates)."""
    from framework.mail import render_mail

    context = {
        "user": user,
        "reset_url": link,
        "site": site,
        "valid_hours": max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 3600),
    }
    return render_mail("auth/email/password_reset", context, to=[user.email])
