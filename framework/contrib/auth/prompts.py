"""What the user-admin commands share: prompts, password rules and the command session.

Passwords are typed twice at hidden prompts, or read from an environment variable with
``--noinput``; they are never accepted as arguments (they would land in the shell history and
the process list) and never printed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import click

from framework.exceptions import CommandError

__all__ = [
    "MAX_ATTEMPTS",
    "SUPERUSER_EMAIL",
    "SUPERUSER_PASSWORD",
    "SUPERUSER_USERNAME",
    "USER_PASSWORD",
    "account_session",
    "env_password",
    "prompt_email",
    "prompt_password",
    "prompt_username",
]

SUPERUSER_PASSWORD = "FRAMEWORK_SUPERUSER_PASSWORD"
SUPERUSER_USERNAME = "FRAMEWORK_SUPERUSER_USERNAME"
SUPERUSER_EMAIL = "FRAMEWORK_SUPERUSER_EMAIL"
USER_PASSWORD = "FRAMEWORK_USER_PASSWORD"
MAX_ATTEMPTS = 3


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """Turn a refused account operation into a ``CommandError`` (exit 1, one line)."""
    from framework.auth.passwords import PasswordTooLongError
    from framework.auth.validators import PasswordValidationError
    from framework.contrib.auth.users import UserError

    try:
        yield
    except (UserError, PasswordValidationError, PasswordTooLongError) as exc:
        raise CommandError(str(exc)) from exc


@contextlib.asynccontextmanager
async def account_session() -> AsyncIterator[None]:
    """Open a database session for a command; refusals become ``CommandError``."""
    from framework.db import session

    with _refusals():
        async with session():
            yield


def _error(message: str) -> None:
    """Show a problem the user can fix at the next prompt (stderr, red)."""
    click.secho(f"Error: {message}", fg="red", err=True)


def _password_problem(password: str, user: dict[str, Any]) -> str | None:
    from framework.auth.passwords import PasswordTooLongError, get_hasher
    from framework.auth.validators import PasswordValidationError, validate_password

    try:
        get_hasher().check_length(password)
        validate_password(password, user)
    except (PasswordValidationError, PasswordTooLongError) as exc:
        return str(exc)
    return None


def prompt_password(user: dict[str, Any], attempts: int | None = None) -> str:
    """Ask for a password twice (hidden) until it is acceptable, or *attempts* run out."""
    tries = 0
    while attempts is None or tries < attempts:
        tries += 1
        password = click.prompt("Password", hide_input=True, default="", show_default=False)
        if not password:
            _error("Blank passwords aren't allowed.")
            continue
        again = click.prompt("Password (again)", hide_input=True, default="", show_default=False)
        if password != again:
            _error("Your passwords didn't match.")
            continue
        problem = _password_problem(password, user)
        if problem is not None:
            _error(problem)
            continue
        return password
    raise CommandError(
        f"Aborting password change for user {user['username']!r} after {attempts} attempts."
    )


async def prompt_username(default: str | None) -> str:
    from framework.contrib.auth.users import UserError, check_username, find_user

    while True:
        username = default or click.prompt("Username").strip()
        default = None
        try:
            check_username(username)
            if await find_user(username) is not None:
                raise UserError(f"A user with username {username!r} already exists.")
        except UserError as exc:
            _error(str(exc))
            continue
        return username


async def prompt_email(default: str | None) -> str | None:
    from framework.contrib.auth.models import User
    from framework.contrib.auth.users import UserError, check_email

    while True:
        raw = default if default is not None else click.prompt("Email address", default="")
        default = None
        try:
            email = check_email(raw)
            if email is not None and await User.find(email=email) is not None:
                raise UserError(f"A user with email {email!r} already exists.")
        except UserError as exc:
            _error(str(exc))
            continue
        return email


def env_password(variable: str) -> str:
    password = os.environ.get(variable)
    if not password:
        raise CommandError(f"--noinput reads the password from {variable}, which is not set.")
    return password
