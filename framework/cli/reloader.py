"""Restart the development server when project files change (watchfiles)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from watchfiles import Change, DefaultFilter, run_process

__all__ = ["ReloadFilter", "run_with_reloader"]

#: prctl(2) option: the signal this process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1

#: Files whose change restarts the server.
WATCHED_SUFFIXES = (
    ".py",
    ".html",
    ".htm",
    ".jinja",
    ".jinja2",
    ".j2",
    ".txt",
    ".toml",
    ".cfg",
    ".ini",
    ".json",
    ".yaml",
    ".yml",
)
#: Files that change while the server runs and must not restart it.
IGNORED_SUFFIXES = (".sqlite3", ".db", ".log", "-journal", "-wal", "-shm", ".pyc")


class ReloadFilter(DefaultFilter):
    """Watch source, templates, settings and ``.env``; skip virtualenvs, databases and logs."""

    ignore_dirs = (
        *DefaultFilter.ignore_dirs,
        "venv",
        ".ruff_cache",
        "htmlcov",
        "logs",
        "media",
        "staticfiles",
        "site",
    )

    def __call__(self, change: Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        name = os.path.basename(path)
        if name.endswith(IGNORED_SUFFIXES):
            return False
        return name == ".env" or name.startswith(".env.") or name.endswith(WATCHED_SUFFIXES)


def _child(target: str, host: str, port: int, parent: int) -> None:
    from framework.cli.server import serve_forever

    # Leave the terminal's process group: Ctrl-C then reaches only the reloader, which stops
    # this server with exactly one SIGINT. Two (terminal + reloader) would make uvicorn skip
    # the graceful shutdown, and the apps' on_shutdown hooks with it.
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    # Out of the terminal's group, nothing would stop this server if the reloader died
    # (kill -9, a crashed terminal): it would keep the port. Tie its life to the reloader.
    follow_parent(parent)
    serve_forever(target, host, port)


def follow_parent(parent: int) -> None:
    """Stop this process gracefully (SIGTERM) as soon as process *parent* is gone.

    Linux delivers the signal itself (``PR_SET_PDEATHSIG``); elsewhere a daemon thread
    notices that the process was re-parented.
    """
    import signal

    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0:
            if os.getppid() != parent:  # it died before the call
                os.kill(os.getpid(), signal.SIGTERM)
            return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _report(changes: set[tuple[Change, str]]) -> None:
    from framework.console import get_console

    names = sorted({Path(path).name for _, path in changes})
    get_console(stderr=True).print(f"[yellow]Changed: {', '.join(names)}; reloading…[/]")


def run_with_reloader(target: str, host: str, port: int) -> None:
    """Serve *target* in a child process, restarted whenever a watched file changes."""
    from framework.cli.server import watch_paths

    # watchfiles announces Ctrl-C with a warning; the banner already said how to quit.
    logging.getLogger("watchfiles.main").setLevel(logging.ERROR)
    run_process(
        *watch_paths(),
        target=_child,
        args=(target, host, port, os.getpid()),
        watch_filter=ReloadFilter(),
        callback=_report,
        debounce=400,
    )
