"""``DATABASES`` parsing: URLs, async drivers, SQLite paths, options and clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from framework.conf.settings import Settings
from framework.db.config import SQLITE_PRAGMAS, load_database_configs
from framework.exceptions import ImproperlyConfigured, MissingDependencyError


def test_url_string_becomes_config(tmp_path: Path) -> None:
    configs = load_database_configs({"default": "sqlite+aiosqlite:///db.sqlite3"}, tmp_path)
    config = configs["default"]
    assert config.alias == "default"
    assert config.url.database == str(tmp_path / "db.sqlite3")
    assert config.sqlite_path == tmp_path / "db.sqlite3"
    assert dict(config.pragmas) == SQLITE_PRAGMAS


def test_relative_sqlite_path_is_relative_to_base_dir_not_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    config = load_database_configs({"default": "sqlite:///data/app.sqlite3"}, tmp_path)["default"]
    assert config.url.database == str(tmp_path / "data" / "app.sqlite3")


def test_absolute_and_memory_sqlite_urls_are_kept(tmp_path: Path) -> None:
    configs = load_database_configs(
        {"default": f"sqlite:///{tmp_path}/x.db", "memory": "sqlite+aiosqlite:///:memory:"},
        tmp_path / "elsewhere",
    )
    assert configs["default"].url.database == f"{tmp_path}/x.db"
    assert configs["memory"].url.database == ":memory:"
    assert configs["memory"].sqlite_path is None


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///db.sqlite3", "sqlite+aiosqlite"),
        ("postgresql://u:p@host/db", "postgresql+asyncpg"),
        ("postgres://u:p@host/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u:p@host/db", "postgresql+asyncpg"),
    ],
)
def test_sync_driver_names_become_async_drivers(url: str, driver: str, tmp_path: Path) -> None:
    config = load_database_configs({"default": url}, tmp_path)["default"]
    assert config.url.drivername == driver


def test_dict_entry_with_options_and_pragmas(tmp_path: Path) -> None:
    entry = {
        "URL": "sqlite:///db.sqlite3",
        "OPTIONS": {"echo": True},
        "PRAGMAS": {"busy_timeout": 100},
    }
    config = load_database_configs({"default": entry}, tmp_path)["default"]
    assert dict(config.options) == {"echo": True}
    assert config.pragmas["busy_timeout"] == 100
    assert config.pragmas["journal_mode"] == "WAL"


def test_display_url_hides_the_password(tmp_path: Path) -> None:
    config = load_database_configs({"default": "postgresql://u:secret@h/db"}, tmp_path)["default"]
    assert config.display_url() == "postgresql+asyncpg://u:***@h/db"


@pytest.mark.parametrize(
    ("databases", "message"),
    [
        ({}, "DATABASES has no 'default' alias; add one (or set DATABASE_URL)."),
        (
            {"default": "postgresql+psycopg2://h/db"},
            "DATABASES['default'] uses the driver 'postgresql+psycopg2', which is not async; "
            "use 'postgresql+asyncpg://...'.",
        ),
        (
            {"default": "mysql://h/db"},
            "DATABASES['default'] uses 'mysql', which the framework does not support; "
            "use SQLite or PostgreSQL.",
        ),
        (
            {"default": "not a url"},
            "DATABASES['default'] is not a database URL: 'not a url'; expected e.g. "
            "'sqlite+aiosqlite:///db.sqlite3' or 'postgresql+asyncpg://...'.",
        ),
        (
            {"default": {"URL": "sqlite://", "OPTION": {}}},
            "DATABASES['default'] has unknown key 'OPTION'; use 'URL', 'OPTIONS' and 'PRAGMAS'.",
        ),
        ({"default": {"OPTIONS": {}}}, "DATABASES['default'] has no 'URL'."),
        (
            {"default": {"URL": "postgresql://h/db", "PRAGMAS": {"x": 1}}},
            "DATABASES['default']: 'PRAGMAS' apply to SQLite only.",
        ),
        (
            {"default": "sqlite://", "bad-alias": "sqlite://"},
            "Database alias 'bad-alias' in DATABASES is not a valid identifier.",
        ),
        (
            {"default": 42},
            "DATABASES['default'] must be a URL or a dict with 'URL'; got 42.",
        ),
        (
            {"default": {"URL": "sqlite://", "OPTIONS": {"transaction_mode": "EAGER"}}},
            "DATABASES['default']['OPTIONS']['transaction_mode'] is 'EAGER'; use one of "
            "'DEFERRED', 'IMMEDIATE', 'EXCLUSIVE'.",
        ),
        (
            {"default": {"URL": "postgresql://h/db", "OPTIONS": {"transaction_mode": "IMMEDIATE"}}},
            "DATABASES['default']['OPTIONS']['transaction_mode'] applies to SQLite only; on "
            "PostgreSQL set the isolation level instead (OPTIONS {'isolation_level': "
            "'SERIALIZABLE'}, say).",
        ),
    ],
)
def test_configuration_errors_name_the_problem(
    databases: dict[str, object], message: str, tmp_path: Path
) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        load_database_configs(databases, tmp_path)
    assert str(caught.value) == message


def test_missing_asyncpg_prints_the_pip_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # what an uninstalled package looks like
    with pytest.raises(MissingDependencyError) as caught:
        load_database_configs({"default": "postgresql://h/db"}, tmp_path)
    assert str(caught.value) == (
        "'asyncpg' is required for the database 'default' but is not installed: "
        'pip install "framework[postgres]"'
    )


def test_database_url_fills_the_default_alias() -> None:
    settings = Settings.from_options(
        environ={"DATABASE_URL": "postgresql+asyncpg://u@h/db"},
        DATABASES={"default": "sqlite://", "other": "sqlite://"},
    )
    assert settings.DATABASES == {"default": "postgresql+asyncpg://u@h/db", "other": "sqlite://"}


def test_sqlite_transactions_begin_immediate_unless_options_say_otherwise(tmp_path: Path) -> None:
    configs = load_database_configs(
        {
            "default": "sqlite:///a.sqlite3",
            "reports": {"URL": "sqlite:///b.sqlite3", "OPTIONS": {"transaction_mode": "deferred"}},
            "main": "postgresql://h/db",
        },
        tmp_path,
    )
    assert configs["default"].transaction_mode == "IMMEDIATE"
    assert configs["reports"].transaction_mode == "DEFERRED"
    assert "transaction_mode" not in configs["reports"].options  # not an engine argument
    assert configs["main"].transaction_mode is None
