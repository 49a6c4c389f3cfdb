"""Configuration of the ledger app."""

from framework.apps import AppConfig


class LedgerConfig(AppConfig):
    label = "ledger"
    verbose_name = "Ledger"
    # A prefix for this app's controller paths, and the apps that must load first:
    # url_prefix = "/ledger"
    # depends_on = ["auth"]

    def ready(self) -> None:
        """Run once all apps are loaded: register checks and the like (no database here)."""

    async def on_startup(self) -> None:
        """Run when the server starts."""

    async def on_shutdown(self) -> None:
        """Run when the server stops."""
