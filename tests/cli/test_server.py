"""What runserver and serve share: address, ASGI target, watched folders, reload filter."""

from __future__ import annotations

import socket

import pytest
from watchfiles import Change

from framework.cli.reloader import ReloadFilter
from framework.cli.server import asgi_target, check_port_free, parse_addrport, watch_paths
from framework.exceptions import CommandError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("127.0.0.1", 8000)),
        ("9000", ("127.0.0.1", 9000)),
        ("0.0.0.0:8080", ("0.0.0.0", 8080)),
        ("localhost:1", ("localhost", 1)),
        ("[::1]:8001", ("::1", 8001)),
        ("[::]", ("::", 8000)),
        ("example.test", ("example.test", 8000)),
    ],
)
def test_parse_addrport(value, expected) -> None:
    assert parse_addrport(value) == expected


@pytest.mark.parametrize("value", ["0", "70000", "host:http", "[::1]:x"])
def test_parse_addrport_refuses(value) -> None:
    with pytest.raises(CommandError) as info:
        parse_addrport(value)
    assert str(info.value) == (
        f"{value!r} is not a valid port or address:port (e.g. 8000 or 0.0.0.0:8000)."
    )


def test_port_in_use_is_one_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=rf"^Cannot listen on 127.0.0.1:{port}: "):
            check_port_free("127.0.0.1", port)


def test_asgi_target_defaults_to_the_project_asgi_module(make_settings_module, tmp_path) -> None:
    module = make_settings_module("SECRET_KEY = 'x'\n")
    package = module.partition(".")[0]
    assert asgi_target() == "framework.web.asgi:app"
    (tmp_path / package / "asgi.py").write_text("app = None\n")
    assert asgi_target() == f"{package}.asgi:app"


def test_asgi_application_setting_wins(make_settings_module) -> None:
    make_settings_module("ASGI_APPLICATION = 'elsewhere.asgi:application'\n")
    assert asgi_target() == "elsewhere.asgi:application"


def test_watch_paths_are_the_project_and_apps_outside_it(
    make_settings_module, fixture_path, tmp_path
) -> None:
    import framework

    make_settings_module("INSTALLED_APPS = ['gamma']\n")
    framework.setup()
    assert watch_paths() == [tmp_path, fixture_path / "gamma"]


@pytest.mark.parametrize(
    ("path", "watched"),
    [
        ("/p/blog/controllers.py", True),
        ("/p/blog/templates/blog/index.html", True),
        ("/p/.env", True),
        ("/p/pyproject.toml", True),
        ("/p/db.sqlite3", False),
        ("/p/db.sqlite3-wal", False),
        ("/p/app.log", False),
        ("/p/.venv/lib/site.py", False),
        ("/p/node_modules/x/index.py", False),
        ("/p/blog/__pycache__/models.cpython-311.pyc", False),
        ("/p/.git/HEAD", False),
        ("/p/static/app.css", False),
    ],
)
def test_reload_filter(path: str, watched: bool) -> None:
    assert ReloadFilter()(Change.modified, path) is watched
