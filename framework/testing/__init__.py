"""Testing helpers: the pytest plugin (fixtures) and test clients."""

from __future__ import annotations

__all__: list[str] = []
