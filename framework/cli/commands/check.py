"""``manage.py check``: run the system checks and report them Django-style."""

from __future__ import annotations

import click

from framework.exceptions import CommandError

__all__ = ["check", "run_system_checks"]

_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


def run_system_checks(
    *,
    deploy: bool = False,
    tags: tuple[str, ...] = (),
    fail_level: str = "ERROR",
    quiet_ok: bool = False,
) -> int:
    """Run the checks, print what they found, raise ``CommandError`` at *fail_level* or above.

    Returns the number of messages. ``runserver``, ``serve`` and ``db-upgrade`` call this
    before they start.
    """
    from framework.checks import run_checks
    from framework.console import get_console

    messages = [
        m for m in run_checks(tags=tags or None, include_deployment=deploy) if m.level >= 20
    ]
    console = get_console(stderr=True)
    for message in messages:
        colour = "red" if message.is_serious() else "yellow"
        console.print(f"[{colour}]{message.level_name}[/] {message}", markup=True)
    serious = [m for m in messages if m.level >= _LEVELS[fail_level]]
    if serious:
        raise CommandError(
            f"System check identified {len(messages)} issue(s), {len(serious)} at "
            f"{fail_level} or above: {serious[0].id or serious[0].msg}."
        )
    if messages or not quiet_ok:
        noun = "no issues" if not messages else f"{len(messages)} issue(s)"
        click.echo(f"System check identified {noun}.", err=quiet_ok)
    return len(messages)


@click.command()
@click.option("--deploy", is_flag=True, help="Add the checks for a production deployment.")
@click.option("--tag", "-t", "tags", multiple=True, help="Run only checks with this tag.")
@click.option(
    "--fail-level",
    type=click.Choice(list(_LEVELS)),
    default="ERROR",
    show_default=True,
    help="Exit with an error at this level or above.",
)
def check(deploy: bool, tags: tuple[str, ...], fail_level: str) -> None:
    """Inspect settings and apps for problems (ids and hints, like Django's)."""
    run_system_checks(deploy=deploy, tags=tags, fail_level=fail_level)
