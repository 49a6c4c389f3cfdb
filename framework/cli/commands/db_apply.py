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
    "db_downgrade",
    "db_sql",
    "db_stamp",
    "db_upgrade",
    "print_step",
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


def print_step(step: AppliedStep) -> None:
    """Print one line per migration applied, reverted or stamped, with its duration."""
    from rich.markup import escape

    from framework.cli.console import get_console

    verb = _VERBS[step.action]
    get_console().print(
        f"  [green]{verb}[/] [bold]{escape(step.app)}[/] {step.revision} "
        f"{escape(step.message)} [dim]({step.seconds * 1000:.0f} ms)[/]"
    )


def _print_summary(alias: str, action: str, steps: list[AppliedStep], started: float) -> None:
    from framework.cli.console import get_console

    console = get_console()
    if not steps:
        idle = {"apply": "is up to date", "revert": "has nothing to revert"}
        console.print(f"Database '{alias}' {idle.get(action, 'is unchanged')}.")
        return
    verb = _VERBS[action].lower()
    console.print(
        f"Database '{alias}': {verb} {len(steps)} migration(s) in "
        f"{time.perf_counter() - started:.2f} s."
    )


def _announce(alias: str, action: str, target: str) -> None:
    from framework.cli.console import get_console

    names = {"apply": "Upgrading", "revert": "Downgrading", "stamp": "Stamping"}
    get_console().print(f"[bold]{names[action]}[/] database '{alias}' to {target}:")


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
    from framework.cli.console import print_warning
    from framework.migrations import aliases_for_target, upgrade

    if not skip_checks:
        run_system_checks(quiet_ok=True)
    for alias in aliases_for_target(target, database):
        _announce(alias, "apply", target)
        started = time.perf_counter()
        steps = await upgrade(
            alias, target, report=print_step, lock_timeout=lock_timeout, on_wait=print_warning
        )
        _print_summary(alias, "apply", steps, started)


@click.command("db-downgrade")
@click.argument("target")
@database_option
@lock_timeout_option
async def db_downgrade(target: str, database: str | None, lock_timeout: float) -> None:
    """Revert migrations down to TARGET: 'blog@base', 'blog@-1', '-1' or a revision id."""
    from framework.cli.console import print_warning
    from framework.migrations import aliases_for_target, downgrade

    for alias in aliases_for_target(target, database):
        _announce(alias, "revert", target)
        started = time.perf_counter()
        steps = await downgrade(
            alias, target, report=print_step, lock_timeout=lock_timeout, on_wait=print_warning
        )
        _print_summary(alias, "revert", steps, started)


@click.command("db-stamp")
@click.argument("revision")
@database_option
@lock_timeout_option
async def db_stamp(revision: str, database: str | None, lock_timeout: float) -> None:
    """Record REVISION as applied without running migrations (fixes the version table)."""
    from framework.migrations import aliases_for_target, stamp

    for alias in aliases_for_target(revision, database):
        _announce(alias, "stamp", revision)
        started = time.perf_counter()
        steps = await stamp(alias, revision, report=print_step, lock_timeout=lock_timeout)
        _print_summary(alias, "stamp", steps, started)


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

    from framework.cli.console import print_warning
    from framework.cli.runtime import run_async

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
