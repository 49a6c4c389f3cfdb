"""Configuration of the users app."""

from framework.apps import AppConfig


class UsersConfig(AppConfig):
    label = "users"
    verbose_name = "Users"
    # A prefix for this app's controller paths, and the apps that must load first:
    # url_prefix = "/users"
    # depends_on = ["auth"]

    def ready(self) -> None:
        """Run once all apps are loaded: register checks and the like (no database here)."""

    async def on_startup(self) -> None:
        """Run when the server starts."""

    async def on_shutdown(self) -> None:
        """Run when the server stops."""
