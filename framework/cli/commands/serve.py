"""``manage.py serve``: the production server (uvicorn workers, proxy headers, no reload).

Production means production: with DEBUG on, ``serve`` refuses to start, naming where
DEBUG was turned on, unless ``--debug`` says so explicitly.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

import click

from framework.exceptions import CommandError

__all__ = ["debug_refusal", "serve"]


def debug_refusal(origin: str) -> str:
    """Return the one-line refusal to serve with DEBUG on, naming where it was turned on."""
    return (
        f"DEBUG is on (set in {origin}), and serve is the production server: the debug page "
        "would show tracebacks, settings and local variables to anyone. Set DEBUG=false "
        "there, or pass --debug to serve with DEBUG on anyway."
    )


def _settle_debug(debug: bool) -> None:
    """Refuse DEBUG without ``--debug``; with it, turn DEBUG on for this process and workers."""
    from framework.conf import settings
    from framework.console import get_console

    setting = settings.wrapped.lookup("DEBUG")
    if not debug:
        if settings.DEBUG:
            raise CommandError(debug_refusal(setting.origin if setting else "the settings"))
        return
    if not settings.DEBUG:
        # Workers import the project afresh: the environment is how they learn it too.
        os.environ["DEBUG"] = "true"
        settings.reset()
    get_console().print("[yellow]Serving with DEBUG on (--debug): not for production.[/]")


def _ignore(signum: int, frame: FrameType | None) -> None:
    """Handle the SIGTERM uvicorn re-raises after its graceful shutdown: nothing left to do."""


def _warn_in_memory_state(workers: int) -> None:
    """Print ``tasks.W001`` and ``caches.W001``: jobs and caches kept in one process's memory
    while several processes serve."""
    from rich.markup import escape

    from framework.cache.checks import local_cache_warnings
    from framework.console import get_console
    from framework.tasks.checks import multiprocess_warnings

    console = get_console(stderr=True)
    for message in [*multiprocess_warnings(workers), *local_cache_warnings(workers)]:
        console.print(f"[yellow]{message.level_name}[/] {escape(str(message))}", markup=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: int(os.environ.get("WEB_CONCURRENCY", "1")),
    show_default="WEB_CONCURRENCY or 1",
    help="Worker processes.",
)
@click.option("--uds", type=click.Path(), help="Bind to this Unix domain socket instead.")
@click.option(
    "--proxy-headers/--no-proxy-headers",
    default=True,
    show_default=True,
    help="Trust X-Forwarded-For/-Proto from --forwarded-allow-ips.",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Comma-separated proxy addresses to trust ('*' for all).",
)
@click.option("--root-path", default="", help="ASGI root_path when mounted below a prefix.")
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default=None,
    show_default="LOG_LEVEL",
    help="Level of the server's loggers (access lines are INFO).",
)
@click.option(
    "--graceful-timeout",
    default=30,
    show_default=True,
    help="Seconds to finish requests on shutdown.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Serve with DEBUG on (traceback pages for everyone): never on a public server.",
)
def serve(
    host: str,
    port: int,
    workers: int,
    uds: str | None,
    proxy_headers: bool,
    forwarded_allow_ips: str,
    root_path: str,
    log_level: str | None,
    graceful_timeout: int,
    debug: bool,
) -> None:
    """Serve the project for production with uvicorn (no reload, no debug page)."""
    import uvicorn

    from framework.cli.migration_report import warn_unapplied_migrations
    from framework.cli.server import asgi_target, check_port_free
    from framework.conf import settings
    from framework.logging import logging_config

    _settle_debug(debug)
    warn_unapplied_migrations()  # the database unreachable, or behind the code: one line
    if uds is None:
        check_port_free(host, port)  # one line now, not uvicorn's log after start-up
    if workers > 1:
        _warn_in_memory_state(workers)
    # uvicorn finishes in-flight requests on SIGTERM, then re-raises the signal with the
    # previous handler; a handler that does nothing makes that a clean exit with status 0.
    signal.signal(signal.SIGTERM, _ignore)
    uvicorn.run(
        asgi_target(),
        host=host,
        port=port,
        uds=uds,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        root_path=root_path,
        log_config=logging_config(),
        log_level=log_level or str(settings.LOG_LEVEL).lower(),
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=graceful_timeout,
    )
