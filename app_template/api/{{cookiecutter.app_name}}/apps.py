"""Configuration of the {{ cookiecutter.app_name }} app (a JSON API)."""

from framework.apps import AppConfig


class {{ cookiecutter.app_class }}Config(AppConfig):
    label = "{{ cookiecutter.app_name }}"
    verbose_name = "{{ cookiecutter.app_class }}"
    # Serve the API below a prefix, e.g. /api/{{ cookiecutter.app_name }}/items:
    # url_prefix = "/api"
