"""The ``db-*`` commands, in-process (``call_command``) and parsed by click (``CliRunner``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from framework.checks import Error
from framework.checks.registry import registry
from framework.cli import call_command
from framework.cli.app import cli
from framework.cli.migration_report import warn_unapplied_migrations
from framework.conf import settings
from framework.exceptions import CommandError
from framework.migrations import MigrationError
from tests.support.inspection import tables, versions


def test_upgrade_prints_each_migration_and_a_summary(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-upgrade")
    out = capsys.readouterr().out
    assert "Upgrading database 'default' to heads:" in out
    assert "Applied catalog catalog_0001 initial (" in out
    assert "Database 'default': applied 8 migration(s) in " in out
    assert "Database 'analytics': applied 2 migration(s) in " in out
    call_command("db-upgrade")
    assert "Database 'default' is up to date." in capsys.readouterr().out


def test_upgrade_to_an_app_target_touches_only_its_database(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-upgrade", "metrics@head")
    out = capsys.readouterr().out
    assert "Upgrading database 'analytics' to metrics@head:" in out
    assert "database 'default'" not in out
    assert tables() == set()
    assert versions("analytics") == {"metrics_0001"}


def test_downgrade_needs_an_explicit_target(databases: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["db-downgrade"])
    assert result.exit_code == 1
    assert result.stderr == "Error: Missing argument 'TARGET'.\n"


def test_downgrade_of_one_app(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-upgrade")
    capsys.readouterr()
    call_command("db-downgrade", "shop@base")
    out = capsys.readouterr().out
    assert "Reverted shop shop_0001 initial" in out
    assert "Database 'default': reverted 1 migration(s) in " in out
    assert "shop_order" not in tables()


def test_inspection_commands(databases: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("db-upgrade", "catalog@catalog_0002")
    capsys.readouterr()
    call_command("db-current")
    current = capsys.readouterr().out
    assert "catalog_0002" in current and "behind" in current and "not applied" in current
    call_command("db-heads")
    heads = capsys.readouterr().out
    assert "catalog_0003" in heads and "metrics_0001" in heads
    call_command("db-history", database="default")
    history = capsys.readouterr().out
    assert "catalog_0003" in history and "longer category" in history
    assert "analytics" not in history and "blog_visits_0001" not in history
    call_command("db-show", "catalog_0002")
    shown = capsys.readouterr().out
    assert "Revision:       catalog_0002" in shown
    assert "Revises:        catalog_0001" in shown
    assert "catalog_0002_product_sku.py" in shown


def test_stamp_and_sql(databases: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("db-stamp", "notes@head")
    assert "Stamped notes notes_0001 recorded" in capsys.readouterr().out
    assert versions() == {"notes_0001"}
    call_command("db-sql", "catalog_0001:catalog_0002")
    out = capsys.readouterr().out
    assert out.startswith("-- Database 'default'\n")
    assert "ADD COLUMN sku VARCHAR(20)" in out


def test_check_and_migrate_find_nothing_to_do(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-check")
    assert capsys.readouterr().out == "No changes: the models match the migrations.\n"
    call_command("db-migrate")
    assert capsys.readouterr().out == "No changes detected.\n"
    call_command("db-merge")
    assert capsys.readouterr().out == "No app has several heads; nothing to merge.\n"


def test_failing_migration_raises_with_its_name(
    databases: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAULTY_FAIL", "1")
    with pytest.raises(MigrationError) as caught:
        call_command("db-upgrade")
    assert str(caught.value).startswith(
        "Migration 'faulty faulty_0002 add level then fail' failed and was rolled back"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["db-upgrade", "nope@head"],
            "Error: No migration 'nope@head' on any database (default, analytics); see "
            "'python manage.py db-history'.\n",
        ),
        (
            ["db-migrate", "blgo"],
            "Error: No installed app with label 'blgo'. Did you mean 'blog'?\n",
        ),
        (
            ["db-current", "--database", "analytic"],
            "Error: The database alias 'analytic' is not in DATABASES (known: 'default', "
            "'analytics'). Did you mean 'analytics'?\n",
        ),
    ],
)
def test_user_errors_are_one_line_and_exit_1(
    databases: dict[str, str], args: list[str], message: str
) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr == message


def test_check_exits_0_when_models_match(databases: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["db-check"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def failing_check() -> Iterator[None]:
    def broken(app_configs: object = None) -> list[Error]:
        return [Error("Broken on purpose.", id="tests.E001")]

    registry._checks.append((broken, frozenset(), False))
    yield
    registry._checks.remove((broken, frozenset(), False))


def test_upgrade_runs_the_system_checks_first(
    databases: dict[str, str], failing_check: None
) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("db-upgrade")
    assert str(caught.value) == (
        "System check identified 1 issue(s), 1 at ERROR or above: tests.E001."
    )
    assert tables() == set()
    call_command("db-upgrade", skip_checks=True)
    assert "catalog_product" in tables()


def test_runserver_warning_names_the_command(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-upgrade", "blog@head")
    capsys.readouterr()
    warn_unapplied_migrations()
    assert capsys.readouterr().err == (
        "Warning: 7 unapplied migration(s) on database 'default' (app(s): catalog, faulty, "
        "notes, shop); the project may not work properly until you run "
        "'python manage.py db-upgrade'.\n"
        "Warning: 1 unapplied migration(s) on database 'analytics' (app(s): metrics); the "
        "project may not work properly until you run 'python manage.py db-upgrade'.\n"
    )
    call_command("db-upgrade")
    capsys.readouterr()
    warn_unapplied_migrations()
    assert capsys.readouterr().err == ""


def test_runserver_warning_never_fails(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    unreachable = {**databases, "default": "postgresql+asyncpg://nobody@127.0.0.1:9/none"}
    with settings.override(DATABASES=unreachable):
        warn_unapplied_migrations()
    assert capsys.readouterr().err.startswith("Warning: Could not check for unapplied migrations: ")
