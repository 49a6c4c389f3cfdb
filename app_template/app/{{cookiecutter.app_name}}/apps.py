"""Configuration of the {{ cookiecutter.app_name }} app."""

from framework.apps import AppConfig


class {{ cookiecutter.app_class }}Config(AppConfig):
    label = "{{ cookiecutter.app_name }}"
    verbose_name = "{{ cookiecutter.app_class }}"
    # A prefix for this app's controller paths, and the apps that must load first:
    # url_prefix = "/{{ cookiecutter.app_name }}"
    # depends_on = ["auth"]

    def ready(self) -> None:
        """Run once all apps are loaded: register checks and the like (no database here)."""

    async def on_startup(self) -> None:
        """Run when the server starts."""

    async def on_shutdown(self) -> None:
        """Run when the server stops."""
