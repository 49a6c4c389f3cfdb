"""Fixtures of the mail tests: SMTP servers (plain, STARTTLS + AUTH, implicit TLS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.smtpserver import Certificates, SMTPTestServer, make_certificates, smtp_server

CREDENTIALS = ("mailer", "correct horse battery staple")


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """Return a test CA and a server certificate for 127.0.0.1, made for this run."""
    return make_certificates(Path(tmp_path_factory.mktemp("certificates")))


@pytest.fixture(scope="session")
def plain_smtp() -> Iterator[SMTPTestServer]:
    """An SMTP server without TLS or AUTH."""
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def starttls_smtp(certificates: Certificates) -> Iterator[SMTPTestServer]:
    """An SMTP server that requires STARTTLS, then AUTH (mailer / the password above)."""
    with smtp_server("starttls", CREDENTIALS, certificates) as server:
        yield server


@pytest.fixture(scope="session")
def ssl_smtp(certificates: Certificates) -> Iterator[SMTPTestServer]:
    """An SMTP server speaking TLS from the first byte, with AUTH."""
    with smtp_server("ssl", CREDENTIALS, certificates) as server:
        yield server
