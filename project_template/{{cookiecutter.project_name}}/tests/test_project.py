"""Tests of the {{ cookiecutter.project_name }} project as a whole.

The fixtures come with the framework: `client` (requests to the app), `async_client`,
`app`, `settings` (change a setting for one test) and `live_server`.
"""

from framework.apps import apps
from framework.cli import call_command
from framework.conf import settings


def test_settings_are_loaded():
    assert settings.wrapped.module_name == "{{ cookiecutter.project_name }}.settings"
    assert settings.SECRET_KEY


def test_system_checks_pass():
    call_command("check")


def test_installed_apps_are_ready():
    assert apps.ready
    assert len(apps.get_app_configs()) == len(settings.INSTALLED_APPS)


def test_unknown_page_is_a_404(client):
    response = client.get("/no-such-page", headers={"accept": "application/json"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found", "errors": []}


def test_responses_carry_security_headers(client):
    response = client.get("/no-such-page")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
