"""Upgrade, downgrade and stamp on real databases: order, data, failures, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.cli.runtime import run_async
from framework.migrations import (
    MigrationError,
    current,
    downgrade,
    pending,
    stamp,
    upgrade,
)
from tests.support.databases import PROJECT_DIR
from tests.support.inspection import columns, execute, rows, tables, versions

DEFAULT_TABLES = {
    "alembic_version",
    "catalog_category",
    "catalog_product",
    "shop_order",
    "blog_post",
    "faulty_log",
    "notes_note",
}
# What the version table holds at the heads: catalog_0003 is implied by faulty_0002, which
# depends on it, so Alembic does not record it separately.
DEFAULT_HEADS = {"shop_0001", "blog_0001", "faulty_0002", "notes_0001"}
FAULTY_0002 = PROJECT_DIR / "faulty" / "migrations" / "faulty_0002_add_level_then_fail.py"


def applied(alias: str = "default", target: str = "heads") -> list[str]:
    return [step.revision for step in run_async(upgrade, alias, target)]


def test_upgrade_applies_every_app_in_dependency_order(databases: dict[str, str]) -> None:
    order = applied()
    assert sorted(order) == sorted(
        [
            "catalog_0001",
            "catalog_0002",
            "catalog_0003",
            "shop_0001",
            "blog_0001",
            "faulty_0001",
            "faulty_0002",
            "notes_0001",
        ]
    )
    assert order.index("catalog_0001") < order.index("shop_0001")
    assert order.index("catalog_0003") < order.index("faulty_0002")
    assert tables() == DEFAULT_TABLES
    assert versions() == DEFAULT_HEADS
    assert sorted(applied("analytics")) == ["blog_visits_0001", "metrics_0001"]
    assert tables("analytics") == {"alembic_version", "blog_visit", "metrics_event"}


def test_upgrade_again_does_nothing(databases: dict[str, str]) -> None:
    applied()
    assert applied() == []
    assert versions() == DEFAULT_HEADS


def test_current_and_pending_follow_the_database(databases: dict[str, str]) -> None:
    assert [app for app, _ in run_async(pending, "default")][:1] == ["catalog"]
    assert len(run_async(pending, "default")) == 8
    applied("default", "catalog@catalog_0002")
    states = {state.app: state for state in run_async(current, "default")}
    assert (states["catalog"].current, states["catalog"].head) == ("catalog_0002", "catalog_0003")
    assert not states["catalog"].up_to_date
    assert states["shop"].current is None
    applied()
    assert all(state.up_to_date for state in run_async(current, "default"))
    assert run_async(pending, "default") == []


def test_downgrade_of_one_app_leaves_the_others(databases: dict[str, str]) -> None:
    applied()
    reverted = run_async(downgrade, "default", "shop@base")
    assert [step.revision for step in reverted] == ["shop_0001"]
    assert tables() == DEFAULT_TABLES - {"shop_order"}
    assert versions() == DEFAULT_HEADS - {"shop_0001"}


def test_downgrade_of_an_app_takes_its_dependants_first(databases: dict[str, str]) -> None:
    applied()
    reverted = [step.revision for step in run_async(downgrade, "default", "catalog@base")]
    assert reverted.index("shop_0001") < reverted.index("catalog_0001")
    assert reverted.index("faulty_0002") < reverted.index("catalog_0003")
    assert tables() == {"alembic_version", "blog_post", "faulty_log", "notes_note"}


def test_round_trip_upgrade_downgrade_to_base_upgrade(databases: dict[str, str]) -> None:
    applied()
    run_async(downgrade, "default", "base")
    assert tables() == {"alembic_version"}
    assert versions() == set()
    applied()
    assert tables() == DEFAULT_TABLES
    assert versions() == DEFAULT_HEADS


def test_rows_survive_an_added_column(databases: dict[str, str]) -> None:
    applied("default", "catalog@catalog_0001")
    execute("INSERT INTO catalog_category (id, name) VALUES (1, 'books')")
    execute("INSERT INTO catalog_product (id, name, price, category_id) VALUES (7, 'Dune', 9, 1)")
    applied()
    assert "sku" in columns("catalog_product")
    assert rows("SELECT id, name, price, category_id, sku FROM catalog_product") == [
        (7, "Dune", 9, 1, None)
    ]


def test_rebuilding_a_parent_table_keeps_its_cascading_children(
    databases: dict[str, str],
) -> None:
    # catalog_0003 changes catalog_category's column type: SQLite rebuilds the table (copy,
    # drop, rename). With foreign keys on, dropping it would cascade into the products.
    applied("default", "catalog@catalog_0002")
    execute("INSERT INTO catalog_category (id, name) VALUES (1, 'books')")
    execute("INSERT INTO catalog_product (id, name, price, category_id) VALUES (1, 'A', 1, 1)")
    execute("INSERT INTO catalog_product (id, name, price, category_id) VALUES (2, 'B', 2, 1)")
    assert applied("default", "catalog@catalog_0003") == ["catalog_0003"]
    assert rows("SELECT id FROM catalog_product ORDER BY id") == [(1,), (2,)]
    execute("DELETE FROM catalog_category WHERE id = 1")
    assert rows("SELECT id FROM catalog_product") == []  # the cascade still works afterwards


def test_migration_failing_half_way_leaves_schema_and_versions_as_they_were(
    databases: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAULTY_FAIL", "1")
    with pytest.raises(MigrationError) as caught:
        applied()
    assert str(caught.value) == (
        "Migration 'faulty faulty_0002 add level then fail' failed and was rolled back "
        f"(upgrade; {FAULTY_0002}): RuntimeError: failing half-way on purpose"
    )
    assert "faulty_0002" not in versions()
    assert "faulty_0001" in versions()
    assert columns("faulty_log") == ["id", "note"]
    assert rows("SELECT id, note FROM faulty_log") == [(1, "before")]
    monkeypatch.delenv("FAULTY_FAIL")
    assert "faulty_0002" in applied()
    assert rows("SELECT id, note, level FROM faulty_log ORDER BY id") == [
        (1, "before", None),
        (2, "during", 1),
    ]


def test_first_migration_failing_leaves_no_version_table(
    databases: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    applied("default", "catalog@catalog_0003")
    run_async(downgrade, "default", "base")
    monkeypatch.setenv("FAULTY_FAIL", "1")
    with pytest.raises(MigrationError):
        applied("default", "faulty@faulty_0002")
    assert versions() == {"catalog_0003", "faulty_0001"}


def test_migration_leaving_dangling_foreign_keys_is_rolled_back(
    databases: dict[str, str], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAULTY_DANGLING", "1")
    with pytest.raises(MigrationError) as caught:
        applied()
    if backend == "sqlite":  # foreign keys are off during migrations: the check catches it
        assert str(caught.value) == (
            "Migration 'faulty faulty_0002 add level then fail' was rolled back: it leaves "
            "rows whose foreign key points nowhere (catalog_product row 999 -> "
            "catalog_category); fix the data in the migration, then run it again."
        )
    else:  # PostgreSQL refuses the row itself
        assert str(caught.value).startswith(
            "Migration 'faulty faulty_0002 add level then fail' failed and was rolled back "
            f"(upgrade; {FAULTY_0002}): IntegrityError: "
        )
    assert rows("SELECT COUNT(*) FROM catalog_product") == [(0,)]
    assert "faulty_0002" not in versions()


def test_unknown_database_revision_is_refused_before_any_ddl(databases: dict[str, str]) -> None:
    execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    execute("INSERT INTO alembic_version VALUES ('0badc0ffee00')")
    with pytest.raises(MigrationError) as caught:
        applied()
    assert str(caught.value) == (
        "Database 'default' is at revision '0badc0ffee00', which no migration file defines "
        "(was a file deleted, or is the app missing from INSTALLED_APPS?): restore it, or fix "
        "the version table with 'python manage.py db-stamp'."
    )
    assert tables() == {"alembic_version"}


def test_deleted_migration_file_is_refused_before_any_ddl(
    databases: dict[str, str], tmp_path: Path
) -> None:
    applied("default", "blog@head")
    execute("UPDATE alembic_version SET version_num = 'blog_0002'")  # a file since deleted
    with pytest.raises(MigrationError) as caught:
        applied()
    assert "is at revision 'blog_0002', which no migration file defines" in str(caught.value)
    assert tables() == {"alembic_version", "blog_post"}


def test_stamp_records_revisions_without_running_them(databases: dict[str, str]) -> None:
    stamped = run_async(stamp, "default", "heads")
    assert {step.revision for step in stamped} == DEFAULT_HEADS
    assert tables() == {"alembic_version"}
    assert versions() == DEFAULT_HEADS
    run_async(stamp, "default", "base")
    assert versions() == set()


def test_unknown_target_is_reported(databases: dict[str, str]) -> None:
    with pytest.raises(MigrationError) as caught:
        applied("default", "nope@head")
    assert str(caught.value) == "Database 'default': Can't locate revision identified by 'nope'"


def test_reusable_app_migrations_apply_like_the_project_own(databases: dict[str, str]) -> None:
    from framework.migrations import load_scripts

    entry = load_scripts("default").by_label["notes"]
    assert not entry.local
    assert "site-packages" not in str(entry.directory)
    applied()
    assert "notes_note" in tables()
    assert "notes_0001" in versions()
