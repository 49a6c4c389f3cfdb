"""Tests of the {{ cookiecutter.project_name }} project as a whole."""

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
