"""Checks on installed apps: URL prefixes, modules that import, databases that exist."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, register

__all__ = ["DISCOVERED_MODULES", "check_app_databases", "check_app_modules", "check_url_prefixes"]


@register("apps")
def check_url_prefixes(app_configs: Any = None) -> list[CheckMessage]:
    """Report ``url_prefix`` values that do not start with '/' or that end with one."""
    from framework.apps import apps

    configs = app_configs if app_configs is not None else apps.get_app_configs()
    messages: list[CheckMessage] = []
    for config in configs:
        prefix = config.url_prefix
        if prefix is None or prefix == "":
            continue
        if not prefix.startswith("/") or (prefix != "/" and prefix.endswith("/")):
            messages.append(
                Error(
                    f"App {config.label!r} has url_prefix {prefix!r}.",
                    hint="Use a path that starts with '/' and has no trailing '/', e.g. '/blog'.",
                    id="apps.E001",
                    obj=config.label,
                )
            )
    return messages


#: The modules discovered in every app, imported by the commands and the server that use
#: them; ``check`` imports them all, so a broken one fails ``check`` and not only at run time.
DISCOVERED_MODULES = ("models", "controllers", "commands", "tasks", "admin", "graphql")


@register("apps")
def check_app_modules(app_configs: Any = None) -> list[CheckMessage]:
    """Import each discovered module of each app; report the ones that fail, naming both."""
    from framework.apps import apps
    from framework.exceptions import ImproperlyConfigured

    configs = app_configs if app_configs is not None else apps.get_app_configs()
    messages: list[CheckMessage] = []
    for config in configs:
        for name in DISCOVERED_MODULES:
            try:
                config.import_module(name)
            except ImproperlyConfigured as exc:
                messages.append(
                    Error(
                        str(exc),
                        hint=f"Importing {config.name}.{name} raises this error; fix the module.",
                        id="apps.E002",
                        obj=config.label,
                    )
                )
    return messages


@register("apps", "database")
def check_app_databases(app_configs: Any = None) -> list[CheckMessage]:
    """Report an ``AppConfig.database`` that names no alias of DATABASES."""
    import difflib

    from framework.apps import apps
    from framework.conf import settings

    aliases = sorted(settings.DATABASES) if isinstance(settings.DATABASES, dict) else []
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    messages: list[CheckMessage] = []
    for config in configs:
        if config.database in aliases:
            continue
        close = difflib.get_close_matches(str(config.database), aliases, n=1)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        messages.append(
            Error(
                f"App {config.label!r} uses database {config.database!r}, which is not in "
                f"DATABASES ({', '.join(aliases) or 'none'}).",
                hint=f"{hint}Set AppConfig.database to an alias of DATABASES.",
                id="apps.E003",
                obj=config.label,
            )
        )
    return messages
