"""Tests of the {{ cookiecutter.app_name }} app."""

from framework.apps import apps
from framework.web import url_for


def test_app_is_installed():
    config = apps.get_app_config("{{ cookiecutter.app_name }}")
    assert config.verbose_name == "{{ cookiecutter.app_class }}"


def test_index_page(client):
    response = client.get("/{{ cookiecutter.app_name }}")
    assert response.status_code == 200
    assert "<h1>{{ cookiecutter.app_class }}</h1>" in response.text


def test_status(client):
    response = client.get(url_for("{{ cookiecutter.app_class }}Controller.status"))
    assert response.json() == {"app": "{{ cookiecutter.app_name }}", "ok": True}
