"""``manage.py sendtestemail ADDRESS…``: prove the mail settings work by sending one mail."""

from __future__ import annotations

import click

from framework.exceptions import CommandError

__all__ = ["sendtestemail"]


@click.command()
@click.argument("addresses", nargs=-1, required=True, metavar="ADDRESS...")
async def sendtestemail(addresses: tuple[str, ...]) -> None:
    """Send a test mail to each ADDRESS through EMAIL_BACKEND."""
    import socket
    from datetime import UTC, datetime

    from framework.conf import settings
    from framework.mail import BadHeaderError, EmailMessage, MailError

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    message = EmailMessage(
        f"Test email from {socket.gethostname()} on {stamp}",
        "If you're reading this, the mail settings of this project work.",
        None,
        list(addresses),
    )
    try:
        await message.asend()
    except (MailError, BadHeaderError) as exc:
        raise CommandError(str(exc)) from exc
    backend = settings.EMAIL_BACKEND
    click.echo(f"Sent a test mail to {', '.join(addresses)} through EMAIL_BACKEND {backend!r}.")
