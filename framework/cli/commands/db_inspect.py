"""``db-history``, ``db-current``, ``db-heads`` and ``db-show``: where the migrations stand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from framework.cli.options import database_option

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["db_current", "db_heads", "db_history", "db_plan", "db_show"]


def _table(title: str, *columns: str) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", highlight=False, box=box.SIMPLE_HEAD)
    for column in columns:
        if column == "Message":  # free text wraps; names and revision ids stay whole
            table.add_column(column, min_width=16, ratio=1)
        else:
            table.add_column(column, no_wrap=True)
    return table


def _short(value: Any) -> str:
    """Return a revision or tuple of revisions as text (``-`` for none)."""
    if not value:
        return "-"
    if isinstance(value, (tuple, list)):
        return ", ".join(value)
    return str(value)


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


@click.command("db-current")
@database_option
async def db_current(database: str | None) -> None:
    """Show each app's applied revision, its head, and whether it is up to date."""
    from framework.console import get_console
    from framework.migrations import current, database_aliases

    table = _table("Current revisions", "Database", "App", "Applied", "Head", "Status")
    for alias in database_aliases(database):
        for state in await current(alias):
            if state.up_to_date:
                status = "[green]up to date[/]"
            elif state.current is None:
                status = "[yellow]not applied[/]"
            else:
                status = "[yellow]behind[/]"
            table.add_row(alias, state.app, _short(state.current), _short(state.head), status)
    get_console().print(table)


@click.command("db-heads")
@database_option
def db_heads(database: str | None) -> None:
    """Show the newest revision of each app (several for one app mean: run db-merge)."""
    from rich.markup import escape

    from framework.console import get_console
    from framework.migrations import database_aliases, load_scripts

    table = _table("Heads", "Database", "App", "Head", "Message")
    for alias in database_aliases(database):
        scripts = load_scripts(alias, check_heads=False)
        for label, heads in scripts.heads_by_app().items():
            for head in heads:
                doc = _first_line(scripts.get(head).doc)
                table.add_row(alias, label, head, escape(doc))
    get_console().print(table)


@click.command("db-history")
@database_option
async def db_history(database: str | None) -> None:
    """List every migration, newest first, marking those applied to the database."""
    from rich.markup import escape

    from framework.console import get_console
    from framework.migrations import database_aliases, load_scripts
    from framework.migrations.database import current_revisions

    aliases = database_aliases(database)
    shown = ("Database",) if len(aliases) > 1 else ()
    table = _table("Migrations", *shown, "App", "Revision", "Revises", "Message", "Applied")
    for alias in aliases:
        scripts = load_scripts(alias, check_heads=False)
        heads = scripts.database_heads(await current_revisions(alias))
        scripts.check_database_heads(heads)
        applied = scripts.applied(heads)
        for script in scripts.revisions():
            parents = _short(script.down_revision)
            if script.dependencies:
                parents += f" (needs {_short(script.dependencies)})"
            table.add_row(
                *((alias,) if shown else ()),
                scripts.app_of(script.revision),
                script.revision,
                parents,
                escape(_first_line(script.doc)),
                "[green]yes[/]" if script.revision in applied else "no",
            )
    get_console().print(table)


@click.command("db-show")
@click.argument("revision")
@database_option
def db_show(revision: str, database: str | None) -> None:
    """Show one migration: its app, file, parents, dependencies and description."""
    from rich.markup import escape

    from framework.console import get_console
    from framework.migrations import aliases_for_target, load_scripts

    console = get_console()
    for alias in aliases_for_target(revision, database):
        scripts = load_scripts(alias, check_heads=False)
        script = scripts.get(revision)
        rows = [
            ("Revision", script.revision),
            ("App", scripts.app_of(script.revision)),
            ("Database", alias),
            ("File", str(script.path)),
            ("Revises", _short(script.down_revision)),
            ("Depends on", _short(script.dependencies)),
            ("Branch labels", _short(tuple(script.branch_labels))),
            ("Head", "yes" if script.is_head else "no"),
        ]
        for name, value in rows:
            console.print(f"[bold]{name + ':':<15}[/] {escape(value)}")
        console.print()
        console.print(escape((script.longdoc or "").strip()))


@click.command("db-plan")
@click.argument("target", required=False, default="heads")
@database_option
async def db_plan(target: str, database: str | None) -> None:
    """List the migrations db-upgrade would apply (up to TARGET), in order, per database."""
    from rich.markup import escape

    from framework.console import get_console
    from framework.migrations import aliases_for_target, plan

    console = get_console()
    for alias in aliases_for_target(target, database):
        steps = await plan(alias, target)
        if not steps:
            console.print(f"Database '{alias}': nothing to apply.")
            continue
        console.print(f"[bold]Database '{alias}'[/]: {len(steps)} migration(s) to apply:")
        for number, (app, script) in enumerate(steps, start=1):
            console.print(
                f"  {number}. [bold]{escape(app)}[/] {script.revision} "
                f"{escape(_first_line(script.doc))}"
            )
