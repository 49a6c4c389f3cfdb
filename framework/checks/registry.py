"""Register system checks and run them: ``manage.py check`` and every server start."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from framework.checks.messages import CheckMessage

__all__ = ["CheckRegistry", "registry"]

CheckFunction = Callable[..., Iterable[CheckMessage]]
F = TypeVar("F", bound=CheckFunction)

#: Modules holding the framework's own checks, imported when checks first run.
BUILTIN_CHECK_MODULES = (
    "framework.conf.checks",
    "framework.apps.checks",
    "framework.conf.security",
    "framework.web.checks",
    "framework.files.checks",
    "framework.auth.checks",
    "framework.mail.checks",
    "framework.logging.checks",
    "framework.auth.jwt",
    "framework.cache.checks",
    "framework.tasks.checks",
)


class CheckRegistry:
    """Hold check functions with their tags; deployment checks run only with ``--deploy``."""

    def __init__(self) -> None:
        self._checks: list[tuple[CheckFunction, frozenset[str], bool]] = []
        self._builtins_loaded = False

    @overload
    def register(self, check: F, /, *tags: str, deploy: bool = False) -> F: ...
    @overload
    def register(
        self, check: str | None = None, /, *tags: str, deploy: bool = False
    ) -> Callable[[F], F]: ...
    def register(
        self, check: F | str | None = None, /, *tags: str, deploy: bool = False
    ) -> F | Callable[[F], F]:
        """Register *check*; usable bare (``@register``) or with tags (``@register("db")``).

        A check is called as ``check(app_configs=None)`` and returns messages; the decorator
        returns it unchanged.
        """

        def decorator(function: F) -> F:
            entry = (function, frozenset(tags), deploy)
            if entry not in self._checks:
                self._checks.append(entry)
            return function

        if callable(check):
            return decorator(check)
        if check is not None:
            tags = (check, *tags)
        return decorator

    def tags_available(self, include_deployment: bool = False) -> set[str]:
        """Return every tag of the registered checks."""
        self._load_builtins()
        return {
            tag
            for _, tags, deploy in self._checks
            if include_deployment or not deploy
            for tag in tags
        }

    def run_checks(
        self,
        app_configs: list[Any] | None = None,
        tags: Iterable[str] | None = None,
        include_deployment: bool = False,
    ) -> list[CheckMessage]:
        """Run the checks (filtered by *tags*) and return their messages in order."""
        self._load_builtins()
        wanted = set(tags or ())
        messages: list[CheckMessage] = []
        for function, check_tags, deploy in self._checks:
            if deploy and not include_deployment:
                continue
            if wanted and not wanted & check_tags:
                continue
            found = function(app_configs=app_configs)
            messages.extend(found)
        return messages

    def _load_builtins(self) -> None:
        if self._builtins_loaded:
            return
        self._builtins_loaded = True
        import importlib

        for module in BUILTIN_CHECK_MODULES:
            importlib.import_module(module)


registry = CheckRegistry()
