"""Migrate a database: upgrade, downgrade, stamp, and read where it stands.

These are the operations behind the ``db-*`` commands, callable from code and tests::

    await upgrade("default")                 # every app's head, in dependency order
    await downgrade("default", "shop@base")  # only shop's migrations are reverted

Writes hold the migration lock (:mod:`framework.migrations.locking`) and run on an engine of
their own without a pool, so a connection with foreign keys switched off never reaches the
application's pool.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from alembic.script import Script
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from framework.db.config import DatabaseConfig
from framework.migrations.internals import upgrade_steps
from framework.migrations.locking import migration_lock
from framework.migrations.runner import (
    Action,
    AppliedStep,
    Reporter,
    current_heads,
    run_migrations,
)
from framework.migrations.scripts import MigrationError, MigrationScripts

__all__ = [
    "AppState",
    "aliases_for_target",
    "current",
    "database_aliases",
    "downgrade",
    "load_scripts",
    "migration_engine",
    "pending",
    "plan",
    "stamp",
    "upgrade",
]

# Engine options that configure a pool; the migration engine has none.
_POOL_OPTIONS = {"pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pool_pre_ping"}


@dataclass(frozen=True)
class AppState:
    """Where one app stands on a database: its applied revision and its head."""

    app: str
    current: str | None
    head: str | None
    message: str

    @property
    def up_to_date(self) -> bool:
        """Return whether the app's head is applied."""
        return self.current == self.head


def database_aliases(selected: str | None = None) -> list[str]:
    """Return the aliases that have migrations or models (*selected* only, if given)."""
    from framework.db import engines
    from framework.migrations.locations import migration_sets

    if selected is not None:
        engines.config(selected)  # an unknown alias raises, naming the known ones
        return [selected]
    return list(migration_sets())


def _is_symbolic(target: str) -> bool:
    return target in ("heads", "head", "base") or re.fullmatch(r"[+-]\d+", target) is not None


def aliases_for_target(target: str, selected: str | None = None) -> list[str]:
    """Return the databases a command on revision *target* applies to.

    ``heads``, ``base`` and relative steps apply to every database (or *selected*); an app
    target (``blog@head``) or a revision id to the databases that know it.
    """
    aliases = database_aliases(selected)
    if selected is not None or len(aliases) <= 1 or _is_symbolic(target):
        return aliases
    label, at, _ = target.partition("@")
    matched = []
    for alias in aliases:
        scripts = load_scripts(alias, check_heads=False)
        if (at and label in scripts.by_label) or (not at and scripts.knows(target)):
            matched.append(alias)
    if not matched:
        raise MigrationError(
            f"No migration {target!r} on any database ({', '.join(aliases)}); "
            "see 'python manage.py db-history'."
        )
    return matched


def load_scripts(alias: str, *, check_heads: bool = True) -> MigrationScripts:
    """Return the vetted migration files of database *alias*.

    *check_heads* False allows apps with several heads (what ``db-merge`` is for).
    """
    from framework.migrations.locations import migration_sets

    return MigrationScripts(alias, migration_sets().get(alias, []), check_heads=check_heads)


@asynccontextmanager
async def migration_engine(config: DatabaseConfig) -> AsyncIterator[AsyncEngine]:
    """Yield an engine for migrating *config*'s database, disposed at the end.

    An in-memory SQLite database only exists inside the application's engine, so that
    one is used as it is.
    """
    from framework.db import engines
    from framework.db.engines import create_engine

    if config.is_sqlite and config.sqlite_path is None:
        yield engines.get(config.alias)
        return
    options = {key: value for key, value in config.options.items() if key not in _POOL_OPTIONS}
    engine = create_engine(
        DatabaseConfig(config.alias, config.url, options, config.pragmas), poolclass=NullPool
    )
    try:
        yield engine
    finally:
        await engine.dispose()


async def _run(
    alias: str,
    action: Action,
    target: str,
    report: Reporter | None,
    lock_timeout: float,
    on_wait: Callable[[str], None] | None,
) -> list[AppliedStep]:
    from framework.db import engines

    scripts = load_scripts(alias)
    config = engines.config(alias)
    _refuse_missing_sqlite(config, create=action != "revert")
    async with (
        migration_engine(config) as engine,
        migration_lock(config, engine, timeout=lock_timeout, on_wait=on_wait),
        engine.connect() as connection,
    ):
        return await connection.run_sync(run_migrations, scripts, config, action, target, report)


def _refuse_missing_sqlite(config: DatabaseConfig, *, create: bool) -> None:
    """Refuse a SQLite path that looks mistyped instead of creating a database there.

    An upgrade or stamp may create the file (a new project's first run), never its folder;
    a downgrade needs the file to exist already.
    """
    path = config.sqlite_path
    if path is None or path.exists():
        return
    where = f"Database {config.alias!r} is the SQLite file '{path}'"
    if not path.parent.is_dir():
        raise MigrationError(
            f"{where}, but the folder '{path.parent}' does not exist: fix the path in DATABASES "
            "(or DATABASE_URL), or create the folder to start a new database there."
        )
    if not create:
        raise MigrationError(
            f"{where}, which does not exist: fix the path in DATABASES (or DATABASE_URL), or run "
            "'python manage.py db-upgrade' to create it."
        )


async def upgrade(
    alias: str = "default",
    target: str = "heads",
    *,
    report: Reporter | None = None,
    lock_timeout: float = 300.0,
    on_wait: Callable[[str], None] | None = None,
) -> list[AppliedStep]:
    """Apply migrations up to *target* (default: every app's head) on database *alias*."""
    return await _run(alias, "apply", target, report, lock_timeout, on_wait)


async def downgrade(
    alias: str,
    target: str,
    *,
    report: Reporter | None = None,
    lock_timeout: float = 300.0,
    on_wait: Callable[[str], None] | None = None,
) -> list[AppliedStep]:
    """Revert migrations down to *target* (``blog@base``, ``blog@-1``, a revision id)."""
    return await _run(alias, "revert", target, report, lock_timeout, on_wait)


async def stamp(
    alias: str,
    target: str,
    *,
    report: Reporter | None = None,
    lock_timeout: float = 300.0,
) -> list[AppliedStep]:
    """Record *target* in the version table without running any migration."""
    return await _run(alias, "stamp", target, report, lock_timeout, None)


async def current_revisions(alias: str) -> tuple[str, ...]:
    """Return the revisions recorded in database *alias* (read-only; no lock).

    A SQLite file that does not exist has none, and is not created by looking.
    """
    from framework.db import engines

    config = engines.config(alias)
    if config.sqlite_path is not None and not config.sqlite_path.exists():
        return ()
    async with (
        migration_engine(config) as engine,
        engine.connect() as connection,
    ):
        return await connection.run_sync(current_heads)


async def current(alias: str) -> list[AppState]:
    """Return, for every app with migrations on *alias*, its applied revision and head."""
    scripts = load_scripts(alias)
    heads = scripts.database_heads(await current_revisions(alias))
    scripts.check_database_heads(heads)
    applied = scripts.applied_by_app(heads)
    states = []
    for label, head_list in scripts.heads_by_app().items():
        revision = applied.get(label)
        doc = scripts.get(revision).doc if revision else ""
        states.append(AppState(label, revision, head_list[0] if head_list else None, doc or ""))
    return states


async def pending(alias: str) -> list[tuple[str, Script]]:
    """Return ``(app, migration)`` for each migration of *alias* not applied yet, oldest first."""
    scripts = load_scripts(alias)
    heads = scripts.database_heads(await current_revisions(alias))
    scripts.check_database_heads(heads)
    done = scripts.applied(heads)
    todo = [
        (scripts.app_of(script.revision), script)
        for script in scripts.revisions()
        if script.revision not in done
    ]
    return list(reversed(todo))


async def plan(alias: str, target: str = "heads") -> list[tuple[str, Script]]:
    """Return ``(app, migration)`` in the order ``upgrade(alias, target)`` would apply them."""
    scripts = load_scripts(alias)
    heads = scripts.database_heads(await current_revisions(alias))
    scripts.check_database_heads(heads)
    with scripts.translate_errors():
        steps = upgrade_steps(scripts.directory, target, heads)
    return [(scripts.app_of(step.revision.revision), step.revision) for step in steps]
