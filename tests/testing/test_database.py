"""The ``db`` fixture of the pytest plugin, run the way a project's test suite runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.databases import PROJECT_SETTINGS, REPO, REUSABLE_DIR, postgres_url
from tests.support.inspection import tables_at

pytestmark = pytest.mark.e2e

INNER_TESTS = """
from sqlalchemy import text

from framework import db as database
from framework.db import transaction


async def test_tables_come_from_the_migrations(db):
    rows = await db.execute(text("SELECT version_num FROM alembic_version"))
    assert "shop_0001" in set(rows.scalars())


async def test_writes_and_commits_inside_a_test(db):
    from tests.fixtures.dbproject.catalog.models import Category

    await Category.create(name="books")
    async with transaction():
        await Category.create(name="films")
    async with database.session():  # code under test opening its own session
        await Category.create(name="music")
    assert await Category.query().count() == 3


async def test_each_test_starts_empty(db):
    from tests.fixtures.dbproject.catalog.models import Category

    assert await Category.query().count() == 0


async def test_other_databases_too(db):
    from tests.fixtures.dbproject.metrics.models import Event

    await Event.create(name="signup")
    assert await Event.query().count() == 1


async def test_and_rolled_back_there_as_well(db):
    from tests.fixtures.dbproject.metrics.models import Event

    assert await Event.query().count() == 0
"""

INI = """[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


def test_db_fixture_builds_from_migrations_and_rolls_back_each_test(
    tmp_path: Path, database_urls: dict[str, str], backend: str
) -> None:
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(INNER_TESTS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(REPO), str(REUSABLE_DIR)]),
        FRAMEWORK_SETTINGS_MODULE=PROJECT_SETTINGS,
        DATABASES=json.dumps(database_urls),
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
    if backend == "postgres":
        # The test databases were test_<name>, dropped at the end; the project's stay empty.
        for url in database_urls.values():
            test_url = postgres_url("test_" + url.rsplit("/", 1)[1])
            with pytest.raises(Exception, match="does not exist"):
                tables_at(test_url)
            assert tables_at(url) == set()
    else:
        for url in database_urls.values():
            assert not Path(url.split("///", 1)[1]).exists()
