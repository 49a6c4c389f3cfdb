"""Sending mail: ``send_mail``, ``EmailMessage`` and the backends named by EMAIL_BACKEND.

::

    from framework.mail import EmailMessage, send_mail

    await asend_mail("Hi", "Hello Ann", None, ["ann@example.com"])     # in async code
    send_mail("Hi", "Hello Ann", None, ["ann@example.com"])            # in sync code

Backends: ``smtp`` (aiosmtplib: STARTTLS or implicit TLS, AUTH, timeout), ``console``,
``file``, ``locmem`` (the outbox tests read) and ``dummy``; or a dotted path. Importing this
package connects to nothing and imports no SMTP client: its names are imported on first use,
so the mail checks every server start runs do not load the ``email`` package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.module_loading import lazy_exports as _lazy_exports

if TYPE_CHECKING:
    from framework.mail.backends.base import BaseEmailBackend
    from framework.mail.backends.locmem import outbox
    from framework.mail.connections import BACKENDS, get_connection
    from framework.mail.errors import BadHeaderError, MailError
    from framework.mail.message import EmailMessage, EmailMultiAlternatives
    from framework.mail.sending import asend_mail, asend_mass_mail, send_mail, send_mass_mail
    from framework.mail.templates import render_mail

__all__ = [
    "BACKENDS",
    "BadHeaderError",
    "BaseEmailBackend",
    "EmailMessage",
    "EmailMultiAlternatives",
    "MailError",
    "asend_mail",
    "asend_mass_mail",
    "get_connection",
    "outbox",
    "render_mail",
    "send_mail",
    "send_mass_mail",
]

_HOMES = {
    "BaseEmailBackend": "backends.base",
    "outbox": "backends.locmem",
    "BACKENDS": "connections",
    "get_connection": "connections",
    "BadHeaderError": "errors",
    "MailError": "errors",
    "EmailMessage": "message",
    "EmailMultiAlternatives": "message",
    "asend_mail": "sending",
    "asend_mass_mail": "sending",
    "send_mail": "sending",
    "send_mass_mail": "sending",
    "render_mail": "templates",
}

__getattr__, __dir__ = _lazy_exports(__name__, _HOMES, __all__)
