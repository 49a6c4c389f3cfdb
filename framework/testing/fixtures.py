"""``SettingsFixture``: what the ``settings`` pytest fixture returns."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["SettingsFixture"]


class SettingsFixture:
    """Read settings as usual; assigning one overrides it until :meth:`restore`.

    ::

        def test_debug_page(settings):
            settings.DEBUG = True
            with settings.override(ALLOWED_HOSTS=["example.com"]):
                ...
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_stack", contextlib.ExitStack())

    def __getattr__(self, key: str) -> Any:
        from framework.conf import settings

        return getattr(settings, key)

    def __setattr__(self, key: str, value: Any) -> None:
        from framework.conf import settings

        self._stack.enter_context(settings.override(**{key: value}))

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"Settings cannot be deleted; assign {key} a value instead.")

    @contextlib.contextmanager
    def override(self, **overrides: Any) -> Iterator[Any]:
        """Override *overrides* inside a ``with`` block (on top of earlier changes)."""
        from framework.conf import settings

        with settings.override(**overrides) as wrapped:
            yield wrapped

    def restore(self) -> None:
        """Undo every assignment, newest first."""
        self._stack.close()
        object.__setattr__(self, "_stack", contextlib.ExitStack())
