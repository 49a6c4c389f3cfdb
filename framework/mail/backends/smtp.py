"""The ``smtp`` backend: send through a mail server with aiosmtplib.

Settings: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER and EMAIL_HOST_PASSWORD (AUTH when a user
is set), EMAIL_USE_TLS (STARTTLS on a plain port, usually 587) or EMAIL_USE_SSL (TLS from
the first byte, usually 465), EMAIL_TIMEOUT (seconds), EMAIL_SSL_CAFILE (a CA bundle to
trust, e.g. for a private relay), EMAIL_SSL_CERTFILE and EMAIL_SSL_KEYFILE (a client
certificate). Certificates are always verified. Every keyword argument of the backend
overrides the setting of the same name (``get_connection("smtp", host="mail.internal")``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, Any

from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from framework.mail.backends.base import BaseEmailBackend, OutgoingMessage
from framework.mail.errors import MailError

if TYPE_CHECKING:
    import aiosmtplib

__all__ = ["EmailBackend"]

_OPTIONS = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
    "use_ssl": "EMAIL_USE_SSL",
    "timeout": "EMAIL_TIMEOUT",
    "ssl_cafile": "EMAIL_SSL_CAFILE",
    "ssl_certfile": "EMAIL_SSL_CERTFILE",
    "ssl_keyfile": "EMAIL_SSL_KEYFILE",
}


class EmailBackend(BaseEmailBackend):
    """Send over SMTP; one connection per batch, or per ``async with backend:`` block."""

    def __init__(self, fail_silently: bool = False, **options: Any) -> None:
        super().__init__(fail_silently)
        from framework.conf import settings

        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            raise TypeError(f"Unknown SMTP backend option {unknown[0]!r}: use {sorted(_OPTIONS)}.")
        values = {key: options.get(key, settings.get(name)) for key, name in _OPTIONS.items()}
        self.host = str(values["host"])
        self.port = int(values["port"])
        self.username = str(values["username"] or "")
        self.password = str(values["password"] or "")
        self.use_tls = bool(values["use_tls"])
        self.use_ssl = bool(values["use_ssl"])
        self.timeout = float(values["timeout"]) if values["timeout"] else None
        self.ssl_cafile = str(values["ssl_cafile"] or "") or None
        self.ssl_certfile = str(values["ssl_certfile"] or "") or None
        self.ssl_keyfile = str(values["ssl_keyfile"] or "") or None
        if self.use_tls and self.use_ssl:
            raise ImproperlyConfigured(
                "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: use EMAIL_USE_TLS for STARTTLS "
                "(port 587) or EMAIL_USE_SSL for implicit TLS (port 465), not both."
            )
        self.connection: aiosmtplib.SMTP | None = None

    @property
    def address(self) -> str:
        """Return ``host:port`` for messages."""
        return f"{self.host}:{self.port}"

    def _client(self) -> aiosmtplib.SMTP:
        try:
            import aiosmtplib
        except ImportError:  # pragma: no cover - a core dependency
            raise MissingDependencyError("aiosmtplib", feature="the smtp mail backend") from None
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self.username or None,
            password=self.password if self.username else None,
            use_tls=self.use_ssl,
            start_tls=self.use_tls,
            timeout=self.timeout,
            cert_bundle=self.ssl_cafile,
            client_cert=self.ssl_certfile,
            client_key=self.ssl_keyfile,
        )

    async def aopen(self) -> bool:
        """Connect (and STARTTLS, and log in); return False if already connected."""
        if self.connection is not None:
            return False
        client = self._client()
        try:
            await client.connect()
        except Exception as exc:
            await _discard(client)
            if self.fail_silently:
                return False
            raise MailError(f"Cannot send mail through {self.address}: {_describe(exc)}") from exc
        self.connection = client
        return True

    async def aclose(self) -> None:
        """Say QUIT and close the connection (errors while closing are ignored)."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            await connection.quit()
        except Exception:
            await _discard(connection)

    async def asend_messages(self, messages: Sequence[OutgoingMessage]) -> int:
        """Send *messages* over one connection (opened here if needed); return how many."""
        if not messages:
            return 0
        opened = await self.aopen()
        if self.connection is None:
            return 0  # failed to connect, silently
        sent = 0
        try:
            for message in messages:
                if await self._send(message):
                    sent += 1
        finally:
            if opened:
                await self.aclose()
        return sent

    async def _send(self, message: OutgoingMessage) -> bool:
        recipients = [address for _, address in getaddresses(message.recipients()) if address]
        if not recipients:
            return False
        mime = message.message()
        sender = parseaddr(mime["From"])[1] or message.sender()
        assert self.connection is not None
        try:
            await self.connection.send_message(mime, sender=sender, recipients=recipients)
        except Exception as exc:
            if self.fail_silently:
                return False
            raise MailError(
                f"The mail server {self.address} refused the message: {_describe(exc)}"
            ) from exc
        return True


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if text.endswith(".") else text + "."


async def _discard(client: aiosmtplib.SMTP) -> None:
    """Drop a connection that failed half-way, and let the loop release its socket now.

    Closing a TLS transport (after STARTTLS) only starts its shutdown; ``abort()`` drops it at
    once, and the socket is closed on the loop's next turn, which this gives it: a refused
    login or certificate leaves no open socket behind, even when the loop stops right after.
    """
    transport = client.transport
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()
    client.close()
    await asyncio.sleep(0)
