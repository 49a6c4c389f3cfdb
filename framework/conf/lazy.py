"""The ``settings`` object: loads the project's settings on first use, overridable in tests."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from framework.conf.settings import Setting, Settings
from framework.conf.standalone import standalone_settings
from framework.exceptions import ImproperlyConfigured

__all__ = ["ENVIRONMENT_VARIABLE", "LazySettings"]

ENVIRONMENT_VARIABLE = "FRAMEWORK_SETTINGS_MODULE"


class LazySettings:
    """Proxy to the project's :class:`Settings`, loaded the first time a setting is read.

    Without ``FRAMEWORK_SETTINGS_MODULE`` (a small service built with ``App()``), the
    framework defaults apply, plus whatever :meth:`configure` was given, under the ``.env``
    file and the environment (:mod:`framework.conf.standalone`).
    """

    _wrapped: Settings | None
    _lock: threading.Lock

    def __init__(self) -> None:
        object.__setattr__(self, "_wrapped", None)
        object.__setattr__(self, "_lock", threading.Lock())

    def _setup(self) -> Settings:
        with self._lock:
            wrapped = self._wrapped
            if wrapped is None:
                module = os.environ.get(ENVIRONMENT_VARIABLE)
                wrapped = (
                    Settings.from_module(module) if module else standalone_settings(os.environ)
                )
                object.__setattr__(self, "_wrapped", wrapped)
            return wrapped

    @property
    def wrapped(self) -> Settings:
        """Return the loaded :class:`Settings`, loading them now if needed."""
        return self._wrapped if self._wrapped is not None else self._setup()

    @property
    def configured(self) -> bool:
        """Return whether settings were already loaded or configured."""
        return self._wrapped is not None

    def __getattr__(self, key: str) -> Any:
        return getattr(self.wrapped, key)

    def __setattr__(self, key: str, value: Any) -> None:
        raise ImproperlyConfigured(
            f"Settings are read-only: use settings.override({key}=...) or the 'settings' "
            "test fixture to change them."
        )

    def __contains__(self, key: object) -> bool:
        return key in self.wrapped

    def configure(self, **options: Any) -> None:
        """Use *options* instead of a settings module; must run before the first read."""
        if self._wrapped is not None:
            raise ImproperlyConfigured("Settings are already loaded; configure() must come first.")
        object.__setattr__(self, "_wrapped", Settings.from_options(environ=os.environ, **options))

    def use(self, wrapped: Settings) -> None:
        """Serve *wrapped* from now on (a standalone ``App(env_file=...)`` builds its own)."""
        object.__setattr__(self, "_wrapped", wrapped)

    def reset(self) -> None:
        """Forget the loaded settings so the next read loads them again (tests, reloads)."""
        object.__setattr__(self, "_wrapped", None)

    def get(self, key: str, default: Any = None, cast: Any = None) -> Any:
        """Return *key*'s value or *default*; see :meth:`Settings.get`."""
        return self.wrapped.get(key, default, cast)

    def require(self, key: str, cast: Any = None) -> Any:
        """Return *key*'s value or raise naming where to set it; see :meth:`Settings.require`."""
        return self.wrapped.require(key, cast)

    def items(self) -> list[Setting]:
        """Return every resolved setting with its source."""
        return self.wrapped.items()

    @contextmanager
    def override(self, **overrides: Any) -> Iterator[Settings]:
        """Temporarily replace settings (``with settings.override(DEBUG=True): ...``)."""
        previous = self.wrapped
        overridden = previous.with_overrides(overrides)
        object.__setattr__(self, "_wrapped", overridden)
        try:
            yield overridden
        finally:
            object.__setattr__(self, "_wrapped", previous)
