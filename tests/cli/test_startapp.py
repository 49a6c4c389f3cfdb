"""startapp renders the app template and registers the app in the project's settings."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from framework.cli.app import cli
from framework.conf import ENVIRONMENT_VARIABLE, settings


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="manage.py", catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """Generate a project and make it the current one, as manage.py would."""
    monkeypatch.chdir(tmp_path)
    assert run("startproject", "site_for_apps").exit_code == 0
    root = tmp_path / "site_for_apps"
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "site_for_apps.settings")
    settings.reset()
    return root


def test_creates_the_app_and_registers_it(project: Path) -> None:
    result = run("startapp", "blog")
    assert result.exit_code == 0, result.stderr
    app = project / "blog"
    files = sorted(str(p.relative_to(app)) for p in app.rglob("*") if p.is_file())
    assert files == [
        "__init__.py",
        "apps.py",
        "commands.py",
        "controllers.py",
        "migrations/__init__.py",
        "models.py",
        "schemas.py",
        "static/blog/app.css",
        "templates/blog/index.html",
        "tests/__init__.py",
        "tests/test_blog.py",
    ]
    assert "class BlogConfig(AppConfig):" in (app / "apps.py").read_text()
    # Jinja templates of the app are copied, not rendered by cookiecutter.
    assert "{{ title }}" in (app / "templates/blog/index.html").read_text()
    assert (
        '"framework.openapi",  # /openapi.json, /docs (Swagger UI), /redoc\n    "blog",\n]'
        in (project / "site_for_apps/settings.py").read_text()
    )
    assert 'Added "blog" to INSTALLED_APPS in site_for_apps/settings.py.' in result.stdout


def test_second_app_and_the_registry(project: Path) -> None:
    run("startapp", "blog")
    run("startapp", "shop_items")
    sys.modules.pop("site_for_apps.settings")  # a new manage.py process would import it afresh
    settings.reset()
    assert settings.INSTALLED_APPS == [
        "framework.contrib.auth",
        "framework.openapi",
        "blog",
        "shop_items",
    ]
    import framework
    from framework.apps import apps

    framework.setup()
    config = apps.get_app_config("shop_items")
    assert (type(config).__name__, config.verbose_name) == ("ShopItemsConfig", "ShopItems")


def test_unsupported_settings_shape_prints_the_line_to_add(project: Path) -> None:
    settings_file = project / "site_for_apps/settings.py"
    settings_file.write_text(
        re.sub(
            r"INSTALLED_APPS = \[.*?\n\]",
            "BASE_APPS = []\nINSTALLED_APPS = BASE_APPS + []",
            settings_file.read_text(),
            flags=re.DOTALL,
        )
    )
    before = settings_file.read_text()
    result = run("startapp", "blog")
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: INSTALLED_APPS in site_for_apps/settings.py is not a plain list, so it was not "
        'edited. Add this line to it:\n    "blog",\n'
    )
    assert settings_file.read_text() == before
    assert (project / "blog" / "apps.py").is_file()


def test_existing_folder_is_refused(project: Path) -> None:
    (project / "blog").mkdir()
    (project / "blog" / "keep.py").write_text("")
    result = run("startapp", "blog")
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: {project / 'blog'} already exists and is not empty; "
        "choose an empty directory.\n"
    )
    assert "blog" not in (project / "site_for_apps/settings.py").read_text()


def test_bad_app_names(project: Path) -> None:
    assert run("startapp", "2blog").stderr.startswith("Error: '2blog' is not a valid app name")
    assert run("startapp", "json").stderr == (
        "Error: 'json' is the name of a standard-library module; choose another app name.\n"
    )


def test_outside_a_project_renders_in_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("startapp", "loose")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "loose" / "apps.py").is_file()
    assert 'Add "loose" to INSTALLED_APPS in your settings module.' in result.stdout


def test_package_layout(project: Path) -> None:
    result = run("startapp", "payments", "--package")
    assert result.exit_code == 0, result.stderr
    root = project / "payments"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert "pyproject.toml" in files
    assert "src/payments/apps.py" in files
    assert "src/payments/migrations/__init__.py" in files
    assert "tests/settings.py" in files and "tests/test_installed.py" in files
    assert 'packages = ["src/payments"]' in (root / "pyproject.toml").read_text()
    assert "pip install -e payments" in result.stdout
    # A reusable app is installed with pip before it is listed, so settings are untouched.
    assert "payments" not in (project / "site_for_apps/settings.py").read_text()


@pytest.mark.parametrize("label", ["auth", "openapi"])
def test_a_label_of_an_installed_app_is_refused_and_nothing_changes(
    project: Path, label: str
) -> None:
    settings_file = project / "site_for_apps/settings.py"
    before = settings_file.read_text()
    result = CliRunner().invoke(cli, ["startapp", label], prog_name="manage.py")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: The app label {label!r} is taken by the installed app")
    assert settings_file.read_text() == before
    assert not (project / label).exists()


def test_an_app_in_a_plain_subfolder_says_what_is_wrong(project: Path) -> None:
    (project / "apps").mkdir()
    result = run("startapp", "blog", "apps/blog")
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: apps/blog is in the subfolder 'apps', which is not a Python package (no "
        "__init__.py), so the app cannot be imported as 'apps.blog': add 'apps/__init__.py' "
        'and then "apps.blog" to INSTALLED_APPS, or create the app at the project root.\n'
    )


def test_a_reusable_package_inside_a_project_keeps_the_project_tests_green(
    project: Path,
) -> None:
    import subprocess

    assert run("startapp", "widgets", "--package").exit_code == 0
    env = {k: v for k, v in __import__("os").environ.items() if k != ENVIRONMENT_VARIABLE}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    own = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project / "widgets",
        env={**env, "PYTHONPATH": str(project / "widgets" / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert own.returncode == 0, own.stdout + own.stderr
    assert " passed" in own.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% if %}", "has a Jinja error in bad.py, line 1: Expected an expression"),
        ("{{ cookiecutter.nope }}", "failed to render: Unable to create file 'bad.py'."),
    ],
)
def test_a_template_with_a_jinja_error_is_one_line(
    tmp_path: Path, monkeypatch, text: str, message: str
) -> None:
    template = tmp_path / "template"
    folder = template / "{{cookiecutter.app_name}}"
    folder.mkdir(parents=True)
    (template / "cookiecutter.json").write_text('{"app_name": "x", "app_class": "X"}')
    (folder / "bad.py").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["startapp", "zed", "--template", str(template)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "zed").exists()


def test_bytecode_in_a_template_is_not_copied(tmp_path: Path, monkeypatch) -> None:
    template = tmp_path / "template"
    cache = template / "{{cookiecutter.app_name}}" / "__pycache__"
    cache.mkdir(parents=True)
    (template / "cookiecutter.json").write_text('{"app_name": "x", "app_class": "X"}')
    (cache / "apps.cpython-311.pyc").write_bytes(b"\0")
    (cache.parent / "apps.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["startapp", "zed", "--template", str(template)]).exit_code == 0
    assert [p.name for p in (tmp_path / "zed").rglob("*")] == ["apps.py"]


def _manage(root: Path, *args: str):
    import subprocess

    from tests.e2e.conftest import clean_environ

    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "package", "module"),
    [
        (("thing", "apps"), None, "apps"),
        (("thing", "apps/thing"), "apps", "apps.thing"),
    ],
    ids=["files-into-the-directory", "inside-a-package"],
)
def test_the_directory_argument_registers_the_module_that_imports(
    project: Path, args: tuple[str, ...], package: str | None, module: str
) -> None:
    if package:
        (project / package).mkdir()
        (project / package / "__init__.py").write_text("")
    created = _manage(project, "startapp", *args)
    assert created.returncode == 0, created.stderr
    assert created.stderr == ""
    target = project / args[1]
    assert (target / "apps.py").is_file() and (target / "__init__.py").is_file()
    settings_text = (project / "site_for_apps" / "settings.py").read_text()
    assert f'"{module}",' in settings_text and '"thing",' not in settings_text
    checked = _manage(project, "check")
    assert checked.returncode == 0, checked.stderr
    listed = _manage(project, "routes", "--app", "thing")
    assert listed.returncode == 0, listed.stderr
