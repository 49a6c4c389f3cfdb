"""``manage.py serve`` is production: DEBUG on is refused, naming where it was turned on."""

from __future__ import annotations

from click.testing import CliRunner

from framework.cli.app import cli

MODULE = "SECRET_KEY = 'from-module-but-long-enough-0123456789abcdef'\nDEBUG = False\n"


def serve(*args: str):
    return CliRunner().invoke(cli, ["serve", *args], prog_name="manage.py", catch_exceptions=False)


def refusal(origin: str) -> str:
    return (
        f"Error: DEBUG is on (set in {origin}), and serve is the production server: the debug "
        "page would show tracebacks, settings and local variables to anyone. Set DEBUG=false "
        "there, or pass --debug to serve with DEBUG on anyway.\n"
    )


def test_debug_from_the_dotenv_file_is_refused_naming_the_line(
    make_settings_module, clean_env
) -> None:
    make_settings_module(MODULE, env="# Local development settings\nDEBUG=true\n")
    result = serve()
    assert (result.exit_code, result.stderr) == (1, refusal(".env line 2"))


def test_debug_from_the_environment_is_refused_naming_the_variable(
    make_settings_module, monkeypatch, clean_env
) -> None:
    make_settings_module(MODULE)
    monkeypatch.setenv("DEBUG", "1")
    result = serve("--port", "8001")
    assert (result.exit_code, result.stderr) == (1, refusal("environment variable DEBUG"))


def test_debug_from_the_settings_module_is_refused_naming_the_file(
    make_settings_module, clean_env
) -> None:
    module = make_settings_module(MODULE.replace("DEBUG = False", "DEBUG = True"))
    path = module.replace(".", "/") + ".py"
    result = serve()
    assert (result.exit_code, result.stderr) == (1, refusal(f"settings module {path}"))


def test_the_debug_option_is_documented(make_settings_module) -> None:
    make_settings_module(MODULE)
    result = CliRunner().invoke(cli, ["serve", "--help"], prog_name="manage.py")
    assert "--debug" in result.stdout
    assert "never on a public server" in result.stdout
