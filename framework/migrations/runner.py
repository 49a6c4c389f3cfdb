"""Apply, revert and stamp migrations on one database: Alembic's env, inside the framework.

Guarantees, whatever the backend:

- each migration runs in its own transaction together with its version-table row, so a
  failure (or a kill) leaves the database at exactly the revision before it; on SQLite the
  DDL is made transactional too (see :mod:`framework.db.sqlite`);
- nothing runs before the plan is known to be sound: a revision recorded in the database
  that no file defines is refused before the first statement;
- on SQLite, foreign keys are off while migrations run, so a batch rebuild of a parent table
  never cascades into its children, and ``PRAGMA foreign_key_check`` must pass before each
  migration commits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, MigrationStep, RevisionStep, StampStep
from alembic.script.revision import RevisionError
from alembic.util import CommandError as AlembicCommandError
from alembic.util import to_tuple
from sqlalchemy.engine import Connection

from framework.db.config import DatabaseConfig
from framework.db.sqlite import foreign_key_violations, set_foreign_keys
from framework.migrations.internals import downgrade_steps, stamp_steps, upgrade_steps
from framework.migrations.scripts import MigrationError, MigrationScripts

__all__ = ["Action", "AppliedStep", "Reporter", "current_heads", "run_migrations"]

#: What a run does to each migration on its way: run it forward, run it back, or only
#: record it in the version table.
Action = Literal["apply", "revert", "stamp"]


@dataclass(frozen=True)
class AppliedStep:
    """One migration applied, reverted or stamped, with how long it took."""

    action: Action
    app: str
    revision: str
    message: str
    seconds: float


Reporter = Callable[[AppliedStep], None]


def current_heads(connection: Connection) -> tuple[str, ...]:
    """Return the revisions recorded in the database's version table (none if it is new)."""
    return MigrationContext.configure(connection).get_current_heads()


def _adopt_squashes(connection: Connection, scripts: MigrationScripts) -> None:
    """Record a squashed migration in place of the whole range it replaces, once.

    A database that ran every replaced migration has the schema the squash builds, so only
    its version row changes (see :mod:`framework.migrations.squash`).
    """
    from sqlalchemy import column, table

    outside = not connection.in_transaction()
    heads = current_heads(connection)
    moves = [
        (old, new)
        for old, new in zip(heads, scripts.database_heads(heads), strict=True)
        if old != new
    ]
    versions = table("alembic_version", column("version_num"))
    for old, new in moves:
        connection.execute(
            versions.update().where(versions.c.version_num == old).values(version_num=new)
        )
    if outside and moves:
        connection.commit()
    elif outside:
        connection.rollback()


def _plan(scripts: MigrationScripts, action: Action, target: str) -> Callable[..., Any]:
    directory = scripts.directory

    def plan(heads: Any, context: MigrationContext) -> list[MigrationStep]:
        scripts.check_database_heads(heads)
        if action == "apply":
            return list(upgrade_steps(directory, target, heads))
        if action == "revert":
            return list(downgrade_steps(directory, target, heads))
        return list(stamp_steps(directory, to_tuple(target), heads))

    return plan


class _Progress:
    """Track the running step (to name it in errors) and report each one that finishes."""

    def __init__(self, scripts: MigrationScripts, action: Action, report: Reporter | None) -> None:
        self.scripts = scripts
        self.action = action
        self.report = report
        self.step: MigrationStep | None = None
        self.started = time.perf_counter()
        self.done: list[AppliedStep] = []

    def wrap(self, plan: Callable[..., list[MigrationStep]]) -> Callable[..., Iterator[Any]]:
        def steps(heads: Any, context: MigrationContext) -> Iterator[MigrationStep]:
            for step in plan(heads, context):
                self.step = step
                self.started = time.perf_counter()
                yield step
            self.step = None

        return steps

    def finished(self, connection: Connection | None) -> None:
        step = self.step
        if connection is not None and isinstance(step, RevisionStep):
            _refuse_dangling_rows(connection, self.scripts, step)
        revision, message = self.revision_and_message(step)
        applied = AppliedStep(
            action=self.action,
            app=self.scripts.app_of(revision) if revision else "",
            revision=revision,
            message=message,
            seconds=time.perf_counter() - self.started,
        )
        self.done.append(applied)
        if self.report is not None:
            self.report(applied)

    def revision_and_message(self, step: MigrationStep | None) -> tuple[str, str]:
        if isinstance(step, RevisionStep):
            return step.revision.revision, (step.revision.doc or "").strip()
        if not isinstance(step, StampStep):
            return "", ""
        # A stamp adds (upgrade) or removes (downgrade) its "up" revision in the table.
        info = step.info
        return info.up_revision_id or "", "recorded" if info.is_upgrade else "unrecorded"

    def failure(self, exc: BaseException) -> MigrationError:
        if isinstance(exc, MigrationError):
            return exc
        if isinstance(exc, (AlembicCommandError, RevisionError)):
            return MigrationError(f"Database {self.scripts.alias!r}: {exc}")
        if isinstance(self.step, RevisionStep):
            name = self.scripts.describe(self.step.revision)
            verb = "upgrade" if self.step.is_upgrade else "downgrade"
            return MigrationError(
                f"Migration {name!r} failed and was rolled back ({verb}; "
                f"{self.step.revision.path}): {type(exc).__name__}: {exc}"
            )
        return MigrationError(
            f"Migrations on database {self.scripts.alias!r} failed: {type(exc).__name__}: {exc}"
        )


def _refuse_dangling_rows(
    connection: Connection, scripts: MigrationScripts, step: RevisionStep
) -> None:
    violations = foreign_key_violations(connection)
    if violations:
        raise MigrationError(
            f"Migration {scripts.describe(step.revision)!r} was rolled back: it leaves rows "
            f"whose foreign key points nowhere ({'; '.join(violations)}); fix the data in the "
            "migration, then run it again."
        )


def run_migrations(
    connection: Connection,
    scripts: MigrationScripts,
    config: DatabaseConfig,
    action: Action,
    target: str,
    report: Reporter | None = None,
) -> list[AppliedStep]:
    """Run the migrations that take *connection* to *target*; return what was done.

    *action* is ``"apply"``, ``"revert"`` or ``"stamp"``. Given a connection outside a
    transaction, each migration gets its own; given one inside a transaction (the scratch
    database of ``db-check``), everything joins it.
    """
    from framework.db.models import metadata

    _adopt_squashes(connection, scripts)
    progress = _Progress(scripts, action, report)
    sqlite_guard = config.is_sqlite and not connection.in_transaction() and action != "stamp"
    if sqlite_guard:
        set_foreign_keys(connection, False)
    try:
        with EnvironmentContext(
            Config(), scripts.directory, fn=progress.wrap(_plan(scripts, action, target))
        ) as environment:
            environment.configure(
                connection=connection,
                target_metadata=metadata,
                transaction_per_migration=True,
                transactional_ddl=True,
                render_as_batch=True,
                on_version_apply=lambda **kw: progress.finished(
                    connection if sqlite_guard else None
                ),
            )
            with environment.begin_transaction():
                environment.run_migrations()
    except Exception as exc:
        raise progress.failure(exc) from exc
    finally:
        if sqlite_guard:
            if connection.in_transaction():
                connection.rollback()
            set_foreign_keys(connection, True)
    return progress.done
