"""``users …``: list and manage users, their roles and API tokens; ``--json`` on each."""

from __future__ import annotations

import json
from typing import Any

import click

from framework.contrib.auth.prompts import (
    USER_PASSWORD,
    account_session,
    env_password,
    prompt_password,
)

__all__ = ["users"]


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (for scripts)."
)


@click.group()
def users() -> None:
    """List and manage users, their roles and API tokens (each with --json)."""


def _report(as_json: bool, data: Any, text: str) -> None:
    """Print *data* as JSON with ``--json``, else the sentence *text*."""
    click.echo(json.dumps(data, indent=2) if as_json else text)


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
@json_option
async def list_users(as_json: bool) -> None:
    """List every user."""
    from framework.contrib.auth.models import User

    async with account_session():
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
@json_option
async def create(
    username: str,
    email: str | None,
    superuser: bool,
    roles: tuple[str, ...],
    noinput: bool,
    no_password: bool,
    as_json: bool,
) -> None:
    """Create the user USERNAME."""
    from framework.contrib.auth.users import check_email, check_username, ensure_unique
    from framework.contrib.auth.users import create_user as create_account

    async with account_session():
        check_username(username)
        await ensure_unique(username, check_email(email))
        password: str | None = None
        if no_password:
            password = None
        elif noinput:
            password = env_password(USER_PASSWORD)
        else:
            password = prompt_password({"username": username, "email": email or ""})
        user = await create_account(username, email, password, is_superuser=superuser, roles=roles)
        data = _as_dict(user)
    _report(as_json, data, f"User {user.username!r} created.")


async def _with_user(username: str, action: Any) -> Any:
    from framework.contrib.auth.users import get_user

    async with account_session():
        return await action(await get_user(username))


@users.command("delete")
@click.argument("username")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@json_option
async def delete(username: str, yes: bool, as_json: bool) -> None:
    """Delete the user USERNAME and their API tokens."""
    from framework.contrib.auth.users import delete_user

    async def action(user: Any) -> None:
        if not yes:
            click.confirm(
                f"Delete user {username!r} and their API tokens?", default=False, abort=True
            )
        await delete_user(user)

    await _with_user(username, action)
    _report(as_json, {"username": username, "deleted": True}, f"User {username!r} deleted.")


@users.command("activate")
@click.argument("username")
@json_option
async def activate(username: str, as_json: bool) -> None:
    """Let USERNAME log in again."""
    data = await _set_active(username, True)
    _report(as_json, data, f"User {username!r} is now active.")


@users.command("deactivate")
@click.argument("username")
@json_option
async def deactivate(username: str, as_json: bool) -> None:
    """Stop USERNAME from logging in; their sessions and tokens stop working."""
    data = await _set_active(username, False)
    _report(as_json, data, f"User {username!r} is now inactive; their sessions have ended.")


async def _set_active(username: str, active: bool) -> dict[str, Any]:
    from framework.contrib.auth.users import set_active

    async def action(user: Any) -> dict[str, Any]:
        await set_active(user, active)
        return _as_dict(user)

    result: dict[str, Any] = await _with_user(username, action)
    return result


@users.command("roles")
@click.argument("username")
@click.option("--add", "add", multiple=True, metavar="ROLE", help="Give ROLE (repeatable).")
@click.option("--remove", "remove", multiple=True, metavar="ROLE", help="Take ROLE away.")
@json_option
async def roles(
    username: str, add: tuple[str, ...], remove: tuple[str, ...], as_json: bool
) -> None:
    """Show, add or remove the roles of USERNAME."""
    from framework.contrib.auth.users import change_roles

    async def action(user: Any) -> list[str]:
        if not add and not remove:
            return list(user.role_names)
        return await change_roles(user, add, remove)

    names = await _with_user(username, action)
    shown = ", ".join(names) if names else "(none)"
    _report(as_json, {"username": username, "roles": names}, f"Roles of {username!r}: {shown}")


@users.group("token")
def token() -> None:
    """List, create and revoke API tokens (for ``Authorization: Bearer``)."""


def _token_dict(row: Any) -> dict[str, Any]:
    from framework.contrib.auth.models import as_utc

    def moment(value: Any) -> str | None:
        value = as_utc(value)
        return value.isoformat() if value else None

    return {
        "key": row.key,
        "name": row.name,
        "created_at": moment(row.created_at),
        "expires_at": moment(row.expires_at),
        "revoked_at": moment(row.revoked_at),
        "usable": row.is_usable(),
    }


@token.command("list")
@click.argument("username")
@click.option("--all", "show_all", is_flag=True, help="Include revoked and expired tokens.")
@json_option
async def token_list(username: str, show_all: bool, as_json: bool) -> None:
    """List the API tokens of USERNAME (their public keys, never the secrets)."""
    from framework.contrib.auth.models import APIToken

    async def action(user: Any) -> list[dict[str, Any]]:
        rows = await APIToken.filter_by(user_id=user.id).order_by("created_at").all()
        return [_token_dict(row) for row in rows if show_all or row.is_usable()]

    found: list[dict[str, Any]] = await _with_user(username, action)
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    from rich.table import Table

    from framework.console import get_console

    table = Table("key", "name", "created", "expires", "state")
    for row in found:
        state = "usable" if row["usable"] else ("revoked" if row["revoked_at"] else "expired")
        created = (row["created_at"] or "")[:19].replace("T", " ")
        expires = (row["expires_at"] or "never")[:19].replace("T", " ")
        table.add_row(row["key"], row["name"], created, expires, state)
    get_console().print(table)
    click.echo(f"{len(found)} token(s).")


@token.command("create")
@click.argument("username")
@click.option("--name", default="default", show_default=True, help="A label for the token.")
@click.option("--expires-days", type=click.IntRange(min=1), help="Expire after N days.")
@json_option
async def token_create(username: str, name: str, expires_days: int | None, as_json: bool) -> None:
    """Create an API token for USERNAME and print it (only this once)."""
    from datetime import timedelta

    from framework.contrib.auth.tokens import create_token

    expires = timedelta(days=expires_days) if expires_days else None

    async def action(user: Any) -> tuple[dict[str, Any], str]:
        row, plain = await create_token(user, name, expires)
        return _token_dict(row), plain

    data, plain = await _with_user(username, action)
    _report(as_json, {**data, "username": username, "token": plain}, plain)
    click.echo("Store this token now: it cannot be shown again.", err=True)


@token.command("revoke")
@click.argument("username")
@click.option("--name", help="Only the tokens with this label (default: all of them).")
@click.option("--key", help="Only the token with this key (see 'users token list').")
@json_option
async def token_revoke(username: str, name: str | None, key: str | None, as_json: bool) -> None:
    """Revoke the API tokens of USERNAME (all, those called --name, or the one --key)."""
    from framework.contrib.auth.tokens import revoke_tokens

    count = await _with_user(username, lambda user: revoke_tokens(user, name, key=key))
    data = {"username": username, "revoked": count}
    _report(as_json, data, f"Revoked {count} token(s) of {username!r}.")


@users.command("jwt")
@click.argument("username")
@click.option(
    "--lifetime",
    type=click.IntRange(min=1),
    help="Seconds the token is valid (default: JWT_LIFETIME).",
)
@json_option
async def jwt_token(username: str, lifetime: int | None, as_json: bool) -> None:
    """Print a JSON Web Token for USERNAME (for UserJWTAuth; needs framework[jwt])."""
    from framework.contrib.auth.jwt import issue_jwt
    from framework.exceptions import CommandError, ImproperlyConfigured, MissingDependencyError

    async def action(user: Any) -> str:
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive: no token issued.")
        return issue_jwt(user, lifetime)

    try:
        token = await _with_user(username, action)
    except (ImproperlyConfigured, MissingDependencyError) as exc:
        raise CommandError(str(exc)) from exc
    _report(as_json, {"username": username, "token": token}, token)
