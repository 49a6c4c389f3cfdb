"""User mistakes end in one clear line naming the culprit, never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from framework.apps import apps
from framework.cli.app import cli

KEY = 'SECRET_KEY = "one-line-errors-test-key-0123456789-abcdefghijklmnopqrstuvwxyz"\n'


@pytest.fixture(autouse=True)
def fresh_registry():
    apps.reset()
    yield
    apps.reset()


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="manage.py", catch_exceptions=False)


def assert_one_line(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.stderr
    return result.stderr


def test_check_imports_every_app_module(make_settings_module) -> None:
    make_settings_module(
        KEY + 'INSTALLED_APPS = ["brokenctl"]\n',
        apps_source={
            "brokenctl/__init__.py": "",
            "brokenctl/controllers.py": "from framework.web import Controller\nundefined_name\n",
        },
    )
    stderr = assert_one_line(invoke("check"))
    assert (
        "ERROR brokenctl: (apps.E002) App 'brokenctl' failed to import 'brokenctl.controllers': "
        "NameError: name 'undefined_name' is not defined" in stderr
    )
    assert stderr.endswith("1 at ERROR or above: apps.E002.\n")


def test_check_names_an_unknown_app_database(make_settings_module) -> None:
    make_settings_module(
        KEY + 'INSTALLED_APPS = ["reports"]\n'
        'DATABASES = {"default": "sqlite+aiosqlite:///:memory:", "analytics": '
        '"sqlite+aiosqlite:///:memory:"}\n',
        apps_source={
            "reports/__init__.py": "",
            "reports/apps.py": "from framework.apps import AppConfig\n\n"
            "class ReportsConfig(AppConfig):\n    database = 'analytcs'\n",
        },
    )
    stderr = assert_one_line(invoke("check"))
    assert (
        "App 'reports' uses database 'analytcs', which is not in DATABASES (analytics, default)."
        in stderr
    )
    assert "Did you mean 'analytics'?" in stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('PASSWORD_SCHEMES = ["argn2"]', "no crypt handler found for algorithm: 'argn2'"),
        (
            'PASSWORD_SCHEME_OPTIONS = {"argon2": {"memroy_cost": 65536}}',
            "keyword not supported by argon2 handler: 'memroy_cost'",
        ),
    ],
)
def test_check_names_a_wrong_password_scheme_or_option(
    make_settings_module, setting: str, message: str
) -> None:
    make_settings_module(KEY + "INSTALLED_APPS = []\n" + setting + "\n")
    stderr = assert_one_line(invoke("check"))
    assert "ERROR (auth.E001)" in stderr and message in stderr


def test_check_names_a_missing_hashing_library(make_settings_module, monkeypatch) -> None:
    import sys

    make_settings_module(KEY + "INSTALLED_APPS = []\n")
    monkeypatch.setitem(sys.modules, "argon2", None)  # as if argon2-cffi were not installed
    stderr = assert_one_line(invoke("check"))
    assert "ERROR (auth.E002)" in stderr and "'argon2' is not installed" in stderr
    assert "pip install argon2-cffi" in stderr


def test_check_names_an_unimportable_middleware(make_settings_module) -> None:
    make_settings_module(
        KEY + 'INSTALLED_APPS = []\nMIDDLEWARE = ["framework.web.middleware.GZipMiddlewar"]\n'
    )
    stderr = assert_one_line(invoke("check"))
    assert "(web.E001) Module 'framework.web.middleware' (from MIDDLEWARE) has no" in stderr
    assert "GZipMiddlewar" in stderr


def test_routes_of_an_unknown_app(make_settings_module) -> None:
    make_settings_module(KEY + 'INSTALLED_APPS = ["framework.openapi"]\n')
    stderr = assert_one_line(invoke("routes", "--app", "openap"))
    assert stderr == "Error: No installed app with label 'openap'. Did you mean 'openapi'?\n"


def test_openapi_into_a_missing_folder(make_settings_module, tmp_path) -> None:
    make_settings_module(KEY + 'INSTALLED_APPS = ["framework.openapi"]\n')
    target = tmp_path / "missing" / "x.json"
    stderr = assert_one_line(invoke("openapi", "-o", str(target)))
    assert stderr == (
        f"Error: Cannot write '{target}': the folder '{target.parent}' does not exist; "
        "create it first or choose another path.\n"
    )
