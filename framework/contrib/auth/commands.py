"""User admin on the command line: ``createsuperuser``, ``changepassword`` and ``users …``.

Every refusal — an existing user, a weak password, Ctrl-C — exits with status 1 and writes
nothing. The database layer and passlib are imported inside the commands, so
``manage.py --help`` stays fast.
"""

from __future__ import annotations

import os

import click

from framework.contrib.auth.prompts import (
    MAX_ATTEMPTS,
    SUPERUSER_EMAIL,
    SUPERUSER_PASSWORD,
    SUPERUSER_USERNAME,
    account_session,
    env_password,
    prompt_email,
    prompt_password,
    prompt_username,
)
from framework.contrib.auth.user_commands import users
from framework.exceptions import CommandError

__all__ = ["changepassword", "commands", "createsuperuser", "users"]


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

    async with account_session():
        if noinput:
            username = username or os.environ.get(SUPERUSER_USERNAME)
            email = email or os.environ.get(SUPERUSER_EMAIL)
            if not username:
                raise CommandError(
                    f"--noinput needs a username: pass --username or set {SUPERUSER_USERNAME}."
                )
            password = env_password(SUPERUSER_PASSWORD)
        else:
            username = await prompt_username(username)
            email = await prompt_email(email)
            password = prompt_password({"username": username, "email": email or ""})
        user = await create_user(username, email, password, is_superuser=True)
    click.echo(f"Superuser {user.username!r} created.")


@click.command()
@click.argument("username")
async def changepassword(username: str) -> None:
    """Change the password of USERNAME (their sessions end)."""
    from framework.contrib.auth.users import get_user, set_password

    async with account_session():
        user = await get_user(username)
        click.echo(f"Changing password for user {username!r}")
        details = {"username": user.username, "email": user.email or ""}
        password = prompt_password(details, attempts=MAX_ATTEMPTS)
        await set_password(user, password, validate=False)
    click.echo(f"Password changed successfully for user {username!r}.")


#: What the app contributes to the CLI (``users`` is defined in its own module).
commands = [createsuperuser, changepassword, users]
