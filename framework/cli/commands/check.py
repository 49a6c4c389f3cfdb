"""``manage.py check``: run the system checks and report them Django-style."""

from __future__ import annotations

import click

from framework.cli.system_checks import LEVELS, FailLevel, run_system_checks

__all__ = ["check"]


@click.command()
@click.option("--deploy", is_flag=True, help="Add the checks for a production deployment.")
@click.option("--tag", "-t", "tags", multiple=True, help="Run only checks with this tag.")
@click.option(
    "--fail-level",
    type=click.Choice(list(LEVELS)),
    default="ERROR",
    show_default=True,
    help="Exit with an error at this level or above.",
)
def check(deploy: bool, tags: tuple[str, ...], fail_level: FailLevel) -> None:
    """Inspect settings and apps for problems (ids and hints, like Django's)."""
    run_system_checks(deploy=deploy, tags=tags, fail_level=fail_level)
