"""System checks of ``TASKS``: broken entries, procrastinate's needs, in-memory backends in
deployments that span processes or hosts."""

from __future__ import annotations

import pytest

import framework
from framework.checks import run_checks

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
PG = "postgresql+asyncpg://user@db.internal/site"


def ids(messages) -> list[str]:
    return [message.id for message in messages if message.id.startswith("tasks.")]


def project(make_settings_module, body: str) -> None:
    make_settings_module(f"SECRET_KEY = {STRONG!r}\n" + body)
    framework.setup()


def test_a_broken_tasks_setting_is_an_error(make_settings_module) -> None:
    project(make_settings_module, "TASKS = {'default': {'BACKEND': 'celery'}}\n")
    [message] = [m for m in run_checks(tags=["tasks"])]
    assert message.id == "tasks.E001"
    assert "TASKS['default']['BACKEND'] is 'celery'" in message.msg


def test_procrastinate_needs_postgres_and_the_contrib_app(make_settings_module) -> None:
    project(make_settings_module, "TASKS = {'default': {'BACKEND': 'procrastinate'}}\n")
    messages = run_checks(tags=["tasks"])
    assert ids(messages) == ["tasks.E002", "tasks.E003"]
    assert messages[0].msg == (
        "TASKS['default'] uses the 'procrastinate' backend on the database 'default', which "
        "is sqlite: it needs PostgreSQL."
    )


def test_procrastinate_on_postgres_with_the_app_is_fine(make_settings_module) -> None:
    project(
        make_settings_module,
        f"DATABASES = {{'default': {PG!r}}}\nINSTALLED_APPS = ['framework.contrib.tasks']\n"
        "TASKS = {'default': {'BACKEND': 'procrastinate'}}\n",
    )
    assert ids(run_checks(tags=["tasks"], include_deployment=True)) == []


def test_sqlite_with_inprocess_needs_nothing(make_settings_module, monkeypatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    project(make_settings_module, "")
    assert ids(run_checks(include_deployment=True)) == []


def test_inprocess_with_several_web_workers_is_a_deploy_warning(
    make_settings_module, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    project(make_settings_module, "")
    assert ids(run_checks(tags=["tasks"])) == []  # only with --deploy
    [message] = [m for m in run_checks(include_deployment=True) if m.id == "tasks.W001"]
    assert message.msg.startswith(
        "TASKS['default'] uses the 'inprocess' backend while the server runs 4 worker "
        "processes: each job lives in the memory of the process that "
        "enqueued it"
    )
    assert 'pip install "framework[tasks]"' in (message.hint or "")


def test_inprocess_on_postgres_is_a_deploy_warning(
    make_settings_module, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    project(make_settings_module, f"DATABASES = {{'default': {PG!r}}}\n")
    [message] = [m for m in run_checks(include_deployment=True) if m.id == "tasks.W001"]
    assert "while the project runs on PostgreSQL, which is how several hosts share it" in (
        message.msg
    )


def test_the_immediate_backend_is_a_deploy_warning(make_settings_module) -> None:
    project(make_settings_module, "TASKS = {'default': {'BACKEND': 'immediate'}}\n")
    assert ids(run_checks(include_deployment=True)) == ["tasks.W002"]


def test_serve_with_several_workers_prints_the_warning(
    make_settings_module, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from click.testing import CliRunner

    from framework.cli.app import cli

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    make_settings_module(f"SECRET_KEY = {STRONG!r}\nDEBUG = False\n")
    started: list[int] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(kw["workers"]))
    result = CliRunner().invoke(cli, ["serve", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert started == [3]
    assert "tasks.W001" in result.output
    assert "TASKS['default'] uses the 'inprocess' backend while the server runs 3 worker" in (
        " ".join(result.output.split())
    )
