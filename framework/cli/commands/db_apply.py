"""``db-upgrade``, ``db-downgrade``, ``db-stamp`` and ``db-sql``: move databases between revisions.

Heavy imports (SQLAlchemy, Alembic) happen inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from framework.migrations import AppliedStep

__all__ = [
    "Progress",
    "db_downgrade",
    "db_sql",
    "db_stamp",
    "db_upgrade",
    "warn_unapplied_migrations",
]

_VERBS = {"apply": "Applied", "revert": "Reverted", "stamp": "Stamped"}

database_option = click.option(
    "--database", "-d", metavar="ALIAS", help="Only this database (default: every one)."
)
lock_timeout_option = click.option(
    "--lock-timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds to wait while another process migrates the same database.",
)


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


@click.command("db-upgrade")
@click.argument("target", required=False, default="heads")
@database_option
@lock_timeout_option
@click.option("--skip-checks", is_flag=True, help="Do not run the system checks first.")
async def db_upgrade(
    target: str, database: str | None, lock_timeout: float, skip_checks: bool
) -> None:
    """Apply migrations up to TARGET (default: every app's head, in dependency order)."""
    from framework.cli.commands.check import run_system_checks
    from framework.console import print_warning
    from framework.migrations import aliases_for_target, upgrade

    if not skip_checks:
        run_system_checks(quiet_ok=True)
    for alias in aliases_for_target(target, database):
        progress = Progress(alias, "apply", target)
        await upgrade(
            alias, target, report=progress.step, lock_timeout=lock_timeout, on_wait=print_warning
        )
        progress.summary()


@click.command("db-downgrade")
@click.argument("target")
@database_option
@lock_timeout_option
async def db_downgrade(target: str, database: str | None, lock_timeout: float) -> None:
    """Revert migrations down to TARGET: 'blog@base', 'blog@-1', '-1' or a revision id."""
    from framework.console import print_warning
    from framework.migrations import aliases_for_target, downgrade

    for alias in aliases_for_target(target, database):
        progress = Progress(alias, "revert", target)
        await downgrade(
            alias, target, report=progress.step, lock_timeout=lock_timeout, on_wait=print_warning
        )
        progress.summary()


@click.command("db-stamp")
@click.argument("revision")
@database_option
@lock_timeout_option
async def db_stamp(revision: str, database: str | None, lock_timeout: float) -> None:
    """Record REVISION as applied without running migrations (fixes the version table)."""
    from framework.migrations import aliases_for_target, stamp

    for alias in aliases_for_target(revision, database):
        progress = Progress(alias, "stamp", revision)
        await stamp(alias, revision, report=progress.step, lock_timeout=lock_timeout)
        progress.summary()


@click.command("db-sql")
@click.argument("target", required=False, default="heads")
@database_option
async def db_sql(target: str, database: str | None) -> None:
    """Print the SQL of the migrations up to TARGET ('FROM:TO' for a range); changes nothing."""
    from framework.db import engines
    from framework.migrations import aliases_for_target, load_scripts
    from framework.migrations.sql import migration_sql

    start, _, end = target.rpartition(":")
    for alias in aliases_for_target(end, database):
        sql = await migration_sql(engines.config(alias), load_scripts(alias), end, start or None)
        click.echo(f"-- Database '{alias}'")
        click.echo(sql, nl=False)


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

    ``runserver`` calls this before it starts, like Django's.
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
