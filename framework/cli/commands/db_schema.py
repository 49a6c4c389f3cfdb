"""``db-migrate``, ``db-merge`` and ``db-check``: keep the migrations in step with the models."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from framework.cli.lookups import checked_labels
from framework.cli.options import database_option

if TYPE_CHECKING:
    from framework.migrations.writer import MigrationPlan

__all__ = ["db_check", "db_merge", "db_migrate", "db_squash"]


def _aliases_for(labels: list[str], database: str | None) -> list[str]:
    """Return the databases to work on: every one, or those where *labels* have folders."""
    from framework.exceptions import CommandError
    from framework.migrations import database_aliases, load_scripts

    aliases = database_aliases(database)
    if not labels:
        return aliases
    found = [
        alias
        for alias in aliases
        if set(labels) & set(load_scripts(alias, check_heads=False).by_label)
    ]
    if not found:
        shown = ", ".join(repr(label) for label in labels)
        raise CommandError(f"App(s) {shown} have no models or migrations to work on.")
    return found


def _print_plan(plan: MigrationPlan) -> int:
    from rich.markup import escape

    from framework.console import get_console, print_warning

    console = get_console()
    for written in plan.written:
        console.print(
            f"[green]Created[/] {escape(_shown(written.path))} "
            f"([bold]{written.app}[/] {written.revision})"
        )
        for change in written.changes:
            console.print(f"  - {escape(change)}")
        if written.depends_on:
            console.print(f"  depends on {', '.join(written.depends_on)}")
        for line in written.destructive:
            print_warning(
                f"{written.app} {written.revision} will {line}: data is lost when it runs; "
                "review the migration before applying it."
            )
    for label, changes in plan.skipped.items():
        print_warning(
            f"App {label!r} is installed from a package and its models differ from the "
            f"migrations it ships ({'; '.join(changes)}); upgrade the package."
        )
    return len(plan.written)


def _shown(path: object) -> str:
    from pathlib import Path

    try:
        return str(Path(str(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.command("db-migrate")
@click.argument("apps", nargs=-1)
@click.option("--message", "-m", help="What the migration does (names the file).")
@click.option("--empty", is_flag=True, help="Write an empty migration to fill in by hand.")
@database_option
async def db_migrate(
    apps: tuple[str, ...], message: str | None, empty: bool, database: str | None
) -> None:
    """Autogenerate migrations for the changed apps (or only APPS), each in its own folder."""
    from framework.console import get_console
    from framework.migrations import load_scripts
    from framework.migrations.writer import make_migrations, write_empty

    labels = checked_labels(apps)
    written = 0
    for alias in _aliases_for(labels, database):
        scripts = load_scripts(alias)
        wanted = [label for label in labels if label in scripts.by_label]
        if labels and not wanted:
            continue
        if empty:
            plan = write_empty(scripts, wanted, message or "empty")
        else:
            plan = await make_migrations(scripts, wanted, message)
        written += _print_plan(plan)
    if not written:
        get_console().print("No changes detected.")


@click.command("db-merge")
@click.argument("apps", nargs=-1)
@click.option("--message", "-m", default="merge", show_default=True, help="Message of the merge.")
@database_option
def db_merge(apps: tuple[str, ...], message: str, database: str | None) -> None:
    """Join the heads of APPS (default: every app with several) into one."""
    from framework.console import get_console
    from framework.migrations import load_scripts
    from framework.migrations.writer import merge_heads

    labels = checked_labels(apps)
    written = 0
    for alias in _aliases_for(labels, database):
        scripts = load_scripts(alias, check_heads=False)
        wanted = [label for label in labels if label in scripts.by_label]
        if labels and not wanted:
            continue
        written += _print_plan(merge_heads(scripts, wanted, message))
    if not written:
        get_console().print("No app has several heads; nothing to merge.")


@click.command("db-check")
@database_option
async def db_check(database: str | None) -> None:
    """Exit 1 when the models and the migrations differ (the check for CI), naming how."""
    from framework.console import get_console
    from framework.db import engines
    from framework.exceptions import CommandError
    from framework.migrations import database_aliases, load_scripts
    from framework.migrations.autogenerate import compare
    from framework.migrations.locations import owned_tables

    console = get_console()
    differences: list[str] = []
    packaged: list[str] = []
    for alias in database_aliases(database):
        scripts = load_scripts(alias)
        found = await compare(engines.config(alias), scripts, owned_tables(alias, scripts.entries))
        for label, changes in found.items():
            local = scripts.by_label[label].local if label in scripts.by_label else True
            (differences if local else packaged).extend(
                f"{label}: {change}" for change in changes.changes
            )
            for change in changes.changes:
                console.print(f"[red]{alias}[/] {label}: {change}", markup=True)
    if differences:
        raise CommandError(
            f"Models and migrations differ ({'; '.join(differences)}): run "
            "'python manage.py db-migrate' to create the missing migration(s)."
        )
    if packaged:
        raise CommandError(
            f"Models and migrations of an installed package differ ({'; '.join(packaged)}): "
            "its migrations come with it, so upgrade the package (pip install -U ...) rather "
            "than running db-migrate."
        )
    console.print("No changes: the models match the migrations.")


@click.command("db-squash")
@click.argument("app")
@click.argument("revisions", nargs=-1, required=True, metavar="[FROM] TO")
@click.option("--message", "-m", help="What the squashed migration does (names the file).")
@database_option
def db_squash(
    app: str, revisions: tuple[str, ...], message: str | None, database: str | None
) -> None:
    """Replace APP's migrations FROM (default: its first) to TO with one migration.

    Works whether or not the range is applied: a database that ran it all is recognised.
    """
    from framework.cli.runtime import run_async
    from framework.console import get_console
    from framework.exceptions import CommandError
    from framework.migrations import load_scripts
    from framework.migrations.database import current_revisions
    from framework.migrations.squash import squash_migrations
    from framework.migrations.writer import MigrationPlan

    if len(revisions) > 2:
        raise click.UsageError("Give at most two revisions: [FROM] TO.")
    start, end = (None, revisions[0]) if len(revisions) == 1 else revisions
    labels = checked_labels((app,))
    aliases = _aliases_for(labels, database)
    if len(aliases) > 1:
        raise CommandError(
            f"App {app!r} has migrations on several databases ({', '.join(aliases)}); "
            "choose one with --database."
        )
    recorded = run_async(current_revisions, aliases[0])
    written = squash_migrations(load_scripts(aliases[0]), app, start, end, message, recorded)
    _print_plan(MigrationPlan(aliases[0], [written]))
    get_console().print(
        "The replaced files were removed. Databases that applied them all are moved onto the "
        "new migration by the next db-upgrade; new databases run it."
    )
