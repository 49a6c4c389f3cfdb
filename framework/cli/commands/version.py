"""``framework version``."""

from __future__ import annotations

import click

__all__ = ["version"]


@click.command()
def version() -> None:
    """Print the framework's version."""
    from framework.version import get_version

    click.echo(get_version())
