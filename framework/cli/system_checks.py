"""Run the system checks from the CLI and report them Django-style.

``check`` prints the report; a command whose entry in ``builtins.py`` says
``requires_system_checks`` gets the same run (quietly when all is well) before it starts.
"""

from __future__ import annotations

from typing import Literal

import click

from framework.exceptions import CommandError

__all__ = ["LEVELS", "FailLevel", "run_system_checks"]

#: A level name accepted by ``check --fail-level``.
FailLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
#: Level names accepted by ``check --fail-level``, with their numeric values.
LEVELS: dict[FailLevel, int] = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


def run_system_checks(
    *,
    deploy: bool = False,
    tags: tuple[str, ...] = (),
    fail_level: FailLevel = "ERROR",
    quiet_ok: bool = False,
) -> int:
    """Run the checks, print what they found, raise ``CommandError`` at *fail_level* or above.

    Returns the number of messages. An unknown tag is refused with the known ones listed, so
    a typo never reads as "no issues".
    """
    from framework.checks import run_checks
    from framework.console import get_console

    _check_tags(tags)
    messages = [
        m for m in run_checks(tags=tags or None, include_deployment=deploy) if m.level >= 20
    ]
    console = get_console(stderr=True)
    for message in messages:
        colour = "red" if message.is_serious() else "yellow"
        console.print(f"[{colour}]{message.level_name}[/] {message}", markup=True)
    serious = [m for m in messages if m.level >= LEVELS[fail_level]]
    if serious:
        raise CommandError(
            f"System check identified {len(messages)} issue(s), {len(serious)} at "
            f"{fail_level} or above: {serious[0].id or serious[0].msg}."
        )
    if messages or not quiet_ok:
        noun = "no issues" if not messages else f"{len(messages)} issue(s)"
        click.echo(f"System check identified {noun}.", err=quiet_ok)
    return len(messages)


def _check_tags(tags: tuple[str, ...]) -> None:
    """Raise ``CommandError`` naming a tag no registered check carries."""
    import difflib

    from framework.checks.registry import registry

    known = registry.tags_available(include_deployment=True)
    for tag in tags:
        if tag not in known:
            close = difflib.get_close_matches(tag, sorted(known), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise CommandError(
                f"There is no system check with the {tag!r} tag.{hint} "
                f"Known tags: {', '.join(sorted(known))}."
            )
