"""``db-sql``: the exact SQL of an upgrade, without touching the database."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from framework.cli import call_command
from framework.cli.runtime import run_async
from framework.db import engines
from framework.migrations import MigrationError, load_scripts
from framework.migrations.sql import migration_sql
from tests.support.inspection import tables


def sql(target: str = "heads", start: str | None = None, alias: str = "default") -> str:
    return run_async(migration_sql, engines.config(alias), load_scripts(alias), target, start)


def test_sql_of_every_migration_changes_nothing(databases: dict[str, str], backend: str) -> None:
    text = sql()
    assert "CREATE TABLE catalog_category" in text
    assert "CREATE TABLE shop_order" in text
    assert "ALTER TABLE catalog_product ADD COLUMN sku VARCHAR(20)" in text
    assert "INSERT INTO alembic_version (version_num) VALUES ('catalog_0001')" in text
    assert text.count("COMMIT;") == 8  # one transaction per migration
    assert tables() == set()


def test_sql_of_a_range(databases: dict[str, str]) -> None:
    text = sql("catalog@catalog_0002", start="catalog_0001")
    assert "ALTER TABLE catalog_product ADD COLUMN sku VARCHAR(20)" in text
    assert "CREATE TABLE catalog_category" not in text
    assert text.count("COMMIT;") == 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_table_rebuilds_are_shown_statement_by_statement(
    databases: dict[str, str],
) -> None:
    text = sql("catalog@catalog_0003", start="catalog_0002")
    assert "CREATE TABLE _alembic_tmp_catalog_category (" in text
    assert "DROP TABLE catalog_category;" in text
    assert "ALTER TABLE _alembic_tmp_catalog_category RENAME TO catalog_category;" in text
    assert "PRAGMA" not in text


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_postgresql_alters_in_place(databases: dict[str, str]) -> None:
    text = sql("catalog@catalog_0003", start="catalog_0002")
    assert "ALTER TABLE catalog_category ALTER COLUMN name TYPE VARCHAR(80);" in text


def test_unknown_target_is_reported(databases: dict[str, str]) -> None:
    with pytest.raises(MigrationError) as caught:
        sql("nope@head")
    assert "Can't locate revision identified by 'nope'" in str(caught.value)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_sqlite_script_runs_in_the_sqlite3_client(
    databases: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = shutil.which("sqlite3")
    assert client, "the sqlite3 client is missing: scripts/system_packages.py sqlite3 installs it"
    call_command("db-sql", database="default", start="base")
    script = capsys.readouterr().out
    target = tmp_path / "from_script.sqlite3"
    ran = subprocess.run(
        [client, str(target)], input=script, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    assert script.count("BEGIN;") == script.count("COMMIT;") == 8  # one transaction each
    listed = subprocess.run(
        [client, str(target), "SELECT name FROM sqlite_master WHERE type = 'table'"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert {"catalog_category", "shop_order", "alembic_version"} <= set(listed.stdout.split())
    notes = subprocess.run(
        [client, str(target), "SELECT note FROM faulty_log"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "before" in notes.stdout.split()  # a bulk insert's values are written into the script
    assert tables() == set()  # the project's database was not touched
