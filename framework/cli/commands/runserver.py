"""``manage.py runserver [ADDR:]PORT``: the development server, reloading on changes.

Outside a project, ``framework runserver --app module:app`` serves a single-file ``App``
(its ``.env`` is the one beside the module, or in the current directory).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import click

from framework.exceptions import CommandError

__all__ = ["runserver"]


@click.command()
@click.argument("addrport", required=False)
@click.option("--noreload", is_flag=True, help="Do not restart the server when files change.")
@click.option("--skip-checks", is_flag=True, help="Start without running the system checks.")
@click.option(
    "--app",
    "app_target",
    metavar="MODULE:APP",
    help="Serve this App (a single-file service) instead of the project's.",
)
@click.option("--debug", is_flag=True, help="Turn DEBUG on (debug pages, template reloading).")
def runserver(
    addrport: str | None, noreload: bool, skip_checks: bool, app_target: str | None, debug: bool
) -> None:
    """Start the development server (default 127.0.0.1:8000) with auto-reload."""
    from framework.cli.server import check_port_free, parse_addrport, print_banner

    host, port = parse_addrport(addrport)
    if debug:
        from framework.conf import settings

        os.environ["DEBUG"] = "true"  # the environment wins, here and in the server process
        settings.reset()  # listing the commands may have read them already
    target = _standalone(app_target) if app_target else _project(skip_checks)
    _import_target(target)
    check_port_free(host, port)
    print_banner(host, port, reload=not noreload, title="development server")
    if noreload:
        serve_forever(target, host, port)
        return
    from framework.cli.reloader import run_with_reloader

    run_with_reloader(target, host, port)


def _project(skip_checks: bool) -> str:
    """Set the project up, run its checks, and return its ASGI target."""
    from framework.apps.bootstrap import setup
    from framework.cli.commands.check import run_system_checks
    from framework.cli.commands.db_apply import warn_unapplied_migrations
    from framework.cli.group import in_project
    from framework.cli.server import asgi_target

    if not in_project():
        raise CommandError(
            "runserver serves a project: run 'python manage.py runserver' from the project "
            "directory, or serve a single-file app with 'framework runserver --app module:app'."
        )
    setup()
    if not skip_checks:
        run_system_checks(quiet_ok=True)
        warn_unapplied_migrations()
    return asgi_target()


def _standalone(target: str) -> str:
    """Return *target* (``module:attribute``) ready to import, its ``.env`` found beside it."""
    module, _, attribute = target.partition(":")
    if not module or not attribute.isidentifier():
        raise CommandError(f"--app takes MODULE:APP (e.g. main:app); got {target!r}.")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # 'framework runserver --app main:app' beside main.py
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        raise CommandError(
            f"Cannot find the module {module!r} of --app {target}; run the command from its "
            "folder or make it importable (PYTHONPATH)."
        )
    beside = Path(spec.origin).resolve().parent / ".env"
    if beside.is_file() and not os.environ.get("FRAMEWORK_ENV_FILE"):
        os.environ["FRAMEWORK_ENV_FILE"] = str(beside)
    from framework.apps.bootstrap import setup

    setup()  # logging, and INSTALLED_APPS if the app's settings list any
    return target


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
