"""What the migration commands print: a line per migration, and unapplied-migration warnings."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framework.migrations import AppliedStep

__all__ = ["Progress", "warn_unapplied_migrations"]

_VERBS = {"apply": "Applied", "revert": "Reverted", "stamp": "Stamped"}


class Progress:
    """Print a header before the first migration, a line per migration, then a summary.

    Nothing is printed before the first migration runs, so a refusal (two heads, an unknown
    revision) is the only line the user sees.
    """

    _HEADERS = {"apply": "Upgrading", "revert": "Downgrading", "stamp": "Stamping"}

    def __init__(self, alias: str, action: str, target: str) -> None:
        self.alias = alias
        self.action = action
        self.target = target
        self.count = 0
        self.started = time.perf_counter()

    def step(self, step: AppliedStep) -> None:
        """Print one line for a migration applied, reverted or stamped, with its duration."""
        from rich.markup import escape

        from framework.console import get_console

        console = get_console()
        if not self.count:
            header = self._HEADERS[self.action]
            console.print(f"[bold]{header}[/] database '{self.alias}' to {escape(self.target)}:")
        self.count += 1
        console.print(
            f"  [green]{_VERBS[step.action]}[/] [bold]{escape(step.app)}[/] {step.revision} "
            f"{escape(step.message)} [dim]({step.seconds * 1000:.0f} ms)[/]"
        )

    def summary(self) -> None:
        """Print how many migrations ran and how long it took (or that none had to)."""
        from framework.console import get_console

        if not self.count:
            idle = {"apply": "is up to date", "revert": "has nothing to revert"}
            get_console().print(f"Database '{self.alias}' {idle.get(self.action, 'is unchanged')}.")
            return
        elapsed = time.perf_counter() - self.started
        get_console().print(
            f"Database '{self.alias}': {_VERBS[self.action].lower()} {self.count} "
            f"migration(s) in {elapsed:.2f} s."
        )


async def _unapplied() -> list[tuple[str, int, list[str]]]:
    from framework.migrations import database_aliases, pending

    found = []
    for alias in database_aliases():
        todo = await pending(alias)
        if todo:
            found.append((alias, len(todo), sorted({app for app, _ in todo})))
    return found


def warn_unapplied_migrations(timeout: float = 10.0) -> None:
    """Warn (never fail) about migrations not applied yet, naming the command to run.

    ``runserver`` and ``serve`` call this before they start, like Django's ``runserver``.
    """
    import asyncio

    from framework.cli.runtime import run_async
    from framework.console import print_warning

    try:
        found = run_async(asyncio.wait_for, _unapplied(), timeout)
    except Exception as exc:
        print_warning(f"Could not check for unapplied migrations: {type(exc).__name__}: {exc}")
        return
    for alias, count, apps in found:
        print_warning(
            f"{count} unapplied migration(s) on database '{alias}' (app(s): {', '.join(apps)}); "
            "the project may not work properly until you run 'python manage.py db-upgrade'."
        )
