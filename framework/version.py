"""The framework's version, read once from the installed package metadata."""

from __future__ import annotations

from functools import cache

__all__ = ["get_version"]


@cache
def get_version() -> str:
    """Return the installed version of the framework (from the package metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("framework")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"
