"""The app boots inside a project: registry, checks and discovery."""

from framework.apps import apps
from framework.cli import call_command


def test_app_is_installed():
    config = apps.get_app_config("{{ cookiecutter.app_name }}")
    assert config.name == "{{ cookiecutter.app_name }}"


def test_system_checks_pass():
    call_command("check")


def test_index_page_is_served(client):
    response = client.get("/{{ cookiecutter.app_name }}")
    assert response.status_code == 200
