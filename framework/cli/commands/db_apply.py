"""``db-upgrade``, ``db-downgrade``, ``db-stamp`` and ``db-sql``: move databases between revisions.

Heavy imports (SQLAlchemy, Alembic) happen inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import click

from framework.cli.migration_report import Progress
from framework.cli.options import database_option, lock_timeout_option

__all__ = ["db_downgrade", "db_sql", "db_stamp", "db_upgrade"]


@click.command("db-upgrade")
@click.argument("target", required=False, default="heads")
@database_option
@lock_timeout_option
async def db_upgrade(target: str, database: str | None, lock_timeout: float) -> None:
    """Apply migrations up to TARGET (default: every app's head, in dependency order)."""
    from framework.console import print_warning
    from framework.migrations import aliases_for_target, upgrade

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
@click.option(
    "--from",
    "start",
    metavar="REVISION",
    help="Start here ('base' for every migration) instead of where the database stands.",
)
@database_option
async def db_sql(target: str, start: str | None, database: str | None) -> None:
    """Print the SQL db-upgrade would run up to TARGET (pending migrations only); changes nothing.

    'FROM:TO' as TARGET, or --from, sets the start; '--from base' prints every migration.
    """
    from framework.db import engines
    from framework.migrations import aliases_for_target, load_scripts, plan
    from framework.migrations.database import current_revisions
    from framework.migrations.sql import migration_sql

    given, _, end = target.rpartition(":")
    start = start or given or None
    for alias in aliases_for_target(end, database):
        scripts = load_scripts(alias)
        click.echo(f"-- Database '{alias}'")
        if start is None:
            if not await plan(alias, end):
                click.echo("-- nothing to apply")
                continue
            applied = scripts.database_heads(await current_revisions(alias))
            origin: str | tuple[str, ...] | None = applied or None
        else:
            origin = None if start == "base" else start
        click.echo(await migration_sql(engines.config(alias), scripts, end, origin), nl=False)
