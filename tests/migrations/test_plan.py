"""``db-plan`` and ``db-sql``: what an upgrade would run, from where the database stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.cli import call_command
from framework.conf import settings
from framework.migrations import MigrationError
from tests.support.inspection import tables


def test_plan_lists_pending_migrations_in_order_per_database(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-upgrade", "catalog@catalog_0002")
    capsys.readouterr()
    call_command("db-plan")
    out = capsys.readouterr().out
    assert "Database 'default': 6 migration(s) to apply:" in out
    assert "1. catalog catalog_0003" in out
    assert "catalog_0001" not in out and "catalog_0002" not in out
    assert "Database 'analytics': 2 migration(s) to apply:" in out
    call_command("db-upgrade")
    capsys.readouterr()
    call_command("db-plan")
    assert capsys.readouterr().out == (
        "Database 'default': nothing to apply.\nDatabase 'analytics': nothing to apply.\n"
    )


def test_plan_puts_a_dependency_before_its_dependent(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-plan", database="default")
    out = capsys.readouterr().out
    assert out.index("catalog catalog_0001") < out.index("shop shop_0001")
    assert tables() == set()  # planning changes nothing


def test_sql_without_target_prints_only_pending_migrations(
    databases: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db-upgrade", "catalog@catalog_0002")
    capsys.readouterr()
    call_command("db-sql", database="default")
    pending = capsys.readouterr().out
    assert "CREATE TABLE catalog_category" not in pending
    assert "ADD COLUMN sku" not in pending
    assert "CREATE TABLE shop_order" in pending
    call_command("db-sql", database="default", start="base")
    everything = capsys.readouterr().out
    assert "CREATE TABLE catalog_category" in everything and "ADD COLUMN sku" in everything
    call_command("db-upgrade")
    capsys.readouterr()
    call_command("db-sql", database="default")
    assert capsys.readouterr().out == "-- Database 'default'\n-- nothing to apply\n"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_mistyped_sqlite_folder_is_refused_not_created(
    databases: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    urls = {**databases, "default": f"sqlite+aiosqlite:///{missing}"}
    with settings.override(DATABASES=urls):
        for command, args in (("db-upgrade", ()), ("db-stamp", ("heads",))):
            with pytest.raises(MigrationError, match="does not exist: fix the path in DATABASES"):
                call_command(command, *args, database="default", **_no_checks(command))
        call_command("db-current", database="default")  # reading creates nothing either
    assert not missing.parent.exists()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_downgrade_of_a_missing_sqlite_file_is_refused(
    databases: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "typo.sqlite3"
    urls = {**databases, "default": f"sqlite+aiosqlite:///{missing}"}
    with (
        settings.override(DATABASES=urls),
        pytest.raises(MigrationError, match=r"typo\.sqlite3', which does not exist"),
    ):
        call_command("db-downgrade", "base", database="default")
    assert not missing.exists()


def _no_checks(command: str) -> dict[str, bool]:
    return {"skip_checks": True} if command == "db-upgrade" else {}
