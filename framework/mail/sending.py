"""``send_mail`` and friends: Django's functions, each with an async twin (``asend_mail``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from framework.mail.connections import get_connection
from framework.mail.message import EmailMessage
from framework.mail.sync import run_sync

if TYPE_CHECKING:
    from framework.mail.backends.base import BaseEmailBackend

__all__ = ["asend_mail", "asend_mass_mail", "send_mail", "send_mass_mail"]


def _connection(
    connection: BaseEmailBackend | None,
    fail_silently: bool,
    auth_user: str | None,
    auth_password: str | None,
) -> BaseEmailBackend:
    if connection is not None:
        return connection
    options: dict[str, Any] = {}
    if auth_user is not None:
        options["username"] = auth_user
    if auth_password is not None:
        options["password"] = auth_password
    return get_connection(fail_silently=fail_silently, **options)


async def asend_mail(
    subject: str,
    message: str,
    from_email: str | None,
    recipient_list: Sequence[str],
    fail_silently: bool = False,
    auth_user: str | None = None,
    auth_password: str | None = None,
    connection: BaseEmailBackend | None = None,
    html_message: str | None = None,
) -> int:
    """Send one mail to *recipient_list* (all in its To header); return 1 if it was sent.

    *from_email* None uses DEFAULT_FROM_EMAIL; *html_message* adds an HTML alternative.
    """
    backend = _connection(connection, fail_silently, auth_user, auth_password)
    mail = EmailMessage(subject, message, from_email, recipient_list, connection=backend)
    if html_message:
        mail.attach_alternative(html_message, "text/html")
    return await mail.asend(fail_silently)


def send_mail(
    subject: str,
    message: str,
    from_email: str | None,
    recipient_list: Sequence[str],
    fail_silently: bool = False,
    auth_user: str | None = None,
    auth_password: str | None = None,
    connection: BaseEmailBackend | None = None,
    html_message: str | None = None,
) -> int:
    """Send one mail from synchronous code (see :func:`asend_mail`)."""
    return run_sync(
        asend_mail(
            subject,
            message,
            from_email,
            recipient_list,
            fail_silently,
            auth_user,
            auth_password,
            connection,
            html_message,
        )
    )


async def asend_mass_mail(
    datatuple: Iterable[tuple[str, str, str | None, Sequence[str]]],
    fail_silently: bool = False,
    auth_user: str | None = None,
    auth_password: str | None = None,
    connection: BaseEmailBackend | None = None,
) -> int:
    """Send ``(subject, message, from_email, recipient_list)`` tuples over one connection."""
    backend = _connection(connection, fail_silently, auth_user, auth_password)
    messages = [
        EmailMessage(subject, body, sender, recipients, connection=backend)
        for subject, body, sender, recipients in datatuple
    ]
    return await backend.asend_messages(messages)


def send_mass_mail(
    datatuple: Iterable[tuple[str, str, str | None, Sequence[str]]],
    fail_silently: bool = False,
    auth_user: str | None = None,
    auth_password: str | None = None,
    connection: BaseEmailBackend | None = None,
) -> int:
    """Send several mails over one connection from synchronous code; return how many."""
    return run_sync(asend_mass_mail(datatuple, fail_silently, auth_user, auth_password, connection))
