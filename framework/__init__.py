"""framework: a Django-style, async-first web framework on Starlette, SQLAlchemy and Alembic.

The top-level namespace stays tiny and lazy so ``manage.py --help`` starts fast: ``App`` is
imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from framework.apps.bootstrap import setup
from framework.version import get_version

if TYPE_CHECKING:
    from framework.web import App

__all__ = ["App", "__version__", "get_version", "setup"]

_LAZY = {"App": "framework.web"}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return get_version()
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'framework' has no attribute {name!r}")
