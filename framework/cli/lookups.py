"""Look up what a command line names (an installed app), failing with one "did you mean" line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from framework.exceptions import CommandError

if TYPE_CHECKING:
    from framework.apps import AppConfig

__all__ = ["UnknownAppError", "app_config", "checked_labels"]


class UnknownAppError(CommandError, LookupError):
    """A command names an app that is not installed (a ``LookupError``, like the registry's)."""


def app_config(label: str) -> AppConfig:
    """Return the installed app *label*; an unknown label is a ``CommandError`` with a hint."""
    from framework.apps import apps

    try:
        return apps.get_app_config(label)
    except LookupError as exc:
        raise UnknownAppError(str(exc)) from None


def checked_labels(labels: Iterable[str]) -> list[str]:
    """Return *labels*, each checked to be the label of an installed app."""
    found = list(labels)
    for label in found:
        app_config(label)
    return found
