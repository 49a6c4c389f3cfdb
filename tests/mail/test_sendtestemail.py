"""``manage.py sendtestemail ADDRESS…`` through a real SMTP server, and its refusals."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from framework.cli import call_command
from framework.cli.app import cli
from tests.support.smtpserver import SMTPTestServer


def project(make_settings_module, **email: object) -> None:
    lines = [f"{key} = {value!r}" for key, value in email.items()]
    make_settings_module("SECRET_KEY = 'x' * 60\n" + "\n".join(lines) + "\n")


def test_sends_one_mail_to_every_address(make_settings_module, plain_smtp: SMTPTestServer, capsys):
    project(make_settings_module, **plain_smtp.settings())
    call_command("sendtestemail", "ann@example.com", "bob@example.com")
    assert capsys.readouterr().out == (
        "Sent a test mail to ann@example.com, bob@example.com through EMAIL_BACKEND 'smtp'.\n"
    )
    mail = plain_smtp.wait_for_message(lambda m: "bob@example.com" in m.recipients)
    assert sorted(mail.recipients) == ["ann@example.com", "bob@example.com"]
    assert mail.message["Subject"].startswith(f"Test email from {socket.gethostname()} on ")
    assert "the mail settings of this project work" in mail.text()


def test_unreachable_server_is_one_red_line_and_exit_1(make_settings_module) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    project(make_settings_module, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port)
    result = CliRunner().invoke(cli, ["sendtestemail", "ann@example.com"], prog_name="manage.py")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: Cannot send mail through 127.0.0.1:{port}: ")
    assert "Traceback" not in result.output


def test_an_address_is_required(make_settings_module) -> None:
    project(make_settings_module)
    result = CliRunner().invoke(cli, ["sendtestemail"], prog_name="manage.py")
    assert result.exit_code == 1  # usage errors are one red line too
    assert "Missing argument 'ADDRESS...'" in result.stderr


def test_header_injection_in_an_address_is_refused(make_settings_module) -> None:
    project(make_settings_module, EMAIL_BACKEND="locmem")
    result = CliRunner().invoke(
        cli, ["sendtestemail", "a@example.com\nBcc: victim@example.com"], prog_name="manage.py"
    )
    assert result.exit_code == 1
    assert "line breaks" in result.stderr
