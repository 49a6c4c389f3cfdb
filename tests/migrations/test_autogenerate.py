"""Comparing models with migrations on a scratch database, never on the real one."""

from __future__ import annotations

from pathlib import Path

from framework.cli.runtime import run_async
from framework.db import engines
from framework.migrations import load_scripts
from framework.migrations.autogenerate import compare
from framework.migrations.locations import owned_tables
from tests.support.inspection import rows, tables


def changes(alias: str) -> dict[str, object]:
    scripts = load_scripts(alias)
    return run_async(compare, engines.config(alias), scripts, owned_tables(alias, scripts.entries))


def test_the_test_project_models_match_its_migrations(databases: dict[str, str]) -> None:
    assert changes("default") == {}
    assert changes("analytics") == {}


def test_the_real_database_is_left_untouched(databases: dict[str, str], backend: str) -> None:
    changes("default")
    if backend == "sqlite":
        assert not Path(engines.config().url.database or "").exists()
    else:
        assert tables() == set()
        schemas = rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'framework_scratch_%'")
        assert schemas == []


def test_owners_come_from_models_and_from_migrations(databases: dict[str, str]) -> None:
    scripts = load_scripts("default")
    owners = owned_tables("default", scripts.entries)
    assert owners["catalog_product"] == "catalog"
    assert owners["faulty_log"] == "faulty"
    assert owners["notes_note"] == "notes"
    assert "blog_visit" not in owners  # lives on the analytics database
    assert owned_tables("analytics", load_scripts("analytics").entries) == {
        "blog_visit": "blog",
        "metrics_event": "metrics",
    }
