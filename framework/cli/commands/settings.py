"""``manage.py settings``: every effective setting with its source, secrets masked."""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["settings_command"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return str(value)


@click.command("settings")
@click.argument("keys", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--changed", is_flag=True, help="Only settings that differ from the defaults.")
def settings_command(keys: tuple[str, ...], as_json: bool, changed: bool) -> None:
    """Show effective settings and where each comes from (default, module, .env, env)."""
    from framework.conf import settings
    from framework.conf.masking import mask_setting

    items = settings.items()
    if keys:
        wanted = [key.upper() for key in keys]
        for key in wanted:
            getattr(settings, key)  # strict: an unknown key fails with "did you mean"
        items = [item for item in items if item.key in wanted]
    if changed:
        items = [item for item in items if item.source != "default"]
    rows = [(item.key, mask_setting(item.key, item.value), item.source) for item in items]
    if as_json:
        payload = {
            key: {"value": _jsonable(value), "source": source} for key, value, source in rows
        }
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
        return
    from rich.table import Table

    from framework.console import get_console

    table = Table("Setting", "Value", "Source", title=f"Settings ({settings.wrapped.module_name})")
    for key, value, source in rows:
        table.add_row(key, repr(value), source)
    get_console().print(table)
