"""``manage.py runserver [ADDR:]PORT``: the development server, reloading on changes."""

from __future__ import annotations

import click

__all__ = ["runserver"]


@click.command()
@click.argument("addrport", required=False)
@click.option("--noreload", is_flag=True, help="Do not restart the server when files change.")
@click.option("--skip-checks", is_flag=True, help="Start without running the system checks.")
def runserver(addrport: str | None, noreload: bool, skip_checks: bool) -> None:
    """Start the development server (default 127.0.0.1:8000) with auto-reload."""
    from framework.cli.commands.check import run_system_checks
    from framework.cli.commands.db_apply import warn_unapplied_migrations
    from framework.cli.server import asgi_target, check_port_free, parse_addrport, print_banner

    host, port = parse_addrport(addrport)
    if not skip_checks:
        run_system_checks(quiet_ok=True)
        warn_unapplied_migrations()
    target = asgi_target()
    _import_target(target)
    check_port_free(host, port)
    print_banner(host, port, reload=not noreload, title="development server")
    if noreload:
        serve_forever(target, host, port)
        return
    from framework.cli.reloader import run_with_reloader

    run_with_reloader(target, host, port)


def _import_target(target: str) -> None:
    """Import the ASGI app now, so a broken controller stops us with one clear line."""
    from framework.exceptions import ImproperlyConfigured
    from framework.module_loading import import_string

    try:
        import_string(target, setting="ASGI_APPLICATION")
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        raise ImproperlyConfigured(
            f"The ASGI application {target!r} failed to load: {type(exc).__name__}: {exc}"
        ) from exc


def serve_forever(target: str, host: str, port: int) -> None:
    """Run uvicorn in this process until interrupted (the reloader's child does the same).

    uvicorn applies the project's logging configuration (LOG_LEVEL, LOG_FORMAT, LOGGING)
    before it imports the app, so its own lines and the access log look like the app's.
    """
    import uvicorn

    from framework.conf import settings
    from framework.logging import logging_config

    uvicorn.run(
        target,
        host=host,
        port=port,
        lifespan="on",
        log_config=logging_config(),
        log_level=str(settings.LOG_LEVEL).lower(),
        server_header=False,
    )
