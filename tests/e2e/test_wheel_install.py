"""A new user's install: the wheel (not an editable checkout) in a clean virtualenv.

The templates must ship inside the wheel, the console script must work, and a reusable app
made with ``startapp --package`` must install with pip and pass its own tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import free_port, run, start_server

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and install it (with pytest) into a brand-new virtualenv."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base), str(ROOT)],
        check=True,
    )
    [wheel] = base.glob("framework-*.whl")
    target = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    subprocess.run(
        [str(target / "bin" / "pip"), "install", "--quiet", str(wheel), "pytest", "pytest-asyncio"],
        check=True,
    )
    return target


def test_installed_from_the_wheel_not_the_checkout(venv: Path) -> None:
    result = run(
        [str(venv / "bin/python"), "-c", "import framework; print(framework.__file__)"], cwd=venv
    )
    assert str(venv) in result.stdout
    assert str(ROOT) not in result.stdout


def test_startproject_check_runserver_and_tests(venv: Path, tmp_path: Path) -> None:
    python = str(venv / "bin/python")
    result = run([str(venv / "bin/framework"), "startproject", "mysite"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "mysite"
    assert run([python, "manage.py", "check"], cwd=project).returncode == 0
    result = run([python, "manage.py", "startapp", "blog"], cwd=project)
    assert result.returncode == 0, result.stderr
    result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    port = free_port()
    with start_server(
        [python, "manage.py", "runserver", str(port), "--noreload"], project, port
    ) as server:
        assert server.get("/").status_code == 200


def test_reusable_app_installs_and_passes_its_tests(venv: Path, tmp_path: Path) -> None:
    python = str(venv / "bin/python")
    run([str(venv / "bin/framework"), "startproject", "shopsite"], cwd=tmp_path)
    project = tmp_path / "shopsite"
    result = run([python, "manage.py", "startapp", "payments", "--package"], cwd=project)
    assert result.returncode == 0, result.stderr
    result = run([str(venv / "bin/pip"), "install", "--quiet", "-e", "payments"], cwd=project)
    assert result.returncode == 0, result.stderr
    result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project / "payments")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout
    # Installed with pip, the app drops into the project like any other.
    settings_file = project / "shopsite" / "settings.py"
    settings_file.write_text(
        settings_file.read_text().replace(
            '"framework.openapi",  # /openapi.json, /docs (Swagger UI), /redoc\n]',
            '"framework.openapi",\n    "payments",\n]',
        )
    )
    result = run(
        [
            python,
            "manage.py",
            "shell",
            "-c",
            "print(apps.get_app_config('payments').path.parent.name)",
        ],
        cwd=project,
    )
    assert result.stdout == "src\n", result.stderr


def test_the_admin_without_its_extra_is_one_line_naming_the_install(
    venv: Path, tmp_path: Path
) -> None:
    python = str(venv / "bin/python")
    run([str(venv / "bin/framework"), "startproject", "adminsite"], cwd=tmp_path)
    project = tmp_path / "adminsite"
    settings_file = project / "adminsite" / "settings.py"
    source = settings_file.read_text()
    settings_file.write_text(
        source.replace(
            '"framework.openapi",  # /openapi.json, /docs (Swagger UI), /redoc\n]',
            '"framework.openapi",\n    "framework.contrib.admin",\n]',
        )
    )
    assert settings_file.read_text() != source
    result = run([python, "manage.py", "check"], cwd=project)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].endswith(
        "'sqladmin' is required for the admin but is not installed: pip install "
        '"framework[admin]"'
    ), result.stderr
