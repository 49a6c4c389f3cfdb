"""A user's first minutes, run for real: startproject, check, startapp, tests, runserver."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

from .conftest import free_port, run, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate one project (with a blog app) for the tests of this module."""
    base = tmp_path_factory.mktemp("e2e")
    framework = Path(sys.executable).parent / "framework"
    result = run([str(framework), "startproject", "mysite"], cwd=base)
    assert result.returncode == 0, result.stderr
    root = base / "mysite"
    result = run([sys.executable, "manage.py", "startapp", "blog"], cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_check_passes(project: Path) -> None:
    result = run([sys.executable, "manage.py", "check"], cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues.\n"


def test_blog_is_registered(project: Path) -> None:
    result = run([sys.executable, "manage.py", "settings", "--json", "INSTALLED_APPS"], cwd=project)
    assert json.loads(result.stdout)["INSTALLED_APPS"]["value"] == [
        "framework.contrib.auth",
        "framework.openapi",
        "blog",
    ]


def test_generated_tests_pass(project: Path) -> None:
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_help_lists_project_commands(project: Path) -> None:
    result = run([sys.executable, "manage.py", "--help"], cwd=project)
    assert result.returncode == 0
    for name in ("runserver", "serve", "shell", "check", "settings", "startapp"):
        assert f"  {name} " in result.stdout


def test_runserver_serves_and_reloads_on_change(project: Path) -> None:
    port = free_port()
    with start_server(
        [sys.executable, "manage.py", "runserver", str(port)], project, port
    ) as server:
        response = server.get("/")
        assert response.status_code == 200
        assert "The project is running." in response.text
        output = server.output()
        assert f"http://127.0.0.1:{port}/" in output and "mysite.settings" in output
        server.wait_for_output("Application startup complete.")
        controllers = project / "blog" / "controllers.py"
        controllers.write_text(controllers.read_text() + "\nCHANGED = True\n")
        server.wait_for_output("Application startup complete.", timeout=60, count=2)
        assert "Changed: controllers.py; reloading" in server.output()
        assert server.get("/").status_code == 200


def test_runserver_stops_on_check_errors(project: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "runserver", str(free_port())],
        cwd=project,
        DEBUG="false",
        SECRET_KEY="short",
    )
    assert result.returncode == 1
    assert "security.E001" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: System check identified")


def test_runserver_refuses_a_busy_port(project: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run([sys.executable, "manage.py", "runserver", str(port)], cwd=project)
    assert result.returncode == 1
    # The new project's auth tables are not migrated yet: runserver warns first, as Django does.
    assert result.stderr.startswith("Warning: 1 unapplied migration(s) on database 'default'")
    assert result.stderr.splitlines()[-1].startswith(f"Error: Cannot listen on 127.0.0.1:{port}: ")


def test_serve_runs_without_reload(project: Path) -> None:
    port = free_port()
    # The generated .env turns DEBUG on for development: serve needs that said explicitly.
    args = [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1", "--debug"]
    with start_server(args, project, port) as server:
        assert server.get("/").status_code == 200
        assert "Reload" not in server.output()
        assert "Serving with DEBUG on (--debug): not for production." in server.output()
        page = httpx.get(f"{server.url}/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "You see this page because DEBUG is on" in page.text


def test_serve_refuses_the_development_dotenv_naming_its_line(project: Path) -> None:
    args = [sys.executable, "manage.py", "serve", "--port", str(free_port())]
    result = run(args, cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: DEBUG is on (set in .env line 3), and serve is the production server: the "
        "debug page would show tracebacks, settings and local variables to anyone. Set "
        "DEBUG=false there, or pass --debug to serve with DEBUG on anyway.\n"
    )


def test_shell_command(project: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "shell", "-c", "print(settings.INSTALLED_APPS)"], cwd=project
    )
    assert result.stdout == "['framework.contrib.auth', 'framework.openapi', 'blog']\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["startproject", "1bad"], "Error: '1bad' is not a valid project name"),
        (["startproject", "os"], "Error: 'os' is the name of a standard-library module"),
        (["runsever"], "Error: No such command 'runsever'. Did you mean 'runserver'?"),
        (["settings", "DEBG"], "Error: Setting 'DEBG' is not defined. Did you mean 'DEBUG'?"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(project: Path, args: list[str], message: str) -> None:
    result = run([sys.executable, "manage.py", *args], cwd=project)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_broken_app_names_app_and_module(project: Path) -> None:
    (project / "blog" / "models.py").write_text("import not_a_module\n")
    try:
        result = run([sys.executable, "manage.py", "check"], cwd=project)
    finally:
        (project / "blog" / "models.py").write_text("")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: App 'blog' failed to import 'blog.models': ModuleNotFoundError: No module named "
        "'not_a_module'\n"
    )


def test_missing_secret_key_names_where_to_set_it(project: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "check"],
        cwd=project,
        FRAMEWORK_ENV_FILE=str(project / "missing.env"),
    )
    assert result.returncode == 1
    assert "(security.E001) SECRET_KEY is not set and DEBUG is off." in result.stderr
    assert "Put a long random value in the .env file or the environment" in result.stderr


def test_typo_in_settings_is_a_check_warning(project: Path) -> None:
    settings_file = project / "mysite" / "settings.py"
    original = settings_file.read_text()
    settings_file.write_text(original + "\nDEBG = True\n")
    try:
        result = run([sys.executable, "manage.py", "check"], cwd=project)
    finally:
        settings_file.write_text(original)
    assert result.returncode == 0
    assert "(conf.W001) Unknown setting 'DEBG' in mysite.settings." in result.stderr
    assert "HINT: Did you mean 'DEBUG'?" in result.stderr
