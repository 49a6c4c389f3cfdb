"""startproject renders the project template, refusing bad names and non-empty targets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from framework.cli.app import cli
from framework.conf.dotenv import read_dotenv
from framework.conf.security import secret_key_problem


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="framework", catch_exceptions=False)


def test_creates_the_skeleton(in_tmp: Path) -> None:
    result = run("startproject", "mysite")
    assert result.exit_code == 0, result.stderr
    root = in_tmp / "mysite"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == [
        ".env",
        ".env.example",
        ".gitignore",
        "README.md",
        "manage.py",
        "mysite/__init__.py",
        "mysite/asgi.py",
        "mysite/controllers.py",
        "mysite/settings.py",
        "pyproject.toml",
        "tests/__init__.py",
        "tests/test_project.py",
    ]
    assert os.access(root / "manage.py", os.X_OK)
    assert '"mysite.settings"' in (root / "manage.py").read_text()
    assert "app = get_asgi_application()" in (root / "mysite/asgi.py").read_text()
    assert 'framework_settings_module = "mysite.settings"' in (root / "pyproject.toml").read_text()
    assert not list(in_tmp.glob(".framework-render-*")), "temporary render folder left behind"


def test_dotenv_has_a_fresh_strong_secret_and_debug(in_tmp: Path) -> None:
    run("startproject", "one")
    run("startproject", "two")
    first = read_dotenv(in_tmp / "one" / ".env")
    second = read_dotenv(in_tmp / "two" / ".env")
    assert first["DEBUG"] == "true"
    assert first["EMAIL_BACKEND"] == "console"  # development mail is printed, not sent
    assert secret_key_problem(first["SECRET_KEY"]) is None
    assert first["SECRET_KEY"] != second["SECRET_KEY"]
    assert first["SECRET_KEY"] not in (in_tmp / "one" / ".env.example").read_text()


def test_into_an_existing_empty_directory(in_tmp: Path) -> None:
    (in_tmp / "here").mkdir()
    result = run("startproject", "mysite", "here")
    assert result.exit_code == 0, result.stderr
    assert (in_tmp / "here" / "manage.py").is_file()
    assert (in_tmp / "here" / "mysite" / "settings.py").is_file()


def test_into_the_current_directory(in_tmp: Path) -> None:
    result = run("startproject", "mysite", ".")
    assert result.exit_code == 0, result.stderr
    assert (in_tmp / "manage.py").is_file()
    assert "cd ." not in result.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "1bad",
            "Error: '1bad' is not a valid project name: use a Python identifier such as "
            "'myproject' (letters, digits and underscores, not starting with a digit).\n",
        ),
        (
            "my-site",
            "Error: 'my-site' is not a valid project name: use a Python identifier such as "
            "'myproject' (letters, digits and underscores, not starting with a digit).\n",
        ),
        (
            "class",
            "Error: 'class' is not a valid project name: use a Python identifier such as "
            "'myproject' (letters, digits and underscores, not starting with a digit).\n",
        ),
        (
            "os",
            "Error: 'os' is the name of a standard-library module; choose another project name.\n",
        ),
        (
            "test",
            "Error: 'test' is the name of a standard-library module; choose another project "
            "name.\n",
        ),
    ],
)
def test_bad_names_are_one_line_and_exit_1(in_tmp: Path, name: str, message: str) -> None:
    result = run("startproject", name)
    assert result.exit_code == 1
    assert result.stderr == message
    assert list(in_tmp.iterdir()) == []


def test_name_shadowing_an_installed_package(in_tmp: Path) -> None:
    result = run("startproject", "framework")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: 'framework' conflicts with the name of an existing Python module ("
    )
    assert result.stderr.endswith("); choose another project name.\n")


def test_non_empty_target_is_refused_and_untouched(in_tmp: Path) -> None:
    (in_tmp / "mysite").mkdir()
    (in_tmp / "mysite" / "notes.txt").write_text("keep me")
    result = run("startproject", "mysite")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {in_tmp / 'mysite'} already exists and is not empty; choose an empty directory.\n"
    )
    assert [p.name for p in (in_tmp / "mysite").iterdir()] == ["notes.txt"]


def test_custom_template(in_tmp: Path) -> None:
    template = in_tmp / "tpl"
    (template / "{{cookiecutter.project_name}}").mkdir(parents=True)
    (template / "cookiecutter.json").write_text('{"project_name": "x", "secret_key": ""}')
    (template / "{{cookiecutter.project_name}}" / "hello.txt").write_text(
        "{{ cookiecutter.project_name }} {{ cookiecutter.secret_key|length > 40 }}"
    )
    result = run("startproject", "custom", "--template", str(template))
    assert result.exit_code == 0, result.stderr
    assert (in_tmp / "custom" / "hello.txt").read_text() == "custom True"


def test_template_without_cookiecutter_json(in_tmp: Path) -> None:
    (in_tmp / "empty_tpl").mkdir()
    result = run("startproject", "custom", "--template", "empty_tpl")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {in_tmp / 'empty_tpl'} is not a cookiecutter template (no cookiecutter.json).\n"
    )
