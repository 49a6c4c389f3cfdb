"""The exceptions every layer of the framework raises, under one root.

Each class is named for its audience: configuration problems, registry misuse, command-line
errors and missing optional dependencies. Every subclass passes its message up, so ``str()``
of any of them is never empty.
"""

from __future__ import annotations

__all__ = [
    "AppRegistryNotReady",
    "CommandError",
    "FrameworkError",
    "ImproperlyConfigured",
    "MissingDependencyError",
]


class FrameworkError(Exception):
    """Root of every exception the framework raises on purpose."""


class ImproperlyConfigured(FrameworkError):
    """A setting, an installed app or a project file is wrong: the message names which."""


class AppRegistryNotReady(FrameworkError):
    """The app registry was used before ``apps.populate()`` finished."""


class CommandError(FrameworkError):
    """A management command failed because of the user's input.

    The CLI prints the message as one line on stderr and exits with *returncode*.
    """

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


class MissingDependencyError(FrameworkError, ImportError):
    """An optional extra is needed but not installed: the message has the ``pip install`` line."""

    def __init__(self, package: str, extra: str | None = None, feature: str = "") -> None:
        target = f'"framework[{extra}]"' if extra else package
        what = f" for {feature}" if feature else ""
        super().__init__(
            f"{package!r} is required{what} but is not installed: pip install {target}"
        )
        self.package = package
        self.extra = extra
