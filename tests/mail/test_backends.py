"""The other backends (console, file, locmem, dummy), choosing one, templates and checks."""

from __future__ import annotations

import email
import email.policy
import io
from pathlib import Path

import pytest

from framework.checks import run_checks
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.mail import (
    BadHeaderError,
    BaseEmailBackend,
    EmailMessage,
    get_connection,
    outbox,
    render_mail,
    send_mail,
)
from framework.mail.backends import console, dummy, filebased, locmem


def message(subject: str = "Hello") -> EmailMessage:
    mail = EmailMessage(subject, "Body text", "from@example.com", ["to@example.com"])
    mail.attach_alternative("<p>Body</p>", "text/html")
    return mail


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("console", console.EmailBackend),
        ("locmem", locmem.EmailBackend),
        ("dummy", dummy.EmailBackend),
        ("framework.mail.backends.dummy.EmailBackend", dummy.EmailBackend),
    ],
)
def test_short_names_and_dotted_paths(name: str, cls: type) -> None:
    assert type(get_connection(name)) is cls
    with settings.override(EMAIL_BACKEND=name):
        assert type(get_connection()) is cls


def test_unknown_backends_are_named_with_a_suggestion() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        get_connection("smpt")
    assert str(info.value) == (
        "EMAIL_BACKEND 'smpt' is not a mail backend: use one of smtp, console, file, locmem, "
        "dummy or a dotted path to a class. Did you mean 'smtp'?"
    )
    with pytest.raises(ImproperlyConfigured, match="not a subclass of"):
        get_connection("framework.mail.EmailMessage")
    with settings.override(EMAIL_BACKEND="smpt"):
        assert [m.id for m in run_checks(tags=["mail"])] == ["mail.E001"]


def test_checks_on_tls_settings_and_production_backends() -> None:
    with settings.override(EMAIL_USE_TLS=True, EMAIL_USE_SSL=True):
        assert [m.id for m in run_checks(tags=["mail"])] == ["mail.E002"]
    with settings.override(EMAIL_BACKEND="console"):
        assert [m.id for m in run_checks(tags=["mail"])] == []
        deploy = [m.id for m in run_checks(tags=["mail"], include_deployment=True)]
        assert deploy == ["mail.W001"]
    assert run_checks(tags=["mail"], include_deployment=True) == []  # smtp by default


def test_console_prints_the_whole_message() -> None:
    stream = io.StringIO()
    backend = console.EmailBackend(stream=stream)
    assert backend.send_messages([message("One"), message("Two")]) == 2
    text = stream.getvalue()
    assert text.count("-" * 79) == 2
    assert "Subject: One" in text and "Subject: Two" in text and "<p>Body</p>" in text
    assert "\r" not in text


def test_file_backend_writes_one_eml_per_message(tmp_path: Path) -> None:
    with settings.override(EMAIL_BACKEND="file", EMAIL_FILE_PATH="outgoing", BASE_DIR=tmp_path):
        assert send_mail("Filed", "In a file.", None, ["a@example.com"]) == 1
        assert send_mail("Filed again", "In another.", None, ["b@example.com"]) == 1
    files = sorted((tmp_path / "outgoing").glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert sorted(p["Subject"] for p in parsed) == ["Filed", "Filed again"]


def test_file_backend_needs_a_folder(tmp_path: Path) -> None:
    with (
        settings.override(EMAIL_FILE_PATH=""),
        pytest.raises(ImproperlyConfigured, match="needs EMAIL_FILE_PATH"),
    ):
        get_connection("file")
    (tmp_path / "taken").write_text("")
    with pytest.raises(ImproperlyConfigured, match="exists and is not a folder"):
        filebased.EmailBackend(file_path=tmp_path / "taken")


async def test_locmem_outbox_and_header_checks() -> None:
    backend = get_connection("locmem")
    assert await backend.asend_messages([message("Kept")]) == 1
    assert [(m.subject, m.to) for m in outbox] == [("Kept", ["to@example.com"])]
    with pytest.raises(BadHeaderError):
        await backend.asend_messages([message("Bad\nBcc: x@example.com")])
    assert len(outbox) == 1


def test_outbox_is_emptied_before_each_test() -> None:
    assert outbox == []
    get_connection("locmem").send_messages([message()])
    assert len(outbox) == 1


def test_dummy_sends_nothing_anywhere() -> None:
    assert get_connection("dummy").send_messages([message(), message()]) == 2
    assert outbox == []


def test_no_recipients_sends_nothing() -> None:
    mail = EmailMessage("Nobody", "x", None, [], connection=get_connection("locmem"))
    assert mail.send() == 0
    assert outbox == []


def test_addresses_must_be_lists() -> None:
    with pytest.raises(TypeError, match='"to" must be a list or tuple'):
        EmailMessage("x", "y", None, "a@example.com")  # type: ignore[arg-type]


def test_a_custom_backend() -> None:
    class Collecting(BaseEmailBackend):
        sent: list[str] = []

        async def asend_messages(self, messages):
            self.sent.extend(m.subject for m in messages)
            return len(messages)

    backend = Collecting()
    assert send_mail("Custom", "x", None, ["a@example.com"], connection=backend) == 1
    assert Collecting.sent == ["Custom"]


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_render_mail_from_templates(tmp_path: Path) -> None:
    write(tmp_path, "templates/blog/email/welcome_subject.txt", "Welcome,\n  {{ name }}!\n")
    write(tmp_path, "templates/blog/email/welcome.txt", "Hi {{ name }} & co <3\n")
    write(tmp_path, "templates/blog/email/welcome.html", "<p>Hi {{ name }}</p>")
    with settings.override(BASE_DIR=tmp_path, TEMPLATES_DIRS=["templates"]):
        mail = render_mail("blog/email/welcome", {"name": "<Ann>"}, to=["ann@example.com"])
    assert mail.subject == "Welcome, <Ann>!"  # one line: line breaks removed
    assert mail.body == "Hi <Ann> & co <3\n"  # plain text is not escaped
    assert mail.alternatives == [("<p>Hi &lt;Ann&gt;</p>", "text/html")]  # HTML is
    assert mail.to == ["ann@example.com"]


def test_render_mail_with_html_only_and_missing_templates(tmp_path: Path) -> None:
    write(tmp_path, "templates/shop/email/receipt.html", "<p>{{ total }}</p>")
    with settings.override(BASE_DIR=tmp_path, TEMPLATES_DIRS=["templates"]):
        mail = render_mail("shop/email/receipt", {"total": 3}, to=["a@example.com"], subject="R")
        assert mail.content_subtype == "html" and mail.body == "<p>3</p>"
        assert mail.message().get_content_type() == "text/html"
        with pytest.raises(Exception, match=r"has no shop/email/receipt_subject.txt"):
            render_mail("shop/email/receipt", to=["a@example.com"])
        with pytest.raises(Exception, match=r"has neither shop/email/nothing.txt nor"):
            render_mail("shop/email/nothing", to=["a@example.com"], subject="x")


def test_password_reset_templates_of_contrib_auth_render() -> None:
    from types import SimpleNamespace

    from framework.apps import apps

    with settings.override(INSTALLED_APPS=["framework.contrib.auth"]):
        apps.reset()
        apps.populate()
        user = SimpleNamespace(username="ann", email="ann@example.com")
        mail = render_mail(
            "auth/email/password_reset",
            {
                "user": user,
                "reset_url": "https://x.example/r/1",
                "site": "https://x.example",
                "valid_hours": 72,
            },
            to=["ann@example.com"],
        )
    assert mail.subject == "Reset your password on https://x.example"
    assert "https://x.example/r/1" in mail.body and "72 hours" in mail.body
