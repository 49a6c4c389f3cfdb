"""framework: a Django-style, async-first web framework on Starlette, SQLAlchemy and Alembic.

The top-level namespace stays tiny and lazy so ``manage.py --help`` starts fast: names below
are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.web import App

__all__ = ["App", "__version__", "get_version", "setup"]

_LAZY = {"App": "framework.web"}


def get_version() -> str:
    """Return the installed version of the framework (from the package metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("framework")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def setup() -> None:
    """Load settings and populate the app registry (what ``manage.py`` does before a command)."""
    from framework.apps import apps
    from framework.conf import settings

    settings.wrapped  # noqa: B018 - load settings first so their errors come first
    apps.populate()


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return get_version()
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'framework' has no attribute {name!r}")
