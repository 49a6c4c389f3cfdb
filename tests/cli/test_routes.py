"""``manage.py routes``: in-process, through click's runner, table and JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from framework.cli import call_command
from framework.cli.app import cli


def test_routes_json_lists_every_route(webproject: Any, capsys: Any) -> None:
    call_command("routes", as_json=True)
    rows = json.loads(capsys.readouterr().out)
    by_name = {row["name"]: row for row in rows}
    assert by_name["PostController.show"] == {
        "methods": "GET",
        "path": "/posts/{id:int}",
        "name": "PostController.show",
        "handler": "tests.fixtures.webproject.blogapp.controllers.PostController.show",
        "app": "blogapp",
        "kind": "http",
    }
    assert by_name["api.ping"]["path"] == "/api/ping"
    assert by_name["CartController.index"]["path"] == "/shop/cart"
    assert by_name["CartController.live"]["methods"] == "WS"


def test_routes_filter_by_app(webproject: Any, capsys: Any) -> None:
    call_command("routes", as_json=True, app_label="shopapp")
    rows = json.loads(capsys.readouterr().out)
    assert {row["app"] for row in rows} == {"shopapp"}


def test_routes_unknown_app_suggests_one(webproject: Any) -> None:
    with pytest.raises(LookupError) as error:
        call_command("routes", app_label="shopap")
    assert str(error.value) == "No installed app with label 'shopap'. Did you mean 'shopapp'?"


def test_routes_table_through_click(webproject: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from framework.console import get_console

    monkeypatch.setattr(get_console(), "width", 200)
    result = CliRunner().invoke(cli, ["routes"])
    assert result.exit_code == 0, result.output
    assert "Method" in result.output and "Handler" in result.output
    assert "/posts/{id:int}" in result.output
    assert "PostController.show" in result.output
    assert "shopapp" in result.output
