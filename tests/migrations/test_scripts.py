"""Vetting migration files: every ambiguity is refused before a database is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.apps import apps
from framework.migrations import MigrationError, MigrationScripts
from framework.migrations.locations import AppMigrations
from framework.migrations.writer import merge_heads, write_empty

pytestmark = pytest.mark.usefixtures("dbproject")


def revision(rev: str, down: object = None, labels: object = None, depends: object = None) -> str:
    """Return the text of a minimal revision file."""
    return (
        f'"""{rev} message"""\n\nrevision = {rev!r}\ndown_revision = {down!r}\n'
        f"branch_labels = {labels!r}\ndepends_on = {depends!r}\n\n\n"
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
    )


def folder(tmp_path: Path, label: str, files: dict[str, str]) -> AppMigrations:
    """Return *label*'s migrations folder in *tmp_path*, holding *files*."""
    directory = tmp_path / label
    directory.mkdir()
    (directory / "__init__.py").touch()
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return AppMigrations(label, "default", directory, apps.get_app_config(label))


def test_revisions_are_grouped_by_app(tmp_path: Path) -> None:
    blog = folder(tmp_path, "blog", {"a_first.py": revision("a", labels=("blog",))})
    shop = folder(tmp_path, "shop", {"s_first.py": revision("s", labels=("shop",), depends="a")})
    scripts = MigrationScripts("default", [blog, shop])
    assert scripts.heads_by_app() == {"blog": ["a"], "shop": ["s"]}
    assert scripts.app_of("s") == "shop"
    assert scripts.describe(scripts.get("a")) == "blog a a message"


def test_a_missing_parent_file_is_named(tmp_path: Path) -> None:
    blog = folder(tmp_path, "blog", {"b_second.py": revision("b", down="a")})
    with pytest.raises(MigrationError) as caught:
        MigrationScripts("default", [blog])
    assert str(caught.value) == (
        f"Migration 'b' of app 'blog' ({blog.directory / 'b_second.py'}) revises 'a', but no "
        "migration file defines it: restore the missing file (or fix down_revision)."
    )


def test_a_missing_dependency_is_named(tmp_path: Path) -> None:
    shop = folder(tmp_path, "shop", {"s.py": revision("s", labels=("shop",), depends="zz")})
    with pytest.raises(MigrationError) as caught:
        MigrationScripts("default", [shop])
    assert str(caught.value) == (
        f"Migration 's' of app 'shop' ({shop.directory / 's.py'}) depends on 'zz', but no "
        "migration file defines it: install the app that provides it, or restore the "
        "missing file."
    )


def test_a_revision_id_used_twice_is_refused(tmp_path: Path) -> None:
    blog = folder(tmp_path, "blog", {"a.py": revision("a", labels=("blog",))})
    shop = folder(tmp_path, "shop", {"a.py": revision("a", labels=("shop",))})
    with pytest.raises(MigrationError) as caught:
        MigrationScripts("default", [blog, shop])
    assert str(caught.value) == (
        f"Revision 'a' is defined twice: in {blog.directory / 'a.py'} and in "
        f"{shop.directory / 'a.py'}; give one of them a new revision id."
    )


def test_first_migration_must_carry_the_app_label(tmp_path: Path) -> None:
    blog = folder(tmp_path, "blog", {"a.py": revision("a", labels=("notblog",))})
    with pytest.raises(MigrationError) as caught:
        MigrationScripts("default", [blog])
    assert str(caught.value) == (
        f"Migration 'a' ({blog.directory / 'a.py'}) starts the history of app 'blog' but its "
        "branch_labels are ('notblog',); set branch_labels = ('blog',)."
    )


def test_two_heads_in_one_app_are_refused_naming_them(tmp_path: Path) -> None:
    blog = folder(
        tmp_path,
        "blog",
        {
            "a.py": revision("a", labels=("blog",)),
            "b.py": revision("b", down="a"),
            "c.py": revision("c", down="a"),
        },
    )
    with pytest.raises(MigrationError) as caught:
        MigrationScripts("default", [blog])
    assert str(caught.value) == (
        "App 'blog' has 2 heads on database 'default' (b, c): run "
        "'python manage.py db-merge blog' to join them."
    )


def test_merge_joins_the_heads(tmp_path: Path) -> None:
    files = {
        "a.py": revision("a", labels=("blog",)),
        "b.py": revision("b", down="a"),
        "c.py": revision("c", down="a"),
    }
    blog = folder(tmp_path, "blog", files)
    plan = merge_heads(MigrationScripts("default", [blog], check_heads=False), [], "join")
    (merge,) = plan.written
    assert merge.path.name == f"{merge.revision}_join.py"
    reloaded = MigrationScripts("default", [blog])
    assert reloaded.heads_by_app() == {"blog": [merge.revision]}
    assert reloaded.get(merge.revision).down_revision == ("b", "c")


def test_merge_of_an_app_with_one_head_is_refused(tmp_path: Path) -> None:
    blog = folder(tmp_path, "blog", {"a.py": revision("a", labels=("blog",))})
    with pytest.raises(MigrationError) as caught:
        merge_heads(MigrationScripts("default", [blog]), ["blog"], "join")
    assert str(caught.value) == (
        "App 'blog' has 1 head(s) on database 'default'; there is nothing to merge."
    )


def test_empty_migrations_start_then_extend_the_branch(tmp_path: Path) -> None:
    blog = folder(tmp_path, "blog", {})
    (first,) = write_empty(MigrationScripts("default", [blog]), ["blog"], "data fix").written
    (second,) = write_empty(MigrationScripts("default", [blog]), ["blog"], "more").written
    scripts = MigrationScripts("default", [blog])
    assert scripts.get(first.revision).branch_labels == {"blog"}
    assert scripts.get(second.revision).down_revision == first.revision
    text = second.path.read_text(encoding="utf-8")
    assert "App: blog" in text
    assert f"Revises: {first.revision}" in text
    assert "def upgrade() -> None:\n    pass" in text


def test_a_file_that_does_not_import_is_named(tmp_path: Path) -> None:
    blog = folder(tmp_path, "blog", {"a.py": "revision = 'a'\ndef (:\n"})
    with pytest.raises(MigrationError) as caught:
        MigrationScripts("default", [blog])
    assert str(caught.value).startswith(
        f"Migration file {blog.directory / 'a.py'} failed to load: SyntaxError: "
    )
