"""``manage.py runserver [ADDR:]PORT``: the development server, reloading on changes."""

from __future__ import annotations

import click

__all__ = ["runserver"]


@click.command()
@click.argument("addrport", required=False)
@click.option("--noreload", is_flag=True, help="Do not restart the server when files change.")
def runserver(addrport: str | None, noreload: bool) -> None:
    """Start the development server (default 127.0.0.1:8000) with auto-reload."""
    from framework.cli.migration_report import warn_unapplied_migrations
    from framework.cli.server import (
        asgi_target,
        check_port_free,
        load_asgi_app,
        parse_addrport,
        print_banner,
        serve_forever,
    )

    host, port = parse_addrport(addrport)
    warn_unapplied_migrations()
    target = asgi_target()
    load_asgi_app(target)
    check_port_free(host, port)
    print_banner(host, port, reload=not noreload, title="development server")
    if noreload:
        serve_forever(target, host, port)
        return
    from framework.cli.reloader import run_with_reloader

    run_with_reloader(target, host, port)
