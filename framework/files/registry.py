"""``STORAGES`` → storages by alias: ``storages["default"]``, and ``default_storage``.

::

    STORAGES = {"default": {"BACKEND": "filesystem", "OPTIONS": {"location": MEDIA_ROOT}}}

``BACKEND`` is ``filesystem``, ``s3`` or a dotted path to a :class:`Storage` subclass with a
``from_options(options, settings)`` class method. Storages are made on first use and made
again when the settings change (tests' ``settings.override``). A misspelt key, backend or
option is an error naming it ("Did you mean …?"), never ignored.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Mapping
from typing import Any

from framework.exceptions import ImproperlyConfigured
from framework.files.base import Storage

__all__ = ["BACKENDS", "DefaultStorage", "StorageHandler", "default_storage", "storages"]

#: Short backend names and the classes they stand for.
BACKENDS = {
    "filesystem": "framework.files.filesystem.FileSystemStorage",
    "s3": "framework.files.s3.S3Storage",
}
DEFAULT_ALIAS = "default"
_KEYS = ("BACKEND", "OPTIONS")


def _did_you_mean(message: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return message + (f" Did you mean {close[0]!r}?" if close else "")


def backend_class(alias: str, entry: Mapping[str, Any]) -> type[Any]:
    """Return the storage class STORAGES[*alias*] names; refuse unknown keys and names."""
    from framework.module_loading import import_string

    if not isinstance(entry, Mapping):
        raise ImproperlyConfigured(
            f"STORAGES[{alias!r}] is {entry!r}: give a dict such as "
            "{'BACKEND': 'filesystem', 'OPTIONS': {'location': 'media'}}."
        )
    for key in entry:
        if key not in _KEYS:
            message = f"STORAGES[{alias!r}] has an unknown key {key!r} (known: BACKEND, OPTIONS)."
            raise ImproperlyConfigured(_did_you_mean(message, key, list(_KEYS)))
    backend = str(entry.get("BACKEND") or "filesystem")
    target = BACKENDS.get(backend, backend)
    if "." not in target:
        message = f"STORAGES[{alias!r}] has an unknown BACKEND {backend!r} (known: "
        message += ", ".join(BACKENDS) + ", or a dotted path)."
        raise ImproperlyConfigured(_did_you_mean(message, backend, list(BACKENDS)))
    cls: type[Any] = import_string(target)
    return cls


def create_storage(alias: str, entry: Mapping[str, Any], settings: Any) -> Storage:
    """Return a new storage for STORAGES[*alias*]."""
    cls = backend_class(alias, entry)
    options = dict(entry.get("OPTIONS") or {})
    allowed = sorted(getattr(cls, "option_names", ()))
    for name in options:
        if allowed and name not in allowed:
            message = f"STORAGES[{alias!r}] has an unknown OPTIONS key {name!r} for "
            message += f"{cls.__name__} (known: {', '.join(allowed)})."
            raise ImproperlyConfigured(_did_you_mean(message, name, allowed))
    try:
        storage: Storage = cls.from_options(options, settings)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"STORAGES[{alias!r}] is not usable: {exc}") from exc
    storage.alias = alias
    return storage


class StorageHandler:
    """The storages of ``STORAGES``, by alias, made on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: Any = None
        self._storages: dict[str, Storage] = {}

    def _current(self) -> tuple[Any, dict[str, Storage]]:
        from framework.conf import settings

        current = settings.wrapped
        if current is not self._settings:
            with self._lock:
                if current is not self._settings:
                    self._storages = {}
                    self._settings = current
        return current, self._storages

    def __getitem__(self, alias: str) -> Storage:
        settings, made = self._current()
        storage = made.get(alias)
        if storage is not None:
            return storage
        configured = settings.STORAGES
        if alias not in configured:
            message = f"The storage alias {alias!r} is not in STORAGES (known: "
            message += ", ".join(repr(name) for name in configured) + ")."
            raise ImproperlyConfigured(_did_you_mean(message, alias, list(configured)))
        with self._lock:
            storage = made.get(alias)
            if storage is None:
                storage = made[alias] = create_storage(alias, configured[alias], settings)
        return storage

    def __contains__(self, alias: object) -> bool:
        settings, _ = self._current()
        return alias in settings.STORAGES

    def aliases(self) -> list[str]:
        """Return every alias of STORAGES."""
        settings, _ = self._current()
        return list(settings.STORAGES)

    def resolve(self, storage: str | Storage | None) -> Storage:
        """Return *storage* itself, the storage of alias *storage*, or the default one."""
        if isinstance(storage, Storage):
            return storage
        return self[storage or DEFAULT_ALIAS]


class DefaultStorage:
    """``storages["default"]`` in the settings in force; attributes are forwarded."""

    def __getattr__(self, name: str) -> Any:
        return getattr(storages[DEFAULT_ALIAS], name)

    def __repr__(self) -> str:
        return "<DefaultStorage STORAGES['default']>"


storages = StorageHandler()
default_storage: Any = DefaultStorage()
