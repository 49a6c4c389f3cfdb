"""API tokens: ``<key>.<secret>``, shown once, stored as a SHA-256 digest of the secret.

The key (16 hex characters) finds the row; the secret (43 URL-safe characters, 256 bits) is
checked against the stored digest with a constant-time comparison. A fast hash is right
here: unlike a password, the secret is random and too long to guess, so a leaked digest
gives nothing away. Revoked and expired tokens, and tokens of inactive users, never match.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from framework.contrib.auth.models import APIToken, User, utcnow
from framework.db import transaction

__all__ = ["create_token", "hash_token_secret", "revoke_tokens", "user_for_token"]

MAX_TOKEN_LENGTH = 200
_DUMMY_DIGEST = hashlib.sha256(b"no such token").hexdigest()


def hash_token_secret(secret: str) -> str:
    """Return the digest stored for a token's *secret*."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


async def create_token(
    user: User, name: str = "default", expires_in: timedelta | None = None
) -> tuple[APIToken, str]:
    """Create a token for *user*; return the row and the plain token (never stored)."""
    key = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    expires = utcnow() + expires_in if expires_in is not None else None
    token = await APIToken.create(
        user_id=user.id,
        name=name,
        key=key,
        digest=hash_token_secret(secret),
        expires_at=expires,
    )
    return token, f"{key}.{secret}"


async def revoke_tokens(user: User, name: str | None = None, *, key: str | None = None) -> int:
    """Revoke *user*'s active tokens (those called *name*, or the one *key*); return how many."""
    query = APIToken.filter_by(user_id=user.id, revoked_at=None)
    if name is not None:
        query = query.filter_by(name=name)
    if key is not None:
        query = query.filter_by(key=key)
    now = utcnow()
    async with transaction():
        tokens = await query.all()
        for token in tokens:
            await token.patch(revoked_at=now)
    return len(tokens)


async def user_for_token(token: str) -> User | None:
    """Return the active user a usable *token* belongs to, or None."""
    key, dot, secret = token.strip().partition(".")
    well_formed = bool(dot and key and secret) and len(token) <= MAX_TOKEN_LENGTH
    row = await APIToken.find(key=key) if well_formed else None
    # Compare even when there is no row, so a wrong key costs what a wrong secret does.
    expected = row.digest if row is not None else _DUMMY_DIGEST
    matched = hmac.compare_digest(expected, hash_token_secret(secret))
    if row is None or not matched or not row.is_usable():
        return None
    user = row.user
    return user if user is not None and user.is_active else None
