"""``manage.py collectstatic``: copy the apps' static files into STATIC_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from framework.cli import call_command
from framework.cli.app import cli
from framework.conf import settings
from framework.exceptions import CommandError


def test_collectstatic_copies_every_app(webproject: Any, tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "collected"
    with settings.override(STATIC_ROOT=str(target)):
        call_command("collectstatic")
    captured = capsys.readouterr()
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) == [
        "blogapp/app.css",
        "blogapp/shared.txt",
        "shopapp/logo.txt",
    ]
    assert (target / "blogapp" / "shared.txt").read_text() == "from blogapp\n"
    assert f"3 static file(s) copied to {target}." in captured.out
    assert "blogapp/shared.txt in " in captured.err
    assert "is hidden by a file of the same path found first." in captured.err


def test_collectstatic_dry_run(webproject: Any, tmp_path: Path, capsys: Any) -> None:
    with settings.override(STATIC_ROOT=str(tmp_path / "out")):
        call_command("collectstatic", dry_run=True)
    assert "3 static file(s) would be copied" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_collectstatic_without_static_root(webproject: Any) -> None:
    with pytest.raises(CommandError) as error:
        call_command("collectstatic")
    assert str(error.value) == (
        "STATIC_ROOT is not set, so there is nowhere to collect static files to: set it in "
        "the settings, e.g. STATIC_ROOT = BASE_DIR / 'staticfiles'."
    )


def test_collectstatic_error_exits_1_through_click(webproject: Any) -> None:
    result = CliRunner().invoke(cli, ["collectstatic"])
    assert result.exit_code == 1
    assert "Error: STATIC_ROOT is not set" in result.output
