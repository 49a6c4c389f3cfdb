"""``db-sql``: the exact SQL of an upgrade, without touching the database."""

from __future__ import annotations

import pytest

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
