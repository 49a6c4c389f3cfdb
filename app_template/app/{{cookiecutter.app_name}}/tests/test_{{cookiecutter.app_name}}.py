"""Tests of the {{ cookiecutter.app_name }} app."""

from framework.apps import apps


def test_app_is_installed():
    config = apps.get_app_config("{{ cookiecutter.app_name }}")
    assert config.verbose_name == "{{ cookiecutter.app_class }}"
