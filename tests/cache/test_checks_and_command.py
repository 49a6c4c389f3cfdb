"""System checks on the cache settings, and ``manage.py cache clear``."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from framework.cache.checks import check_cache_settings, check_local_caches
from framework.cli.app import cli
from framework.cli.call import call_command
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from tests.support.redisserver import redis_database_url


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture(autouse=True)
def configured() -> None:
    settings.configure(SECRET_KEY="cache-checks-secret-key-0123456789abcdefghij")


def test_the_defaults_pass() -> None:
    assert check_cache_settings() == []


@pytest.mark.parametrize(
    ("caches", "message"),
    [
        ({"pages": {"BACKEND": "locmem"}}, "CACHES has no 'default' alias"),
        ({"default": {"BACKEND": "memcached"}}, "'memcached' is not a backend"),
        ({"default": {"BACKEND": "redis", "TIMOUT": 5}}, "Did you mean 'TIMEOUT'?"),
        ({"default": {"BACKEND": "locmem", "TIMEOUT": "5"}}, "must be seconds"),
    ],
)
def test_a_broken_caches_setting_is_an_error(caches: dict[str, Any], message: str) -> None:
    with settings.override(CACHES=caches):
        (error,) = check_cache_settings()
    assert error.id == "caches.E001" and message in error.msg


def test_a_misspelt_backend_suggests_the_right_one() -> None:
    with settings.override(CACHES={"default": {"BACKEND": "reddis"}}):
        (error,) = check_cache_settings()
    assert error.msg.endswith("Did you mean 'redis'?")


def test_the_database_backend_needs_its_app() -> None:
    with settings.override(CACHES={"default": {"BACKEND": "database"}}):
        assert ids(check_cache_settings()) == ["caches.E002"]
    caches = {"default": {"BACKEND": "database"}}
    with settings.override(CACHES=caches, INSTALLED_APPS=["framework.contrib.cache"]):
        assert check_cache_settings() == []


def test_ratelimit_cache_and_login_throttle_are_checked() -> None:
    with settings.override(RATELIMIT_CACHE="limits", LOGIN_THROTTLE="often"):
        messages = check_cache_settings()
    assert ids(messages) == ["caches.E003", "caches.E004"]
    assert "RATELIMIT_CACHE 'limits' is not an alias of CACHES" in messages[0].msg
    assert "LOGIN_THROTTLE 'often' is not a rate" in messages[1].msg


def test_locmem_with_several_workers_is_a_deploy_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_local_caches() == []
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    (warning,) = check_local_caches()
    assert warning.id == "caches.W001"
    assert warning.msg == (
        "CACHES['default'] is 'locmem' with 4 worker processes: each worker has its own copy "
        "(RATELIMIT_CACHE: rate limits, login throttling, Digest replays)."
    )
    shared = {"default": {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:6379/0"}}
    with settings.override(CACHES=shared):
        assert check_local_caches() == []


def test_check_deploy_names_the_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    result = CliRunner().invoke(cli, ["check", "--deploy", "--tag", "caches"])
    assert "caches.W001" in result.output


def test_cache_clear_empties_every_alias_or_one() -> None:
    caches = {
        "default": {"BACKEND": "locmem"},
        "shared": {"BACKEND": "redis", "LOCATION": redis_database_url(), "KEY_PREFIX": "site"},
    }
    with settings.override(CACHES=caches):
        from framework.cache import caches as handler

        handler["default"].set("a", 1)
        handler["shared"].set("b", 2)
        call_command("cache", "clear", "shared")
        assert handler["default"].get("a") == 1 and handler["shared"].get("b") is None
        handler["shared"].set("b", 2)
        result = CliRunner().invoke(cli, ["cache", "clear"])
        assert result.exit_code == 0, result.output
        assert "Cleared cache 'default' (locmem)." in result.output
        assert "Cleared cache 'shared' (redis)." in result.output
        assert handler["default"].get("a") is None and handler["shared"].get("b") is None


def test_cache_clear_of_an_unknown_alias_is_one_line() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^The cache alias 'pages' is not in CACHES"):
        call_command("cache", "clear", "pages")
    result = CliRunner().invoke(cli, ["cache", "clear", "defualt"])
    assert result.exit_code == 1
    assert "The cache alias 'defualt' is not in CACHES (known: 'default'). Did you mean" in (
        result.output
    )


@pytest.mark.parametrize(
    "rate",
    [
        "5/minute",
        "10 per 2 hours",
        "10/minute;100/hour",
        "3 per second|1/day",
        "1/Seconds",
        "5/fortnight",
        "often",
        "",
        "5",
        "/minute",
        "5/minute;",
    ],
)
def test_the_checks_accept_exactly_the_rates_limits_parses(rate: str) -> None:
    from limits import parse_many

    from framework.cache.throttles import is_rate

    try:
        parsed = bool(parse_many(rate))
    except ValueError:
        parsed = False
    assert is_rate(rate) is parsed


def test_serve_with_several_workers_warns_about_locmem(
    make_settings_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    make_settings_module('SECRET_KEY = "serve-cache-tests-key-0123456789abcdefghijk"\n')
    started: list[int] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(kw["workers"]))
    result = CliRunner().invoke(cli, ["serve", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert started == [3]
    output = " ".join(result.output.split())
    assert "(caches.W001) CACHES['default'] is 'locmem' with 3 worker processes" in output
