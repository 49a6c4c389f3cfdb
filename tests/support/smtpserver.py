"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 and a free port, in a thread.

    with smtp_server(security="starttls", credentials=("mailer", "s3cret")) as server:
        ...  # point EMAIL_HOST/EMAIL_PORT at server.host/server.port
        message = server.wait_for_message(lambda m: "ann@example.com" in m.recipients)

``security`` is ``"none"``, ``"starttls"`` (the server offers STARTTLS and refuses mail and
AUTH before it) or ``"ssl"`` (TLS from the first byte). The certificate is made at test time
by :func:`make_certificates`: a throwaway CA and a server certificate for 127.0.0.1 and
localhost signed by it; clients trust the CA file (``EMAIL_SSL_CAFILE``).
"""

from __future__ import annotations

import contextlib
import datetime
import email
import email.policy
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

__all__ = ["Certificates", "ReceivedMail", "SMTPTestServer", "make_certificates", "smtp_server"]


@dataclass(frozen=True)
class Certificates:
    """Paths of a test CA certificate and of a server certificate and key it signed."""

    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        """Return a TLS context for the server side."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificates(folder: Path) -> Certificates:
    """Write a CA and a server certificate for 127.0.0.1/localhost into *folder*."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "framework test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@dataclass
class ReceivedMail:
    """One message as the server received it: envelope, session facts and the parsed mail."""

    sender: str
    recipients: list[str]
    data: bytes
    login: str | None
    tls: bool

    @property
    def message(self) -> EmailMessage:
        """Return the mail parsed with the modern email API."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self, subtype: str = "plain") -> str:
        """Return the body part of *subtype* (``"plain"`` or ``"html"``), decoded."""
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None, f"no text/{subtype} part"
        return str(part.get_content())


@dataclass
class SMTPTestServer:
    """The running server: where it listens, what it received, how to wait for mail."""

    host: str
    port: int
    security: str
    credentials: tuple[str, str] | None
    certificates: Certificates | None
    received: list[ReceivedMail] = field(default_factory=list)
    _condition: threading.Condition = field(default_factory=threading.Condition)

    def settings(self) -> dict[str, Any]:
        """Return the EMAIL_* settings that send through this server."""
        user, password = self.credentials or ("", "")
        return {
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": user,
            "EMAIL_HOST_PASSWORD": password,
            "EMAIL_USE_TLS": self.security == "starttls",
            "EMAIL_USE_SSL": self.security == "ssl",
            "EMAIL_SSL_CAFILE": str(self.certificates.ca) if self.certificates else "",
            "EMAIL_TIMEOUT": 30,
        }

    def record(self, mail: ReceivedMail) -> None:
        """Keep *mail* and wake the waiters (called from the server's thread)."""
        with self._condition:
            self.received.append(mail)
            self._condition.notify_all()

    def wait_for_message(
        self, predicate: Callable[[ReceivedMail], bool] = lambda mail: True, timeout: float = 60
    ) -> ReceivedMail:
        """Return the first received mail matching *predicate*, waiting up to *timeout*."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for mail in self.received:
                    if predicate(mail):
                        return mail
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no matching mail within {timeout}s: {self.received}")
                self._condition.wait(remaining)


class _Handler:
    def __init__(self, server: SMTPTestServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        auth = session.auth_data if session.authenticated else None
        login = auth.login.decode() if auth is not None else None
        self.server.record(
            ReceivedMail(
                sender=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
                data=envelope.original_content or envelope.content,
                login=login,
                tls=smtp.transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 Message accepted for delivery"


def _authenticator(credentials: tuple[str, str]) -> Callable[..., Any]:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = (data.login.decode(), data.password.decode()) == credentials
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    return authenticate


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def smtp_server(
    security: str = "none",
    credentials: tuple[str, str] | None = None,
    certificates: Certificates | None = None,
) -> Iterator[SMTPTestServer]:
    """Run an SMTP server for the block; stop it at the end."""
    from aiosmtpd.controller import Controller

    if security != "none" and certificates is None:
        raise ValueError(f"security={security!r} needs certificates (make_certificates())")
    server = SMTPTestServer("127.0.0.1", _free_port(), security, credentials, certificates)
    options: dict[str, Any] = {"hostname": "127.0.0.1", "port": server.port, "ready_timeout": 30}
    if security == "starttls":
        assert certificates is not None
        options.update(tls_context=certificates.server_context(), require_starttls=True)
    elif security == "ssl":
        assert certificates is not None
        # aiosmtpd counts only STARTTLS as TLS for AUTH; this socket is TLS from the start.
        options.update(ssl_context=certificates.server_context(), auth_require_tls=False)
    if credentials is not None:
        # (Requiring AUTH without STARTTLS makes aiosmtpd warn, even on an implicit-TLS socket.)
        required = security != "ssl"
        options.update(authenticator=_authenticator(credentials), auth_required=required)
    controller = Controller(_Handler(server), **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
