"""Apps that ship with the framework and install like any other (``framework.contrib.auth``)."""

from __future__ import annotations

__all__: list[str] = []
