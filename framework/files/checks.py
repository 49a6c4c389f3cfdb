"""Checks of STORAGES: every storage can be made; local disk warned about when scaled out."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = ["check_storage_is_shared", "check_storages"]


@register("files")
def check_storages(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse a STORAGES entry with an unknown backend, key or option, or a missing extra."""
    from framework.conf import settings
    from framework.exceptions import ImproperlyConfigured, MissingDependencyError
    from framework.files.registry import create_storage

    messages: list[CheckMessage] = []
    for alias, entry in dict(settings.STORAGES).items():
        try:
            create_storage(alias, entry, settings)
        except (ImproperlyConfigured, MissingDependencyError) as exc:
            messages.append(Error(str(exc), "Fix STORAGES in the settings.", "files.E001"))
    return messages


@register("files", deploy=True)
def check_storage_is_shared(app_configs: Any = None) -> list[CheckMessage]:
    """Warn when the default storage is this machine's disk in a scaled-out deployment."""
    from framework.conf import settings
    from framework.web.checks import scaled_out

    entry = dict(settings.STORAGES).get("default") or {}
    backend = (entry.get("BACKEND") or "filesystem") if isinstance(entry, dict) else ""
    reason = scaled_out()
    if backend != "filesystem" or not reason:
        return []
    return [
        Warning(
            "STORAGES['default'] keeps files on this machine's disk (the 'filesystem' "
            f"backend), but this deployment runs several processes or hosts ({reason}): a "
            "file stored on one host is missing on the others.",
            "Use the 's3' backend (any S3-compatible store), or a folder every host mounts.",
            "files.W001",
        )
    ]
