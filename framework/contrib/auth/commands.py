"""User admin on the command line: ``createsuperuser``, ``changepassword`` and ``users …``.

Passwords are typed twice at hidden prompts, or read from an environment variable with
``--noinput`` (``FRAMEWORK_SUPERUSER_PASSWORD`` for ``createsuperuser``,
``FRAMEWORK_USER_PASSWORD`` for ``users create``); they are never accepted as arguments
(they would land in the shell history and the process list) and never printed. Every
refusal — an existing user, a weak password, Ctrl-C — exits with status 1 and writes nothing.

The database layer and passlib are imported inside the commands, so ``manage.py --help``
stays fast.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import click

from framework.exceptions import CommandError

__all__ = ["changepassword", "createsuperuser", "users"]

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
async def _session() -> AsyncIterator[None]:
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


def _prompt_password(user: dict[str, Any], attempts: int | None = None) -> str:
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


async def _prompt_username(default: str | None) -> str:
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


async def _prompt_email(default: str | None) -> str | None:
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


def _env_password(variable: str) -> str:
    password = os.environ.get(variable)
    if not password:
        raise CommandError(f"--noinput reads the password from {variable}, which is not set.")
    return password


@click.command()
@click.option("--username", help=f"Login name (or ${SUPERUSER_USERNAME} with --noinput).")
@click.option("--email", help=f"Email address (or ${SUPERUSER_EMAIL} with --noinput).")
@click.option(
    "--noinput",
    "--no-input",
    "noinput",
    is_flag=True,
    help=f"Ask nothing; the password comes from ${SUPERUSER_PASSWORD}.",
)
async def createsuperuser(username: str | None, email: str | None, noinput: bool) -> None:
    """Create a superuser: a user who meets every role requirement."""
    from framework.contrib.auth.users import create_user

    async with _session():
        if noinput:
            username = username or os.environ.get(SUPERUSER_USERNAME)
            email = email or os.environ.get(SUPERUSER_EMAIL)
            if not username:
                raise CommandError(
                    f"--noinput needs a username: pass --username or set {SUPERUSER_USERNAME}."
                )
            password = _env_password(SUPERUSER_PASSWORD)
        else:
            username = await _prompt_username(username)
            email = await _prompt_email(email)
            password = _prompt_password({"username": username, "email": email or ""})
        user = await create_user(username, email, password, is_superuser=True)
    click.echo(f"Superuser {user.username!r} created.")


@click.command()
@click.argument("username")
async def changepassword(username: str) -> None:
    """Change the password of USERNAME (their sessions end)."""
    from framework.contrib.auth.users import get_user, set_password

    async with _session():
        user = await get_user(username)
        click.echo(f"Changing password for user {username!r}")
        details = {"username": user.username, "email": user.email or ""}
        password = _prompt_password(details, attempts=MAX_ATTEMPTS)
        await set_password(user, password, validate=False)
    click.echo(f"Password changed successfully for user {username!r}.")


@click.group()
def users() -> None:
    """List and manage users, their roles and API tokens."""


def _as_dict(user: Any) -> dict[str, Any]:
    from framework.contrib.auth.models import as_utc

    joined, last_login = as_utc(user.date_joined), as_utc(user.last_login)
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "roles": user.role_names,
        "date_joined": joined.isoformat() if joined else None,
        "last_login": last_login.isoformat() if last_login else None,
    }


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
async def list_users(as_json: bool) -> None:
    """List every user."""
    from framework.contrib.auth.models import User

    async with _session():
        rows = [_as_dict(user) for user in await User.query().order_by("username").all()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    from framework.console import get_console

    table = Table("username", "email", "active", "superuser", "roles", "last login")
    for row in rows:
        table.add_row(
            row["username"],
            row["email"] or "",
            "yes" if row["is_active"] else "no",
            "yes" if row["is_superuser"] else "no",
            ", ".join(row["roles"]),
            (row["last_login"] or "never")[:19].replace("T", " "),
        )
    get_console().print(table)
    click.echo(f"{len(rows)} user(s).")


@users.command("create")
@click.argument("username")
@click.option("--email", help="Email address.")
@click.option("--superuser", is_flag=True, help="Make the user a superuser.")
@click.option("--role", "roles", multiple=True, help="Give the user ROLE (repeatable).")
@click.option(
    "--noinput",
    "--no-input",
    "noinput",
    is_flag=True,
    help=f"Ask nothing; the password comes from ${USER_PASSWORD}.",
)
@click.option(
    "--no-password", is_flag=True, help="No password: the user logs in with API tokens only."
)
async def create(
    username: str,
    email: str | None,
    superuser: bool,
    roles: tuple[str, ...],
    noinput: bool,
    no_password: bool,
) -> None:
    """Create the user USERNAME."""
    from framework.contrib.auth.users import check_email, check_username, ensure_unique
    from framework.contrib.auth.users import create_user as create_account

    async with _session():
        check_username(username)
        await ensure_unique(username, check_email(email))
        password: str | None = None
        if no_password:
            password = None
        elif noinput:
            password = _env_password(USER_PASSWORD)
        else:
            password = _prompt_password({"username": username, "email": email or ""})
        user = await create_account(username, email, password, is_superuser=superuser, roles=roles)
    click.echo(f"User {user.username!r} created.")


async def _with_user(username: str, action: Any) -> Any:
    from framework.contrib.auth.users import get_user

    async with _session():
        return await action(await get_user(username))


@users.command("delete")
@click.argument("username")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
async def delete(username: str, yes: bool) -> None:
    """Delete the user USERNAME and their API tokens."""
    from framework.contrib.auth.users import delete_user

    async def action(user: Any) -> None:
        if not yes:
            click.confirm(
                f"Delete user {username!r} and their API tokens?", default=False, abort=True
            )
        await delete_user(user)

    await _with_user(username, action)
    click.echo(f"User {username!r} deleted.")


@users.command("activate")
@click.argument("username")
async def activate(username: str) -> None:
    """Let USERNAME log in again."""
    from framework.contrib.auth.users import set_active

    await _with_user(username, lambda user: set_active(user, True))
    click.echo(f"User {username!r} is now active.")


@users.command("deactivate")
@click.argument("username")
async def deactivate(username: str) -> None:
    """Stop USERNAME from logging in; their sessions and tokens stop working."""
    from framework.contrib.auth.users import set_active

    await _with_user(username, lambda user: set_active(user, False))
    click.echo(f"User {username!r} is now inactive; their sessions have ended.")


@users.command("roles")
@click.argument("username")
@click.option("--add", "add", multiple=True, metavar="ROLE", help="Give ROLE (repeatable).")
@click.option("--remove", "remove", multiple=True, metavar="ROLE", help="Take ROLE away.")
async def roles(username: str, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Show, add or remove the roles of USERNAME."""
    from framework.contrib.auth.users import change_roles

    async def action(user: Any) -> list[str]:
        if not add and not remove:
            return list(user.role_names)
        return await change_roles(user, add, remove)

    names = await _with_user(username, action)
    click.echo(f"Roles of {username!r}: {', '.join(names) if names else '(none)'}")


@users.group("token")
def token() -> None:
    """Create and revoke API tokens (for ``Authorization: Bearer``)."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="default", show_default=True, help="A label for the token.")
@click.option("--expires-days", type=click.IntRange(min=1), help="Expire after N days.")
async def token_create(username: str, name: str, expires_days: int | None) -> None:
    """Create an API token for USERNAME and print it (only this once)."""
    from datetime import timedelta

    from framework.contrib.auth.tokens import create_token

    expires = timedelta(days=expires_days) if expires_days else None

    async def action(user: Any) -> str:
        _, plain = await create_token(user, name, expires)
        return plain

    plain = await _with_user(username, action)
    click.echo(plain)
    click.echo("Store this token now: it cannot be shown again.", err=True)


@token.command("revoke")
@click.argument("username")
@click.option("--name", help="Only the tokens with this label (default: all of them).")
async def token_revoke(username: str, name: str | None) -> None:
    """Revoke the API tokens of USERNAME."""
    from framework.contrib.auth.tokens import revoke_tokens

    count = await _with_user(username, lambda user: revoke_tokens(user, name))
    click.echo(f"Revoked {count} token(s) of {username!r}.")


@users.command("jwt")
@click.argument("username")
@click.option(
    "--lifetime",
    type=click.IntRange(min=1),
    help="Seconds the token is valid (default: JWT_LIFETIME).",
)
async def jwt_token(username: str, lifetime: int | None) -> None:
    """Print a JSON Web Token for USERNAME (for UserJWTAuth; needs framework[jwt])."""
    from framework.contrib.auth.jwt import issue_jwt
    from framework.exceptions import ImproperlyConfigured, MissingDependencyError

    async def action(user: Any) -> str:
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive: no token issued.")
        return issue_jwt(user, lifetime)

    try:
        token = await _with_user(username, action)
    except (ImproperlyConfigured, MissingDependencyError) as exc:
        raise CommandError(str(exc)) from exc
    click.echo(token)
