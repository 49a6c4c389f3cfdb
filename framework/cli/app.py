"""The root command: ``framework`` and ``python manage.py`` are this same group."""

from __future__ import annotations

import os

import click

from framework.cli.group import ManagementGroup

__all__ = ["cli"]


def _use_settings(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # Eager, so the module is known before the subcommand is looked up.
    if value:
        from framework.conf.settings import NAME_ORIGIN

        os.environ["FRAMEWORK_SETTINGS_MODULE"] = value
        NAME_ORIGIN[value] = f"--settings {value}"


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from framework.version import get_version

        click.echo(get_version())
        ctx.exit()


@click.group(cls=ManagementGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--settings",
    metavar="MODULE",
    expose_value=False,
    is_eager=True,
    callback=_use_settings,
    help="Settings module to use instead of FRAMEWORK_SETTINGS_MODULE.",
)
@click.option(
    "--traceback", is_flag=True, expose_value=False, help="Show the full trace of an error."
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Manage framework projects: scaffolding, the dev server, databases and users."""
