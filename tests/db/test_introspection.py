"""``inspectdb``: the models module it prints imports, maps the tables and reads their rows."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

LEGACY_SCHEMA = """
CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, born DATE,
                     rating NUMERIC(4, 2));
CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
                   author_id INTEGER REFERENCES author(id), "class" VARCHAR(10) DEFAULT 'x',
                   published BOOLEAN, created TIMESTAMP, data BLOB);
CREATE TABLE tag_link (book_id INTEGER, tag VARCHAR(20));
INSERT INTO author VALUES (1, 'Ursula', '1929-10-21', 4.5);
INSERT INTO book VALUES (7, 'The Dispossessed', 1, 'sf', 1, '1974-05-01 00:00:00', x'00ff');
INSERT INTO tag_link VALUES (7, 'utopia');
"""

USE_MODELS = """
import asyncio, framework
framework.setup()
from framework.db import session
from legacy.models import Author, Book, TagLink

async def main():
    async with session():
        book = await Book.get(7)
        author = await Author.get(book.author_id)
        links = await TagLink.all()
        await Author.create(name="Octavia")
        print(book.title, book.class_, book.data.hex(), book.created.year, author.name,
              author.rating, author.born.isoformat(), links[0].tag, len(await Author.all()))

asyncio.run(main())
"""


def run(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "FRAMEWORK_SETTINGS_MODULE": "settings", "PYTHONPATH": str(project)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def legacy_project(tmp_path: Path) -> Path:
    """Return a project whose SQLite database has tables no model maps yet."""
    with sqlite3.connect(tmp_path / "legacy.sqlite3") as connection:
        connection.executescript(LEGACY_SCHEMA)
    connection.close()
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "__init__.py").write_text("")
    (tmp_path / "settings.py").write_text(
        'SECRET_KEY = "inspectdb-test-secret-key-0123456789-abcdefghijklmnop"\n'
        'INSTALLED_APPS = ["legacy"]\n'
        'DATABASES = {"default": "sqlite+aiosqlite:///legacy.sqlite3"}\n'
    )
    return tmp_path


def test_inspectdb_writes_models_that_import_and_work(legacy_project: Path) -> None:
    result = run(legacy_project, "-m", "framework", "inspectdb")
    assert result.returncode == 0, result.stderr
    models = result.stdout
    assert "class Author(CRUDMixin, Model):" in models
    assert 'author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))' in models
    assert 'class_: Mapped[str | None] = mapped_column("class", String(length=10)' in models
    assert "alembic_version" not in models
    (legacy_project / "legacy" / "models.py").write_text(models)
    used = run(legacy_project, "-c", USE_MODELS)
    assert used.returncode == 0, used.stderr
    assert used.stdout.split() == [
        "The",
        "Dispossessed",
        "sf",
        "00ff",
        "1974",
        "Ursula",
        "4.50",
        "1929-10-21",
        "utopia",
        "2",
    ]


def test_inspectdb_of_chosen_tables_and_an_unknown_one(legacy_project: Path) -> None:
    result = run(legacy_project, "-m", "framework", "inspectdb", "tag_link")
    assert "class TagLink(CRUDMixin, Model):" in result.stdout
    assert "class Author" not in result.stdout
    assert "The table has no primary key" in result.stdout
    missing = run(legacy_project, "-m", "framework", "inspectdb", "athor")
    assert missing.returncode == 1
    assert missing.stderr == (
        "Error: No table 'athor' in the database; tables: author, book, tag_link.\n"
    )
