"""Where each built-in command lives, imported only when it is listed or run."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BUILTIN_COMMANDS", "BuiltinCommand"]


class BuiltinCommand(NamedTuple):
    """A built-in command: its import path and whether it needs a project (settings, apps)."""

    target: str
    needs_project: bool


def _project(target: str) -> BuiltinCommand:
    return BuiltinCommand(target, True)


def _anywhere(target: str) -> BuiltinCommand:
    return BuiltinCommand(target, False)


BUILTIN_COMMANDS: dict[str, BuiltinCommand] = {
    # Available everywhere, through `framework` and `manage.py` alike.
    "startproject": _anywhere("framework.cli.commands.startproject:startproject"),
    "startapp": _anywhere("framework.cli.commands.startapp:startapp"),
    "version": _anywhere("framework.cli.commands.version:version"),
    # In a project, or for a single-file App with --app (it sets the project up itself).
    "runserver": _anywhere("framework.cli.commands.runserver:runserver"),
    # Project commands: settings are loaded and apps populated before they run.
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
    "db-show": _project("framework.cli.commands.db_inspect:db_show"),
    "db-sql": _project("framework.cli.commands.db_apply:db_sql"),
    "db-stamp": _project("framework.cli.commands.db_apply:db_stamp"),
    "db-upgrade": _project("framework.cli.commands.db_apply:db_upgrade"),
    "openapi": _project("framework.cli.commands.openapi:openapi"),
    "routes": _project("framework.cli.commands.routes:routes"),
    "sendtestemail": _project("framework.cli.commands.sendtestemail:sendtestemail"),
    "serve": _project("framework.cli.commands.serve:serve"),
    "settings": _project("framework.cli.commands.settings:settings_command"),
    "shell": _project("framework.cli.commands.shell:shell"),
    "tasks": _project("framework.cli.commands.tasks:tasks_command"),
    "worker": _project("framework.cli.commands.worker:worker"),
}
