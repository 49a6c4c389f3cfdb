"""MkDocs hook: replace ``<!-- cli-reference -->`` with every command's generated help."""

from __future__ import annotations

from typing import Any

import click

MARKER = "<!-- cli-reference -->"

#: Apps whose commands belong in the reference (the framework's own installable apps).
REFERENCE_APPS: list[str] = ["framework.contrib.auth"]


def _usage(command: click.Command, path: str) -> str:
    context = click.Context(command, info_name=path)
    return command.get_usage(context).removeprefix("Usage: ")


def _options(command: click.Command, path: str) -> list[str]:
    context = click.Context(command, info_name=path)
    rows = []
    for param in command.get_params(context):
        record = param.get_help_record(context)
        if record:
            names, text = record
            escaped = text.replace("|", "\\|")
            rows.append(f"| `{names}` | {escaped} |")
    return rows


def _section(command: click.Command, path: str, level: int) -> list[str]:
    lines = [f"{'#' * level} `{path}`", ""]
    if command.help:
        lines += [click.unstyle(command.help).strip(), ""]
    lines += ["```text", _usage(command, path), "```", ""]
    options = _options(command, path)
    if options:
        lines += ["| option | meaning |", "|---|---|", *options, ""]
    if isinstance(command, click.Group):
        context = click.Context(command, info_name=path)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                lines += _section(sub, f"{path} {name}", level + 1)
    return lines


def render_reference() -> str:
    """Return Markdown for every built-in command (and those of the reference apps)."""
    from framework.cli.app import cli
    from framework.conf import settings

    if not settings.configured:
        settings.configure(INSTALLED_APPS=REFERENCE_APPS, SECRET_KEY="reference-" + "x" * 40)
    context = click.Context(cli, info_name="manage.py")
    lines = ["## `manage.py` / `framework`", "", "```text", _usage(cli, "manage.py"), "```", ""]
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        if command is not None:
            lines += _section(command, f"manage.py {name}", 3)
    return "\n".join(lines)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Fill the marker on the page that has it."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, render_reference())
