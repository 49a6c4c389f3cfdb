"""Checks on installed apps: URL prefixes of the right shape."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, register

__all__ = ["check_url_prefixes"]


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
