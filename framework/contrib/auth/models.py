"""``User``, ``Role`` and ``APIToken``: tables ``auth_user``, ``auth_role``, ``auth_user_roles``
and ``auth_api_token``.

Emails are stored lower-cased, so the unique index makes them unique whatever the case they
were typed in. Passwords are stored only as passlib hashes; API tokens only as SHA-256 digests, with
a short public ``key`` to find the row, so a leaked database gives away no usable credential.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from framework.db import CRUDMixin, Model, metadata

__all__ = ["APIToken", "Role", "User", "as_utc", "normalize_email", "user_roles", "utcnow"]


def normalize_email(email: str | None) -> str | None:
    """Return *email* trimmed and lower-cased (None or empty: None)."""
    if email is None or not email.strip():
        return None
    return email.strip().lower()


def utcnow() -> datetime:
    """Return the current time in UTC (aware)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Return *value* as an aware UTC time (SQLite gives naive ones back)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Which roles each user holds.
user_roles = Table(
    "auth_user_roles",
    metadata,
    Column("user_id", ForeignKey("auth_user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("auth_role.id", ondelete="CASCADE"), primary_key=True),
    info={"app_label": "auth"},
)


class Role(CRUDMixin, Model):
    """A named role (``"admin"``, ``"editor"``) that ``role=`` requirements test for."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(255), default="")

    def __str__(self) -> str:
        return self.name


class User(CRUDMixin, Model):
    """An account: username, email, password hash, flags, roles and login times."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)
    password: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    date_joined: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Bumped to log the user out everywhere (logout, deactivation): see session hash.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    roles: Mapped[list[Role]] = relationship(
        secondary=user_roles, lazy="selectin", order_by=Role.name
    )

    def __str__(self) -> str:
        return self.username

    @validates("email")
    def _normalise_email(self, key: str, value: str | None) -> str | None:
        return normalize_email(value)

    @property
    def role_names(self) -> list[str]:
        """Return the names of the user's roles, sorted."""
        return [role.name for role in self.roles]

    def get_session_auth_hash(self, secret: str | None = None) -> str:
        """Return what a session must hold to stay valid: it changes with the password hash
        and the session version, so a password change or logout revokes old cookies.

        *secret* defaults to SECRET_KEY; the login manager also tries SECRET_KEY_FALLBACKS.
        """
        from framework.conf import settings

        secret = settings.SECRET_KEY if secret is None else secret
        key = f"framework.contrib.auth.session:{secret}".encode()
        value = f"{self.password}:{self.session_version}".encode()
        return hmac.new(key, value, hashlib.sha256).hexdigest()

    async def revoke_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this user."""
        await self.patch(session_version=(self.session_version or 0) + 1)


class APIToken(CRUDMixin, Model):
    """An API token of a user, stored as a SHA-256 digest; the plain token is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="default")
    #: Public part of the token, used to find the row (the secret part is never stored).
    key: Mapped[str] = mapped_column(String(32), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    user: Mapped[User] = relationship(lazy="selectin")

    def is_usable(self, now: datetime | None = None) -> bool:
        """Return whether the token is neither revoked nor expired."""
        now = now or utcnow()
        expires = as_utc(self.expires_at)
        return self.revoked_at is None and (expires is None or expires > now)
