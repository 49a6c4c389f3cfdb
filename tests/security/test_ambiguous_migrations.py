"""``db-upgrade`` on a project whose app has two heads refuses before any DDL, naming both.

Run the way a user does: ``manage.py`` in a generated project, in a subprocess, on SQLite.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

POST_MODEL = """from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from framework.db import Model


class Post(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
"""

SIBLING = '''"""a second head"""

import sqlalchemy as sa
from alembic import op

revision = "b2b2b2b2b2b2"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("blog_other", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("blog_other")
'''


def manage(path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def migrations(path: Path) -> list[Path]:
    return sorted((path / "blog" / "migrations").glob("[!_]*.py"))


def test_two_heads_are_refused_before_any_ddl(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRAMEWORK_", "FAULTY_"))}
    subprocess.run(
        [sys.executable, "-c", "from framework.cli import main; main()", "startproject", "mysite"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    path = tmp_path / "mysite"
    assert manage(path, env, "startapp", "blog").returncode == 0
    (path / "blog" / "models.py").write_text(POST_MODEL, encoding="utf-8")
    created = manage(path, env, "db-migrate", "-m", "posts")
    assert created.returncode == 0, created.stderr
    (first,) = migrations(path)
    assert manage(path, env, "db-migrate", "blog", "--empty", "-m", "second").returncode == 0
    (second,) = set(migrations(path)) - {first}
    # A sibling of the second migration on the same parent: two heads, as after two branches
    # that each added a migration are merged.
    first_revision, second_revision = first.name.split("_")[0], second.name.split("_")[0]
    (path / "blog" / "migrations" / "b2b2b2b2b2b2_sibling.py").write_text(
        SIBLING.format(down=first_revision), encoding="utf-8"
    )

    result = manage(path, env, "db-upgrade")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "has 2 heads" in result.stderr
    assert second_revision in result.stderr and "b2b2b2b2b2b2" in result.stderr
    assert "db-merge blog" in result.stderr
    database = path / "db.sqlite3"
    if database.exists():
        with sqlite3.connect(database) as connection:
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert not names & {"blog_post", "blog_other", "alembic_version"}, names
