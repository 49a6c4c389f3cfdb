"""Find the commands of installed apps (``<app>/commands.py``) and of entry points.

Sources, in order: built-ins, each installed app, the ``framework.commands`` entry-point
group. A name defined by two sources is an error naming both.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

import click

from framework.exceptions import CommandError, ImproperlyConfigured

__all__ = ["DiscoveredCommand", "commands_in_module", "discover_commands"]

ENTRY_POINT_GROUP = "framework.commands"


class DiscoveredCommand:
    """A command found outside the built-ins, with a description of where it came from."""

    def __init__(self, command: click.Command, source: str) -> None:
        self.command = command
        self.source = source


def commands_in_module(module: ModuleType) -> list[click.Command]:
    """Return the top-level click commands of an app's ``commands`` module.

    A module-level ``commands = [...]`` list is used as given. Otherwise every click command
    defined in the module is taken, except subcommands of a group defined there too.
    """
    explicit = getattr(module, "commands", None)
    if explicit is not None:
        if not all(isinstance(command, click.Command) for command in explicit):
            raise ImproperlyConfigured(
                f"{module.__name__}.commands must be a list of click commands."
            )
        return list(explicit)
    defined = [
        value
        for value in vars(module).values()
        if isinstance(value, click.Command)
        and getattr(value.callback, "__module__", module.__name__) == module.__name__
    ]
    nested = {
        id(sub) for value in defined if isinstance(value, click.Group) for sub in _walk(value)
    }
    return [command for command in defined if id(command) not in nested]


def _walk(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for sub in group.commands.values():
        found.append(sub)
        if isinstance(sub, click.Group):
            found.extend(_walk(sub))
    return found


def _add(
    found: dict[str, DiscoveredCommand], builtins: set[str], name: str, item: DiscoveredCommand
) -> None:
    if name in builtins:
        raise CommandError(
            f"Command {name!r} is defined twice: by the built-in commands and by {item.source}."
        )
    if name in found:
        raise CommandError(
            f"Command {name!r} is defined twice: by {found[name].source} and by {item.source}."
        )
    found[name] = item


def _entry_points() -> list[Any]:
    """Return the entry points of the command group (none without importing importlib.metadata).

    Loading importlib.metadata and parsing every distribution's metadata costs about a tenth
    of ``manage.py --help``; a plain text scan of the ``entry_points.txt`` files on sys.path
    tells first whether any distribution declares the group at all.
    """
    if not _may_declare(f"[{ENTRY_POINT_GROUP}]"):
        return []
    from importlib.metadata import entry_points

    return list(entry_points(group=ENTRY_POINT_GROUP))


def _may_declare(section: str) -> bool:
    """Return False only when no distribution on sys.path has *section* in entry_points.txt."""
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except NotADirectoryError:
            return True  # a zip archive: only importlib.metadata can read it
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder or ".", name, "entry_points.txt"), "rb") as file:
                    if section.encode() in file.read():
                        return True
            except OSError:
                continue
    return False


def discover_commands(builtins: set[str], with_apps: bool) -> dict[str, DiscoveredCommand]:
    """Return app commands (when *with_apps*) and entry-point commands, by name."""
    found: dict[str, DiscoveredCommand] = {}
    if with_apps:
        from framework.apps import apps

        apps.populate_configs()
        for config in apps.get_app_configs():
            module = config.import_module("commands")
            if module is None:
                continue
            for command in commands_in_module(module):
                name = command.name or ""
                _add(found, builtins, name, DiscoveredCommand(command, f"app {config.label!r}"))
    for entry_point in _entry_points():
        source = f"entry point {entry_point.name!r} ({entry_point.value})"
        try:
            command = entry_point.load()
        except Exception as exc:
            raise ImproperlyConfigured(
                f"The {source} failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(command, click.Command):
            raise ImproperlyConfigured(f"The {source} is not a click command.")
        _add(found, builtins, entry_point.name, DiscoveredCommand(command, source))
    return found
