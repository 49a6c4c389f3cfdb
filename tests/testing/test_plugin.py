"""The pytest plugin: a project's tests get app, client, async_client, settings, live_server."""

from __future__ import annotations

from typing import Any

PROJECT_FILES = {
    "proj/__init__.py": "",
    "proj/settings.py": """
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "plugin-tests-secret-key-0123456789-abcdefghijklmnop"
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
INSTALLED_APPS = ["notes"]
""",
    "notes/__init__.py": "",
    "notes/controllers.py": """
from framework.web import Controller, get


class NoteController(Controller):
    path = "/notes"

    @get("/")
    async def index(self, request):
        return {"notes": [], "debug": request.app.debug}
""",
    "test_project.py": """
import httpx

from framework.web import url_for


def test_client(client):
    assert client.get("/notes").json() == {"notes": [], "debug": False}
    assert url_for("NoteController.index") == "/notes"


async def test_async_client(async_client):
    response = await async_client.get("/notes")
    assert response.status_code == 200


def test_settings_then_app(settings):
    settings.DEBUG = True
    from framework.web import get_asgi_application
    from framework.testing import TestClient

    with TestClient(get_asgi_application()) as client:
        assert client.get("/notes").json()["debug"] is True


def test_settings_were_restored(app):
    assert app.debug is False


def test_live_server(live_server):
    assert httpx.get(live_server + "/notes").json()["notes"] == []
""",
}


def test_project_tests_use_the_fixtures(pytester: Any) -> None:
    for name, text in PROJECT_FILES.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    pytester.makeini(
        "[pytest]\nframework_settings_module = proj.settings\npythonpath = .\n"
        "asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=5)


def test_app_fixture_without_a_project_explains(pytester: Any) -> None:
    pytester.makepyfile(test_it="def test_it(app):\n    pass\n")
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*The 'app' fixture builds the project's app, but no settings module is set*"]
    )


MAIL_TESTS = """
import logging

from framework.mail import send_mail
from framework.testing import mail


def test_mail_goes_to_the_outbox():
    send_mail("Welcome", "Hello", None, ["ann@example.com"])
    assert [(m.subject, m.to) for m in mail.outbox] == [("Welcome", ["ann@example.com"])]


def test_the_outbox_is_empty_again(mailoutbox):
    assert mailoutbox == [] and mailoutbox is mail.outbox
    send_mail("Second", "Hello", None, ["bob@example.com"])
    assert len(mail.outbox) == 1


def test_caplog_still_works_after_setup(caplog):
    import framework

    framework.setup()
    logging.getLogger("notes").warning("captured")
    assert [r.getMessage() for r in caplog.records] == ["captured"]
"""


def test_project_tests_send_mail_to_a_fresh_outbox(pytester: Any) -> None:
    for name, text in PROJECT_FILES.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # A mail server that is not there (a closed loopback port): tests must never need it.
    settings_file = pytester.path / "proj/settings.py"
    settings_file.write_text(
        settings_file.read_text() + "EMAIL_HOST = '127.0.0.1'\nEMAIL_PORT = 9\n"
    )
    (pytester.path / "test_project.py").write_text(MAIL_TESTS)
    pytester.makeini("[pytest]\nframework_settings_module = proj.settings\npythonpath = .\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=3)
