"""``manage.py runserver [ADDR:]PORT``: the development server, reloading on changes.

Outside a project, ``framework runserver --app module:app`` serves a single-file ``App``
(its ``.env`` is the one beside the module, or in the current directory); the system checks,
which are about a project's settings and apps, do not run then.
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
@click.option(
    "--app",
    "app_target",
    metavar="MODULE:APP",
    help="Serve this App (a single-file service) instead of the project's.",
)
@click.option("--debug", is_flag=True, help="Turn DEBUG on (debug pages, template reloading).")
def runserver(addrport: str | None, noreload: bool, app_target: str | None, debug: bool) -> None:
    """Start the development server (default 127.0.0.1:8000) with auto-reload."""
    from framework.cli.server import (
        check_port_free,
        load_asgi_app,
        parse_addrport,
        print_banner,
        serve_forever,
    )

    host, port = parse_addrport(addrport)
    if debug:
        from framework.conf import settings

        os.environ["DEBUG"] = "true"  # the environment wins, here and in the server process
        settings.reset()  # read again: the project was set up before this ran
    target = _standalone(app_target) if app_target else _project()
    load_asgi_app(target)
    check_port_free(host, port)
    print_banner(host, port, reload=not noreload, title="development server")
    if noreload:
        serve_forever(target, host, port)
        return
    from framework.cli.reloader import run_with_reloader

    run_with_reloader(target, host, port)


def _project() -> str:
    """Return the project's ASGI target (the project is set up and checked already)."""
    from framework.cli.group import in_project
    from framework.cli.migration_report import warn_unapplied_migrations
    from framework.cli.server import asgi_target

    if not in_project():
        raise CommandError(
            "runserver serves a project: run 'python manage.py runserver' from the project "
            "directory, or serve a single-file app with 'framework runserver --app module:app'."
        )
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
