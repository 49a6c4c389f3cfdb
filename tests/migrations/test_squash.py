"""``db-squash`` in a generated project: one migration for a range, applied or not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.migrations.test_workflow import POST_MODEL, SUBTITLE, Project, generate_project
from tests.support.inspection import tables_at

pytestmark = pytest.mark.e2e

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
AUTHOR = "    author: Mapped[str | None] = mapped_column(String(50))\n"


@pytest.fixture
def project(tmp_path: Path, backend: str, database_urls: dict[str, str]) -> Project:
    return generate_project(tmp_path, backend, database_urls)


def revision_of(path) -> str:
    return path.name.split("_")[0]


def three_migrations(project: Project) -> list[str]:
    project.manage("startapp", "blog")
    project.write("blog/models.py", POST_MODEL)
    project.manage("db-migrate", "-m", "posts")
    project.write("blog/models.py", POST_MODEL + SUBTITLE)
    project.manage("db-migrate", "-m", "subtitle")
    project.write("blog/models.py", POST_MODEL + SUBTITLE + AUTHOR)
    project.manage("db-migrate", "-m", "author")
    return [revision_of(path) for path in sorted(project.migrations("blog"), key=_order(project))]


def _order(project: Project):
    def key(path) -> int:
        return ["posts", "subtitle", "author"].index(path.stem.split("_", 1)[1])

    return key


@SQLITE_ONLY
def test_squash_the_whole_history_of_an_applied_app(project: Project) -> None:
    first, second, third = three_migrations(project)
    project.manage("db-upgrade")
    squashed = project.manage("db-squash", "blog", third, "-m", "blog history")
    (only,) = project.migrations("blog")
    assert f"Created blog/migrations/{only.name} (blog " in squashed.stdout
    text = only.read_text(encoding="utf-8")
    assert f"replaces = ('{first}', '{second}', '{third}')" in text
    assert "branch_labels = ('blog',)" in text
    # The database that ran the range is moved onto the squash without running anything.
    upgrade = project.manage("db-upgrade").stdout
    assert "is up to date" in upgrade and "Applied" not in upgrade
    assert "up to date" in project.manage("db-current").stdout
    assert project.manage("db-check").returncode == 0
    # A new migration after the squash revises it.
    project.write("blog/models.py", POST_MODEL + SUBTITLE)
    project.manage("db-migrate", "-m", "no author")
    later = [p for p in project.migrations("blog") if p != only]
    assert f"down_revision = '{revision_of(only)}'" in later[0].read_text(encoding="utf-8")
    project.manage("db-upgrade")
    assert "author" not in columns_of(project)


def test_squash_a_range_then_a_new_database_runs_it(project: Project) -> None:
    first, second, third = three_migrations(project)
    project.manage("db-squash", "blog", second, third)
    files = {revision_of(p): p for p in project.migrations("blog")}
    assert first in files and second not in files and third not in files
    (squash,) = set(files) - {first}
    assert f"down_revision = '{first}'" in files[squash].read_text(encoding="utf-8")
    plan = project.manage("db-plan").stdout
    assert plan.index(f"blog {first}") < plan.index(f"blog {squash}")
    project.manage("db-upgrade")
    assert {"subtitle", "author"} <= set(columns_of(project))
    project.manage("db-downgrade", f"blog@{first}")
    assert "subtitle" not in columns_of(project)


@SQLITE_ONLY
def test_a_database_inside_the_range_is_refused_with_the_way_out(project: Project) -> None:
    first, second, third = three_migrations(project)
    project.manage("db-upgrade", second)
    before = {path.name: path.read_text(encoding="utf-8") for path in project.migrations("blog")}
    refused = project.manage("db-squash", "blog", first, third, check=False)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"Error: Database 'default' is at '{second}', inside the range {first}..{third} to "
        f"squash: run 'python manage.py db-upgrade {third}' first (on every database at a "
        "revision in the range), then squash again.\n"
    )
    after = {path.name: path.read_text(encoding="utf-8") for path in project.migrations("blog")}
    assert after == before
    # Nothing was written, so the database keeps working; upgraded, it can be squashed.
    assert f"blog {third}" in project.manage("db-plan").stdout
    project.manage("db-upgrade", third)
    project.manage("db-squash", "blog", first, third)
    upgraded = project.manage("db-upgrade").stdout
    assert "Applied auth" in upgraded and "Applied blog" not in upgraded
    assert "blog_post" in tables_at(project.url)


@SQLITE_ONLY
def test_squash_refuses_a_single_migration_and_a_wrong_order(project: Project) -> None:
    first, _, third = three_migrations(project)
    one = project.manage("db-squash", "blog", first, check=False)
    assert one.stderr == f"Error: There is nothing to squash: '{first}' is a single migration.\n"
    backwards = project.manage("db-squash", "blog", third, first, check=False)
    assert f"Migration '{third}' does not come before '{first}'" in backwards.stderr
    assert len(project.migrations("blog")) == 3


def columns_of(project: Project) -> list[str]:
    """Return the columns of the blog_post table in the project's database."""
    import asyncio

    from sqlalchemy import inspect
    from sqlalchemy.ext.asyncio import create_async_engine

    async def read() -> list[str]:
        engine = create_async_engine(project.url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: [c["name"] for c in inspect(sync).get_columns("blog_post")]
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())
