"""Where each built-in command lives, imported only when it is listed or run."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BUILTIN_COMMANDS", "BuiltinCommand"]


class BuiltinCommand(NamedTuple):
    """A built-in command: its import path and what must happen before it runs.

    ``needs_project``: settings are loaded and apps populated first. ``requires_system_checks``
    (Django's name): the system checks run first and stop the command on an error; the
    command gains ``--skip-checks``. ``standalone``: outside a project the command still runs,
    as it is (``framework runserver --app module:app`` serves a single-file App).
    """

    target: str
    needs_project: bool
    requires_system_checks: bool = False
    standalone: bool = False


def _project(target: str) -> BuiltinCommand:
    return BuiltinCommand(target, needs_project=True)


def _checked(target: str) -> BuiltinCommand:
    return BuiltinCommand(target, needs_project=True, requires_system_checks=True)


def _anywhere(target: str) -> BuiltinCommand:
    return BuiltinCommand(target, needs_project=False)


BUILTIN_COMMANDS: dict[str, BuiltinCommand] = {
    # Available everywhere, through `framework` and `manage.py` alike.
    "startproject": _anywhere("framework.cli.commands.startproject:startproject"),
    "startapp": _anywhere("framework.cli.commands.startapp:startapp"),
    "version": _anywhere("framework.cli.commands.version:version"),
    # Project commands: settings are loaded and apps populated before they run; the
    # system checks run first for those marked _checked.
    "cache": _project("framework.cli.commands.cache:cache"),
    "check": _project("framework.cli.commands.check:check"),
    "collectstatic": _project("framework.cli.commands.collectstatic:collectstatic"),
    "db-check": _project("framework.cli.commands.db_schema:db_check"),
    "db-current": _project("framework.cli.commands.db_inspect:db_current"),
    "db-downgrade": _project("framework.cli.commands.db_apply:db_downgrade"),
    "db-heads": _project("framework.cli.commands.db_inspect:db_heads"),
    "db-history": _project("framework.cli.commands.db_inspect:db_history"),
    "db-merge": _project("framework.cli.commands.db_schema:db_merge"),
    "db-migrate": _project("framework.cli.commands.db_schema:db_migrate"),
    "db-plan": _project("framework.cli.commands.db_inspect:db_plan"),
    "db-show": _project("framework.cli.commands.db_inspect:db_show"),
    "db-sql": _project("framework.cli.commands.db_apply:db_sql"),
    "db-stamp": _project("framework.cli.commands.db_apply:db_stamp"),
    "db-squash": _project("framework.cli.commands.db_schema:db_squash"),
    "db-upgrade": _checked("framework.cli.commands.db_apply:db_upgrade"),
    "dbshell": _project("framework.cli.commands.dbshell:dbshell"),
    "dumpdata": _project("framework.cli.commands.fixtures:dumpdata"),
    "flush": _project("framework.cli.commands.fixtures:flush"),
    "inspectdb": _project("framework.cli.commands.inspectdb:inspectdb"),
    "loaddata": _project("framework.cli.commands.fixtures:loaddata"),
    "openapi": _project("framework.cli.commands.openapi:openapi"),
    "routes": _project("framework.cli.commands.routes:routes"),
    "runserver": BuiltinCommand(
        "framework.cli.commands.runserver:runserver",
        needs_project=True,
        requires_system_checks=True,
        standalone=True,
    ),
    "sendtestemail": _project("framework.cli.commands.sendtestemail:sendtestemail"),
    "serve": _checked("framework.cli.commands.serve:serve"),
    "settings": _project("framework.cli.commands.settings:settings_command"),
    "shell": _project("framework.cli.commands.shell:shell"),
    "tasks": _project("framework.cli.commands.tasks:tasks_command"),
    "worker": _project("framework.cli.commands.worker:worker"),
}
