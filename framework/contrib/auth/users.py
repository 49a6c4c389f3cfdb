"""Account operations shared by the commands, the login views and the backends.

Each function needs an active database session (a request's, or ``async with
db.session():``). Writes that belong together run in one transaction, so a refused
operation leaves no partial row. Problems a person can fix raise :class:`UserError` (or
``PasswordValidationError``) with a message to show as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from framework.auth.passwords import (
    get_hasher,
    hash_password,
    make_unusable_password,
    verify_password,
)
from framework.auth.validators import validate_password
from framework.contrib.auth.models import Role, User, normalize_email, utcnow
from framework.db import transaction
from framework.exceptions import FrameworkError

__all__ = [
    "UserError",
    "authenticate_user",
    "change_roles",
    "check_email",
    "check_username",
    "create_user",
    "delete_user",
    "ensure_unique",
    "find_login",
    "find_user",
    "get_user",
    "record_login",
    "set_active",
    "set_password",
]

_USERNAME = re.compile(r"^[\w.@+-]+\Z")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")


class UserError(FrameworkError, ValueError):
    """An account operation was refused; the message says why and is safe to show."""


def check_username(username: str) -> str:
    """Return *username* if it is acceptable, else raise :class:`UserError`."""
    if not username or not username.strip():
        raise UserError("The username cannot be empty.")
    if len(username) > 150:
        raise UserError(f"The username is too long: at most 150 characters, got {len(username)}.")
    if not _USERNAME.match(username):
        raise UserError(
            f"Enter a valid username: letters, digits and @ . + - _ only; got {username!r}."
        )
    return username


def check_email(email: str | None) -> str | None:
    """Return *email* normalised (lower-cased) if it looks like an address, else raise."""
    normalised = normalize_email(email)
    if normalised is not None and (len(normalised) > 254 or not _EMAIL.match(normalised)):
        raise UserError(f"Enter a valid email address; got {email!r}.")
    return normalised


async def find_user(username: str) -> User | None:
    """Return the user called *username*, or None."""
    return await User.find(username=username)


async def get_user(username: str) -> User:
    """Return the user called *username*; raise :class:`UserError` if there is none."""
    user = await find_user(username)
    if user is None:
        raise UserError(f"There is no user {username!r}.")
    return user


async def ensure_unique(username: str, email: str | None) -> None:
    """Raise :class:`UserError` if *username* or *email* (normalised) is taken."""
    if await User.find(username=username) is not None:
        raise UserError(f"A user with username {username!r} already exists.")
    if email is not None and await User.find(email=email) is not None:
        raise UserError(f"A user with email {email!r} already exists.")


async def create_user(
    username: str,
    email: str | None = None,
    password: str | None = None,
    *,
    is_superuser: bool = False,
    is_active: bool = True,
    roles: Iterable[str] = (),
    validate: bool = True,
) -> User:
    """Create and return a user; *password* None makes one that cannot log in by password.

    The password is checked by PASSWORD_VALIDATORS (unless *validate* is False) before
    anything is written.
    """
    from sqlalchemy.exc import IntegrityError

    check_username(username)
    email = check_email(email)
    await ensure_unique(username, email)
    if password is None:
        hashed = make_unusable_password()
    else:
        if validate:
            validate_password(password, {"username": username, "email": email or ""})
        hashed = await hash_password(password)
    try:
        async with transaction():
            role_objects = [await _role(name) for name in roles]
            user = User(
                username=username,
                email=email,
                password=hashed,
                is_superuser=is_superuser,
                is_active=is_active,
                roles=role_objects,
            )
            await user.save()
    except IntegrityError:  # created by someone else since the check above
        await ensure_unique(username, email)
        raise
    return user


async def _role(name: str) -> Role:
    if not name or not name.strip():
        raise UserError("A role name cannot be empty.")
    role = await Role.find(name=name)
    return role if role is not None else await Role.create(name=name, description="")


async def find_login(identifier: str) -> User | None:
    """Return the user *identifier* names: a username, or else an email address."""
    user = await find_user(identifier)
    if user is None and "@" in identifier:
        user = await User.find(email=normalize_email(identifier))
    return user


async def authenticate_user(username: str, password: str) -> User | None:
    """Return the active user whose *password* matches, or None.

    *username* may also be the user's email address (any case). An unknown or inactive
    user costs one password check too, so the time taken does not reveal which usernames
    exist. A hash in an outdated scheme is replaced on success.
    """
    user = await find_login(username) if username else None
    if user is None:
        hasher = get_hasher()
        await verify_password(password, hasher.dummy_hash())
        return None
    matched, new_hash = await verify_password(password, user.password)
    if not matched or not user.is_active:
        return None
    if new_hash is not None:
        await user.patch(password=new_hash)
    return user


async def set_password(user: User, password: str, *, validate: bool = True) -> None:
    """Give *user* a new password; every existing session of theirs becomes invalid."""
    if validate:
        validate_password(password, user)
    await user.patch(password=await hash_password(password))


async def set_active(user: User, active: bool) -> None:
    """Activate or deactivate *user*; deactivation also ends their sessions."""
    values: dict[str, Any] = {"is_active": active}
    if not active:
        values["session_version"] = (user.session_version or 0) + 1
    await user.patch(**values)


async def change_roles(
    user: User, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> list[str]:
    """Add and remove roles of *user* (creating new role names); return the roles after."""
    to_remove = set(remove)
    held = set(user.role_names)
    missing = sorted(to_remove - held)
    if missing:
        raise UserError(f"User {user.username!r} does not have the role {missing[0]!r}.")
    async with transaction():
        roles = [role for role in user.roles if role.name not in to_remove]
        for name in add:
            if name not in {role.name for role in roles}:
                roles.append(await _role(name))
        user.roles = sorted(roles, key=lambda role: role.name)
        await user.save()
    return user.role_names


async def delete_user(user: User) -> None:
    """Delete *user* with their tokens and role memberships."""
    async with transaction():
        from framework.contrib.auth.models import APIToken

        for token in await APIToken.filter_by(user_id=user.id).all():
            await token.destroy()
        user.roles = []
        await user.save()
        await user.destroy()


async def record_login(user: User) -> None:
    """Set *user*'s ``last_login`` to now."""
    await user.patch(last_login=utcnow())
