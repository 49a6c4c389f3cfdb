"""The smtp backend against a real SMTP server: plain, STARTTLS with AUTH, implicit TLS."""

from __future__ import annotations

import socket
import uuid

import pytest

from framework.conf import settings
from framework.mail import (
    BadHeaderError,
    EmailMessage,
    MailError,
    asend_mail,
    asend_mass_mail,
    get_connection,
    send_mail,
)
from tests.mail.conftest import CREDENTIALS
from tests.support.smtpserver import SMTPTestServer


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def with_subject(subject: str):
    return lambda mail: mail.message["Subject"] == subject


async def test_plain_server_gets_text_html_attachments_and_a_blind_copy(
    plain_smtp: SMTPTestServer,
) -> None:
    subject = unique("Report")
    message = EmailMessage(
        subject,
        "Héllo Ann, the report is attached.",
        "Reports <reports@example.com>",
        ["Ann <ann@example.com>"],
        cc=["bob@example.com"],
        bcc=["audit@example.com"],
        reply_to=["help@example.com"],
        headers={"X-Campaign": "weekly"},
    )
    message.attach("report.csv", "name,total\nann,3\n", "text/csv")
    message.attach("logo.png", b"\x89PNG\r\n\x1a\n\x00")
    message.attach_alternative("<p>Héllo <b>Ann</b></p>", "text/html")
    with settings.override(**plain_smtp.settings()):
        assert await message.asend() == 1
    mail = plain_smtp.wait_for_message(with_subject(subject))
    assert mail.sender == "reports@example.com"
    assert sorted(mail.recipients) == ["ann@example.com", "audit@example.com", "bob@example.com"]
    assert mail.login is None and not mail.tls
    parsed = mail.message
    assert parsed["To"] == "Ann <ann@example.com>"
    assert parsed["Cc"] == "bob@example.com"
    assert parsed["Bcc"] is None  # blind copies are in the envelope only
    assert parsed["Reply-To"] == "help@example.com"
    assert parsed["X-Campaign"] == "weekly"
    assert parsed["Message-ID"].endswith("@example.com>")
    assert mail.text("plain").strip() == "Héllo Ann, the report is attached."
    assert mail.text("html").strip() == "<p>Héllo <b>Ann</b></p>"
    attachments = {part.get_filename(): part for part in parsed.iter_attachments()}
    assert attachments["report.csv"].get_content().replace("\r\n", "\n") == "name,total\nann,3\n"
    assert attachments["logo.png"].get_content_type() == "image/png"
    assert attachments["logo.png"].get_content() == b"\x89PNG\r\n\x1a\n\x00"


async def test_starttls_then_auth(starttls_smtp: SMTPTestServer) -> None:
    subject = unique("Secure")
    with settings.override(**starttls_smtp.settings()):
        assert await asend_mail(subject, "Over TLS.", None, ["ann@example.com"]) == 1
    mail = starttls_smtp.wait_for_message(with_subject(subject))
    assert mail.tls
    assert mail.login == CREDENTIALS[0]
    assert mail.sender == "webmaster@localhost"  # DEFAULT_FROM_EMAIL


async def test_implicit_tls_with_auth(ssl_smtp: SMTPTestServer) -> None:
    subject = unique("Implicit")
    with settings.override(**ssl_smtp.settings(), DEFAULT_FROM_EMAIL="team@example.com"):
        assert await asend_mail(subject, "TLS from the first byte.", None, ["a@example.com"]) == 1
    mail = ssl_smtp.wait_for_message(with_subject(subject))
    assert mail.tls and mail.login == CREDENTIALS[0]
    assert mail.sender == "team@example.com"


async def test_server_requiring_starttls_refuses_a_plain_client(
    starttls_smtp: SMTPTestServer,
) -> None:
    plain = {**starttls_smtp.settings(), "EMAIL_USE_TLS": False}
    refused = f"Cannot send mail through 127.0.0.1:{starttls_smtp.port}"
    with settings.override(**plain), pytest.raises(MailError, match=refused):
        await asend_mail(unique("Plain"), "x", None, ["a@example.com"])


async def test_wrong_password_is_refused(starttls_smtp: SMTPTestServer) -> None:
    wrong = {**starttls_smtp.settings(), "EMAIL_HOST_PASSWORD": "wrong"}
    with settings.override(**wrong), pytest.raises(MailError) as info:
        await asend_mail(unique("Wrong"), "x", None, ["a@example.com"])
    assert f"127.0.0.1:{starttls_smtp.port}" in str(info.value)
    assert "wrong" not in str(info.value)  # the password is never echoed


async def test_certificate_of_an_unknown_ca_is_refused(starttls_smtp: SMTPTestServer) -> None:
    untrusted = {**starttls_smtp.settings(), "EMAIL_SSL_CAFILE": ""}
    with settings.override(**untrusted), pytest.raises(MailError, match="certificate"):
        await asend_mail(unique("Untrusted"), "x", None, ["a@example.com"])


async def test_unreachable_server_names_host_and_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    with settings.override(EMAIL_HOST="127.0.0.1", EMAIL_PORT=port):
        with pytest.raises(MailError, match=f"Cannot send mail through 127.0.0.1:{port}"):
            await asend_mail("x", "x", None, ["a@example.com"])
        assert await asend_mail("x", "x", None, ["a@example.com"], fail_silently=True) == 0


async def test_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        silent = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": port, "EMAIL_TIMEOUT": 1}
        with settings.override(**silent), pytest.raises(MailError, match=r"(?i)timed out"):
            await asend_mail("x", "x", None, ["a@example.com"])


def test_tls_and_ssl_together_are_refused() -> None:
    both = {"EMAIL_USE_TLS": True, "EMAIL_USE_SSL": True}
    with settings.override(**both), pytest.raises(Exception, match="both on"):
        get_connection()


def test_sync_send_mail(plain_smtp: SMTPTestServer) -> None:
    subject = unique("Sync")
    with settings.override(**plain_smtp.settings()):
        assert send_mail(subject, "From sync code.", None, ["sync@example.com"]) == 1
    assert plain_smtp.wait_for_message(with_subject(subject)).recipients == ["sync@example.com"]


async def test_sync_send_inside_a_running_loop(plain_smtp: SMTPTestServer) -> None:
    subject = unique("Blocking")
    with settings.override(**plain_smtp.settings()):
        assert EmailMessage(subject, "x", None, ["loop@example.com"]).send() == 1
    plain_smtp.wait_for_message(with_subject(subject))


async def test_many_messages_over_one_connection(plain_smtp: SMTPTestServer) -> None:
    first, second = unique("First"), unique("Second")
    with settings.override(**plain_smtp.settings()):
        sent = await asend_mass_mail(
            [(first, "1", None, ["a@example.com"]), (second, "2", None, ["b@example.com"])]
        )
        assert sent == 2
        async with get_connection() as connection:
            third = EmailMessage(unique("Third"), "3", None, ["c@example.com"])
            assert await connection.asend_messages([third]) == 1
            assert (
                await EmailMessage(
                    unique("Fourth"), "4", None, ["d@example.com"], connection=connection
                ).asend()
                == 1
            )
    plain_smtp.wait_for_message(with_subject(first))
    plain_smtp.wait_for_message(with_subject(second))


@pytest.mark.parametrize(
    "field",
    ["subject", "to", "cc", "bcc", "reply_to", "from_email", "header"],
)
async def test_header_injection_is_refused_before_sending(
    plain_smtp: SMTPTestServer, field: str
) -> None:
    marker = unique("Injected")
    evil = f"x@example.com\r\nBcc: victim@example.com\r\nSubject: {marker}"
    values: dict[str, object] = {"subject": marker, "to": ["a@example.com"]}
    if field in ("to", "cc", "bcc", "reply_to"):
        values[field] = [*values.get(field, []), evil]  # type: ignore[list-item]
    elif field == "header":
        values["headers"] = {"X-Note": evil}
    elif field == "from_email":
        values["from_email"] = evil
    else:
        values["subject"] = f"{marker}\nBcc: victim@example.com"
    message = EmailMessage(body="x", **values)  # type: ignore[arg-type]
    with settings.override(**plain_smtp.settings()):
        with pytest.raises(BadHeaderError, match="line breaks"):
            await message.asend()
        control = unique("Control")
        await asend_mail(control, "x", None, ["a@example.com"])
    plain_smtp.wait_for_message(with_subject(control))
    assert not [m for m in plain_smtp.received if marker in m.data.decode("utf-8", "replace")]
