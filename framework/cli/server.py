"""What ``runserver``, ``serve``, ``routes`` and ``openapi`` share: the address, the ASGI app
and the banner."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from framework.exceptions import CommandError

__all__ = [
    "asgi_target",
    "check_port_free",
    "load_asgi_app",
    "load_project_app",
    "parse_addrport",
    "print_banner",
    "serve_forever",
    "watch_paths",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def parse_addrport(value: str | None) -> tuple[str, int]:
    """Parse ``PORT``, ``HOST:PORT`` or ``[IPV6]:PORT`` (Django's runserver syntax)."""
    if not value:
        return DEFAULT_HOST, DEFAULT_PORT
    host, port_text = DEFAULT_HOST, value
    if value.startswith("["):
        host_part, _, rest = value[1:].partition("]")
        host, port_text = host_part, rest.removeprefix(":") or str(DEFAULT_PORT)
    elif ":" in value:
        host, _, port_text = value.rpartition(":")
    elif not value.isdigit():
        host, port_text = value, str(DEFAULT_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise CommandError(
            f"{value!r} is not a valid port or address:port (e.g. 8000 or 0.0.0.0:8000)."
        )
    return host or DEFAULT_HOST, int(port_text)


def check_port_free(host: str, port: int) -> None:
    """Raise ``CommandError`` now if *host*:*port* cannot be bound, rather than in a child."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None


def asgi_target() -> str:
    """Return ``"module:attribute"`` of the project's ASGI app (``<project>.asgi:app``)."""
    from framework.conf import settings
    from framework.module_loading import module_exists

    if settings.ASGI_APPLICATION:
        return str(settings.ASGI_APPLICATION)
    module = settings.wrapped.module_name
    if module:
        candidate = f"{module.rpartition('.')[0] or module}.asgi"
        if module_exists(candidate):
            return f"{candidate}:app"
    return "framework.web.asgi:app"


def load_asgi_app(target: str) -> Any:
    """Import the ASGI app *target* now, so a broken controller stops us with one clear line."""
    from framework.exceptions import ImproperlyConfigured
    from framework.module_loading import import_string

    try:
        return import_string(target, setting="ASGI_APPLICATION")
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        raise ImproperlyConfigured(
            f"The ASGI application {target!r} failed to load: {type(exc).__name__}: {exc}"
        ) from exc


def load_project_app(purpose: str) -> Any:
    """Return the framework App that ``runserver`` would serve; *purpose* says why it must be one.

    Another ASGI app (a bare Starlette, say) is refused with a line naming the target.
    """
    target = asgi_target()
    app = load_asgi_app(target)
    if not hasattr(app, "describe_routes"):
        raise CommandError(
            f"The ASGI application {target!r} is not a framework App, so {purpose}; "
            "build it with framework.web.get_asgi_application()."
        )
    return app


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


def watch_paths() -> list[Path]:
    """Return the folders the reloader watches: the project and apps outside site-packages."""
    from framework.apps import apps
    from framework.conf import settings

    roots = [Path(settings.BASE_DIR).resolve()]
    for config in apps.get_app_configs():
        path = config.path.resolve()
        if "site-packages" in path.parts or "dist-packages" in path.parts:
            continue
        if not any(root == path or root in path.parents for root in roots):
            roots.append(path)
    return roots


def print_banner(host: str, port: int, *, reload: bool, title: str) -> None:
    """Print the start-up panel: URL, settings module, apps, DEBUG."""
    from rich.panel import Panel
    from rich.table import Table

    from framework.apps import apps
    from framework.conf import settings
    from framework.console import get_console
    from framework.version import get_version

    shown_host = f"[{host}]" if ":" in host else host
    grid = Table.grid(padding=(0, 2))
    grid.add_row("URL", f"[bold cyan]http://{shown_host}:{port}/[/]")
    grid.add_row("Settings", str(settings.wrapped.module_name or "(defaults)"))
    labels = ", ".join(config.label for config in apps.get_app_configs()) or "(none)"
    grid.add_row("Apps", labels)
    grid.add_row("DEBUG", "[yellow]on[/]" if settings.DEBUG else "off")
    grid.add_row("Reload", "on" if reload else "off")
    get_console().print(
        Panel(
            grid,
            title=f"framework {get_version()} · {title}",
            subtitle="Quit with CTRL-C",
            expand=False,
        )
    )
