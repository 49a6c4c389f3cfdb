"""Settings layers: environment > .env > settings module > framework defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.conf import SettingNotFound, Settings, settings
from framework.exceptions import ImproperlyConfigured

MODULE = """
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "from-module"
DEBUG = False
ALLOWED_HOSTS = ["module.example"]
WORKERS = 2
CUSTOM_NAME = "module"
"""


def test_defaults_apply_without_a_settings_module(clean_env: None) -> None:
    assert settings.DEBUG is False
    assert settings.ALLOWED_HOSTS == ["localhost", "127.0.0.1", "[::1]"]
    assert settings.wrapped.module_name is None


def test_module_overrides_defaults(make_settings_module, clean_env: None) -> None:
    make_settings_module(MODULE)
    assert settings.ALLOWED_HOSTS == ["module.example"]
    assert settings.wrapped.lookup("ALLOWED_HOSTS").source == "module"
    assert settings.wrapped.lookup("MAX_BODY_SIZE").source == "default"


def test_dotenv_overrides_module_and_is_cast(make_settings_module, clean_env: None) -> None:
    make_settings_module(MODULE, env="DEBUG=yes\nWORKERS=4\nALLOWED_HOSTS=a.com,b.com\n")
    assert settings.DEBUG is True
    assert settings.WORKERS == 4
    assert settings.ALLOWED_HOSTS == ["a.com", "b.com"]
    assert settings.wrapped.lookup("DEBUG").source == ".env"


def test_environment_overrides_dotenv(make_settings_module, monkeypatch, clean_env: None) -> None:
    make_settings_module(MODULE, env="DEBUG=yes\n")
    monkeypatch.setenv("DEBUG", "off")
    assert settings.DEBUG is False
    assert settings.wrapped.lookup("DEBUG").source == "env"


def test_each_value_says_where_it_was_set(make_settings_module, monkeypatch, clean_env) -> None:
    module = make_settings_module(MODULE, env="# comment\nDEBUG=yes\n\nexport WORKERS=4\n")
    monkeypatch.setenv("ALLOWED_HOSTS", "a.com")
    settings.reset()
    lookup = settings.wrapped.lookup
    assert lookup("DEBUG").origin == ".env line 2"
    assert lookup("WORKERS").origin == ".env line 4"
    assert lookup("ALLOWED_HOSTS").origin == "environment variable ALLOWED_HOSTS"
    assert lookup("SECRET_KEY").origin == f"settings module {module.replace('.', '/')}.py"
    assert lookup("MAX_BODY_SIZE").origin == "the framework's defaults"
    with settings.override(DEBUG=False):
        assert settings.wrapped.lookup("DEBUG").origin == "settings.override()"


def test_environment_only_overrides_known_keys(make_settings_module, monkeypatch) -> None:
    make_settings_module(MODULE)
    monkeypatch.setenv("SOMETHING_UNRELATED", "1")
    assert "SOMETHING_UNRELATED" not in settings
    with pytest.raises(AttributeError):
        settings.SOMETHING_UNRELATED  # noqa: B018


def test_get_and_require_read_any_environment_key(make_settings_module, monkeypatch) -> None:
    make_settings_module(MODULE)
    monkeypatch.setenv("STRIPE_TIMEOUT", "30")
    assert settings.get("STRIPE_TIMEOUT", cast=int) == 30
    assert settings.require("STRIPE_TIMEOUT") == "30"


def test_dotenv_only_keys_are_settings(make_settings_module) -> None:
    make_settings_module(MODULE, env="PAYMENT_KEY='abc def'\n# comment\n")
    assert settings.PAYMENT_KEY == "abc def"


def test_dotenv_values_are_not_interpolated(make_settings_module) -> None:
    make_settings_module(MODULE, env="SECRET_KEY=abc$HOME${PATH}\n")
    assert settings.SECRET_KEY == "abc$HOME${PATH}"


def test_missing_setting_suggests_a_close_name(make_settings_module) -> None:
    make_settings_module(MODULE)
    with pytest.raises(SettingNotFound) as info:
        settings.DEBG  # noqa: B018
    assert str(info.value) == "Setting 'DEBG' is not defined. Did you mean 'DEBUG'?"
    assert isinstance(info.value, AttributeError)
    assert not hasattr(settings, "NOPE_NOTHING_LIKE_IT")


def test_get_returns_default_for_missing(make_settings_module) -> None:
    make_settings_module(MODULE)
    assert settings.get("NOT_THERE", 5) == 5
    assert settings.get("CUSTOM_NAME") == "module"


def test_require_names_where_to_set_the_key(make_settings_module, tmp_path: Path) -> None:
    module = make_settings_module(MODULE)
    with pytest.raises(ImproperlyConfigured) as info:
        settings.require("STRIPE_KEY")
    assert str(info.value) == (
        f"Setting 'STRIPE_KEY' is required but not set: set it in the settings module "
        f"{module!r}, the .env file {str(tmp_path / '.env')!r} or the environment "
        "(STRIPE_KEY=...)."
    )


def test_require_treats_empty_as_missing(make_settings_module) -> None:
    make_settings_module(MODULE.replace('SECRET_KEY = "from-module"', 'SECRET_KEY = ""'))
    with pytest.raises(ImproperlyConfigured, match=r"^Setting 'SECRET_KEY' is required"):
        settings.require("SECRET_KEY")


def test_database_url_fills_default(make_settings_module, monkeypatch) -> None:
    make_settings_module(MODULE + 'DATABASES = {"default": "sqlite:///a", "logs": "sqlite:///b"}\n')
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@h/db")
    assert settings.DATABASES == {
        "default": "postgresql+asyncpg://u:p@h/db",
        "logs": "sqlite:///b",
    }
    assert settings.wrapped.lookup("DATABASES").source == "env"


def test_database_url_keeps_options(make_settings_module, monkeypatch) -> None:
    make_settings_module(
        MODULE + 'DATABASES = {"default": {"URL": "sqlite:///a", "OPTIONS": {"echo": True}}}\n'
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite:///other")
    assert settings.DATABASES["default"] == {"URL": "sqlite:///other", "OPTIONS": {"echo": True}}


def test_base_dir_is_derived_from_the_settings_package(make_settings_module, tmp_path) -> None:
    make_settings_module("SECRET_KEY = 'x'\n")
    assert tmp_path == settings.BASE_DIR


def test_dotenv_is_found_in_base_dir(make_settings_module, monkeypatch, tmp_path) -> None:
    make_settings_module("CUSTOM = 'module'\n", env="CUSTOM=dotenv\n")
    monkeypatch.delenv("FRAMEWORK_ENV_FILE")
    settings.reset()
    assert settings.CUSTOM == "dotenv"


def test_unimportable_module_is_named(use_settings) -> None:
    use_settings("sites.does_not_exist")
    with pytest.raises(ImproperlyConfigured) as info:
        settings.DEBUG  # noqa: B018
    assert str(info.value) == (
        "Settings module 'sites.does_not_exist' cannot be found (FRAMEWORK_SETTINGS_MODULE). "
        "Run commands through the project's manage.py, from the project directory."
    )


def test_syntax_error_in_module_is_reported(use_settings) -> None:
    use_settings("sites.syntax_error")
    with pytest.raises(
        ImproperlyConfigured,
        match=r"^Settings module 'sites.syntax_error' failed to import: SyntaxError",
    ):
        settings.DEBUG  # noqa: B018


def test_bad_environment_value_names_key_and_source(make_settings_module, monkeypatch) -> None:
    make_settings_module(MODULE)
    monkeypatch.setenv("WORKERS", "many")
    with pytest.raises(ImproperlyConfigured, match=r"^Setting WORKERS from the environment cannot"):
        settings.WORKERS  # noqa: B018


def test_override_is_restored(make_settings_module) -> None:
    make_settings_module(MODULE)
    with settings.override(DEBUG=True, NEW_KEY=1):
        assert settings.DEBUG is True
        assert settings.NEW_KEY == 1
        assert settings.wrapped.lookup("DEBUG").source == "override"
    assert settings.DEBUG is False
    assert "NEW_KEY" not in settings


def test_settings_are_read_only() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"use settings.override\(DEBUG=...\)"):
        settings.DEBUG = True


def test_configure_replaces_the_module(clean_env: None) -> None:
    settings.configure(DEBUG=True, INSTALLED_APPS=["x"])
    assert settings.DEBUG is True
    assert settings.INSTALLED_APPS == ["x"]
    with pytest.raises(ImproperlyConfigured, match="already loaded"):
        settings.configure(DEBUG=False)


def test_configure_rejects_lowercase_names() -> None:
    with pytest.raises(ImproperlyConfigured, match="got 'debug'"):
        Settings.from_options(debug=True)


def test_items_lists_every_key_with_source(make_settings_module, clean_env: None) -> None:
    make_settings_module(MODULE)
    sources = {item.key: item.source for item in settings.items()}
    assert sources["CUSTOM_NAME"] == "module"
    assert sources["MAX_BODY_SIZE"] == "default"
    assert list(sources) == sorted(sources)
