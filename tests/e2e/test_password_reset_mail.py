"""A password reset end to end: a generated project on a real server, mail over STARTTLS + AUTH.

The project runs ``manage.py runserver`` in a subprocess whose EMAIL_* settings point at the
test's SMTP server (aiosmtpd on a free port, STARTTLS required before AUTH, a certificate of
a CA made for this run). The mail is read from that server, the link followed, the new
password used to log in, and the link refused the second time.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.smtpserver import SMTPTestServer, make_certificates, smtp_server

from .conftest import free_port, run, start_server

pytestmark = pytest.mark.e2e

OLD_PASSWORD = "first-long-passphrase-41"
NEW_PASSWORD = "second-long-passphrase-42"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SMTPTestServer]:
    certificates = make_certificates(tmp_path_factory.mktemp("reset-certificates"))
    with smtp_server("starttls", ("mailer", "relay-password-7"), certificates) as server:
        yield server


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("reset")
    result = run(
        [str(Path(sys.executable).parent / "framework"), "startproject", "resetsite"], base
    )
    assert result.returncode == 0, result.stderr
    root = base / "resetsite"
    result = run([sys.executable, "manage.py", "db-upgrade"], root)
    assert result.returncode == 0, result.stderr
    result = run(
        [
            sys.executable,
            "manage.py",
            "users",
            "create",
            "ann",
            "--email",
            "ann@example.com",
            "--noinput",
        ],
        root,
        FRAMEWORK_USER_PASSWORD=OLD_PASSWORD,
    )
    assert result.returncode == 0, result.stderr
    return root


def environment(smtp: SMTPTestServer) -> dict[str, str]:
    return {key: str(value) for key, value in smtp.settings().items()} | {
        "DEFAULT_FROM_EMAIL": "accounts@resetsite.example",
        "LOG_FORMAT": "json",
    }


def form_token(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match is not None, page.text
    return match.group(1)


def test_reset_by_mail_then_log_in(project: Path, smtp: SMTPTestServer) -> None:
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", str(port), "--noreload"]
    with start_server(command, project, port, **environment(smtp)) as server:
        server.get("/login")
        with httpx.Client(base_url=server.url) as browser:
            page = browser.get("/password-reset")
            sent = browser.post(
                "/password-reset", data={"email": "ann@example.com", "csrf_token": form_token(page)}
            )
            assert sent.status_code == 200 and "If an account uses that address" in sent.text
            mail = smtp.wait_for_message(lambda m: "ann@example.com" in m.recipients)
            assert mail.tls and mail.login == "mailer"
            assert mail.sender == "accounts@resetsite.example"
            assert mail.message["Subject"] == f"Reset your password on {server.url}"
            text, html = mail.text("plain"), mail.text("html")
            link = re.search(rf"{re.escape(server.url)}/password-reset/[\w-]+/[\w-]+", text)
            assert link is not None, text
            assert f'href="{link.group(0)}"' in html

            form = browser.get(link.group(0))
            assert form.status_code == 200
            weak = browser.post(
                link.group(0),
                data={
                    "new_password1": "password",
                    "new_password2": "password",
                    "csrf_token": form_token(form),
                },
            )
            assert weak.status_code == 400 and "too common" in weak.text
            done = browser.post(
                link.group(0),
                data={
                    "new_password1": NEW_PASSWORD,
                    "new_password2": NEW_PASSWORD,
                    "csrf_token": form_token(weak),
                },
            )
            assert done.status_code == 200 and "Your password has been set" in done.text
            assert browser.get(link.group(0)).status_code == 400

        with httpx.Client(base_url=server.url) as api:
            old = api.post("/login", json={"username": "ann", "password": OLD_PASSWORD})
            assert old.status_code == 401
            new = api.post("/login", json={"username": "ann", "password": NEW_PASSWORD})
            assert new.status_code == 200 and new.json()["user"]["username"] == "ann"

        with httpx.Client(base_url=server.url) as stranger:
            page = stranger.get("/password-reset")
            nobody = stranger.post(
                "/password-reset",
                data={"email": "nobody@example.com", "csrf_token": form_token(page)},
            )
            assert nobody.status_code == 200 and "If an account uses that address" in nobody.text
        output = server.output()
    assert [m for m in smtp.received if "nobody@example.com" in m.recipients] == []
    assert OLD_PASSWORD not in output and NEW_PASSWORD not in output
    assert "relay-password-7" not in output
