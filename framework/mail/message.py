"""``EmailMessage``: one mail with Django's signature, built as a MIME message when sent.

::

    message = EmailMessage("Welcome", "Hello Ann", "team@example.com", ["ann@example.com"])
    message.attach("report.csv", "a,b\\n1,2\\n", "text/csv")
    message.attach_alternative("<p>Hello <b>Ann</b></p>", "text/html")
    await message.asend()                     # or message.send() in synchronous code

Header values are checked when the MIME message is built (before any connection is
opened): a CR or LF in the subject, an address or an extra header raises
:class:`BadHeaderError`, so user input can never add a header or a recipient.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from email import policy
from email.message import EmailMessage as MIMEMessage
from email.message import Message
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from framework.mail.backends.base import BaseEmailBackend
from framework.mail.connections import get_connection
from framework.mail.errors import BadHeaderError
from framework.mail.sync import run_sync

__all__ = ["EmailMessage", "EmailMultiAlternatives"]

DEFAULT_ATTACHMENT_MIME_TYPE = "application/octet-stream"
_LINE_BREAKS = ("\r", "\n")


def _check_header(name: str, value: str) -> str:
    if any(character in value for character in _LINE_BREAKS) or any(
        character in name for character in (*_LINE_BREAKS, ":")
    ):
        raise BadHeaderError(
            f"Header values cannot contain line breaks (found in {name}: {value!r}); "
            "nothing was sent."
        )
    return value


def _address_list(value: Sequence[str] | None, argument: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        raise TypeError(f'"{argument}" must be a list or tuple of addresses, not a string.')
    return list(value)


class EmailMessage:
    """A mail: subject, body, sender, recipients, attachments, alternatives and headers."""

    #: The subtype of the body: ``"plain"``, or ``"html"`` for a body that is HTML.
    content_subtype = "plain"
    encoding = "utf-8"

    def __init__(
        self,
        subject: str = "",
        body: str = "",
        from_email: str | None = None,
        to: Sequence[str] | None = None,
        bcc: Sequence[str] | None = None,
        connection: BaseEmailBackend | None = None,
        attachments: Iterable[Any] | None = None,
        headers: Mapping[str, str] | None = None,
        cc: Sequence[str] | None = None,
        reply_to: Sequence[str] | None = None,
        alternatives: Iterable[tuple[str, str]] | None = None,
    ) -> None:
        self.subject = subject
        self.body = body
        self.from_email = from_email
        self.to = _address_list(to, "to")
        self.cc = _address_list(cc, "cc")
        self.bcc = _address_list(bcc, "bcc")
        self.reply_to = _address_list(reply_to, "reply_to")
        self.connection = connection
        self.attachments: list[Any] = []
        for attachment in attachments or ():
            if isinstance(attachment, Message):
                self.attach(attachment)
            else:
                self.attach(*attachment)
        self.alternatives: list[tuple[str, str]] = list(alternatives or ())
        self.extra_headers: dict[str, str] = dict(headers or {})

    def __repr__(self) -> str:
        return f"<EmailMessage {self.subject!r} to {self.to!r}>"

    # -- content ----------------------------------------------------------------------------

    def attach(
        self,
        filename: str | Message | None = None,
        content: str | bytes | None = None,
        mimetype: str | None = None,
    ) -> None:
        """Attach a file: ``attach("a.pdf", data, "application/pdf")``, or a MIME part.

        The type is guessed from *filename* when *mimetype* is None.
        """
        if isinstance(filename, Message):
            if content is not None or mimetype is not None:
                raise ValueError("Pass either a MIME part or filename and content, not both.")
            self.attachments.append(filename)
            return
        if content is None:
            raise ValueError("attach() needs the content of the file (str or bytes).")
        guessed = mimetypes.guess_type(filename or "")[0]
        self.attachments.append((filename, content, mimetype or guessed or _default_type(content)))

    def attach_file(self, path: str | Path, mimetype: str | None = None) -> None:
        """Attach the file at *path* (read now), named after its basename."""
        path = Path(path)
        self.attach(path.name, path.read_bytes(), mimetype)

    def attach_alternative(self, content: str, mimetype: str) -> None:
        """Offer *content* as another form of the body (``"text/html"`` for an HTML part)."""
        if not content or not mimetype:
            raise ValueError("attach_alternative() needs the content and its MIME type.")
        self.alternatives.append((content, mimetype))

    # -- envelope ---------------------------------------------------------------------------

    def recipients(self) -> list[str]:
        """Return every address the mail goes to (to, cc and bcc), for the SMTP envelope."""
        return [address for address in (*self.to, *self.cc, *self.bcc) if address]

    def sender(self) -> str:
        """Return the From address: ``from_email`` or DEFAULT_FROM_EMAIL."""
        if self.from_email:
            return self.from_email
        from framework.conf import settings

        return str(settings.DEFAULT_FROM_EMAIL)

    # -- building ---------------------------------------------------------------------------

    def message(self) -> MIMEMessage:
        """Build the MIME message; raise :class:`BadHeaderError` on a line break in a header."""
        sender = self.sender()
        msg = MIMEMessage(policy=policy.SMTP)
        msg["Subject"] = _check_header("Subject", self.subject)
        msg["From"] = _check_header("From", self.extra_headers.get("From", sender))
        for name, addresses in (("To", self.to), ("Cc", self.cc), ("Reply-To", self.reply_to)):
            if name in self.extra_headers:
                continue
            if addresses:
                msg[name] = ", ".join(_check_header(name, address) for address in addresses)
        for address in self.bcc:
            _check_header("Bcc", address)
        lowered = {name.lower() for name in self.extra_headers}
        if "date" not in lowered:
            msg["Date"] = formatdate(localtime=False)
        if "message-id" not in lowered:
            msg["Message-ID"] = make_msgid(domain=_domain_of(sender))
        for name, value in self.extra_headers.items():
            if name.lower() == "from":
                continue
            msg[_check_header(name, name)] = _check_header(name, str(value))
        self._set_body(msg)
        return msg

    def _set_body(self, msg: MIMEMessage) -> None:
        msg.set_content(
            self.body, subtype=self.content_subtype, charset=self.encoding, cte=_cte(self.body)
        )
        for content, mimetype in self.alternatives:
            maintype, _, subtype = mimetype.partition("/")
            if maintype == "text":
                msg.add_alternative(
                    content, subtype=subtype or "plain", charset=self.encoding, cte=_cte(content)
                )
            else:
                data = content.encode(self.encoding) if isinstance(content, str) else content
                msg.add_alternative(data, maintype=maintype, subtype=subtype)
        for attachment in self.attachments:
            _add_attachment(msg, attachment, self.encoding)

    async def asend(self, fail_silently: bool = False) -> int:
        """Send the mail through its connection (or EMAIL_BACKEND); return 1 if it was sent."""
        if not self.recipients():
            return 0
        connection = self.connection or get_connection(fail_silently=fail_silently)
        return await connection.asend_messages([self])

    def send(self, fail_silently: bool = False) -> int:
        """Send the mail from synchronous code (see :meth:`asend`)."""
        return run_sync(self.asend(fail_silently))


class EmailMultiAlternatives(EmailMessage):
    """Django's name for a mail with alternatives; every ``EmailMessage`` can have them."""


def _cte(text: str) -> str:
    """Return a transfer encoding that keeps *text* readable in the raw message."""
    return (
        "7bit"
        if text.isascii() and max(map(len, text.splitlines()), default=0) < 990
        else ("quoted-printable")
    )


def _default_type(content: str | bytes) -> str:
    return "text/plain" if isinstance(content, str) else DEFAULT_ATTACHMENT_MIME_TYPE


def _domain_of(address: str) -> str:
    """Return the domain of *address* for Message-IDs (no DNS lookup, unlike getfqdn())."""
    domain = address.rpartition("@")[2].strip(" >")
    return domain or "localhost"


def _add_attachment(msg: MIMEMessage, attachment: Any, encoding: str) -> None:
    if isinstance(attachment, Message):
        msg.make_mixed()
        msg.attach(attachment)  # type: ignore[arg-type]  # typeshed: attach() wants EmailMessage
        return
    filename, content, mimetype = attachment
    maintype, _, subtype = mimetype.partition("/")
    if filename is not None:
        _check_header("Content-Disposition", filename)
    if maintype == "text":
        try:
            text = content.decode(encoding) if isinstance(content, bytes) else content
        except UnicodeDecodeError:  # not text after all: send the bytes as they are
            maintype, subtype = DEFAULT_ATTACHMENT_MIME_TYPE.split("/")
        else:
            msg.add_attachment(
                text, subtype=subtype or "plain", charset=encoding, filename=filename
            )
            return
    data = content.encode(encoding) if isinstance(content, str) else content
    msg.add_attachment(
        data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
    )
