"""The CLI tests reuse the web fixture project."""

from tests.web.conftest import _isolated_registry, webproject

__all__ = ["_isolated_registry", "webproject"]
