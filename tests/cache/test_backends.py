"""What is particular to each backend: options, limits, prefixes, and refusals that name the fix."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from framework.cache import DEFAULT, CacheConfig, caches
from framework.cache.config import BACKENDS, load_cache_configs
from framework.cache.registry import create_cache
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from tests.support.redisserver import redis_database_url


@pytest.fixture(autouse=True)
def configured() -> None:
    settings.configure(SECRET_KEY="cache-backend-tests-secret-key-0123456789abc")


def make(backend: str, **options: Any) -> Any:
    raw = {"BACKEND": backend, **options}
    return create_cache(load_cache_configs({"default": raw})["default"])


async def test_json_serializer_keeps_data_and_counters() -> None:
    cache = make("locmem", LOCATION="json", OPTIONS={"SERIALIZER": "json"})
    await cache.aset("data", {"a": [1, 2.5, None, "x"]})
    await cache.aset("n", 5)
    assert await cache.aget("data") == {"a": [1, 2.5, None, "x"]}
    assert await cache.aincr("n") == 6
    with pytest.raises(TypeError):
        await cache.aset("object", object())


def test_an_unknown_serializer_is_refused() -> None:
    with pytest.raises(
        ImproperlyConfigured, match=r"\['SERIALIZER'\] must be 'pickle' or 'json'; got 'yaml'"
    ):
        make("locmem", OPTIONS={"SERIALIZER": "yaml"})


async def test_locmem_evicts_the_least_recently_used_over_max_entries() -> None:
    cache = make("locmem", LOCATION="small", OPTIONS={"MAX_ENTRIES": 2})
    await cache.aset("a", 1)
    await cache.aset("b", 2)
    await cache.aget("a")  # a is now more recent than b
    await cache.aset("c", 3)
    assert await cache.aget_many(["a", "b", "c"]) == {"a": 1, "c": 3}


async def test_locmem_aliases_with_one_location_share_a_store() -> None:
    first = make("locmem", LOCATION="shared-store")
    second = make("locmem", LOCATION="shared-store")
    await first.aset("k", "v")
    assert await second.aget("k") == "v"


async def test_key_prefixes_keep_aliases_apart_and_clear_only_their_own() -> None:
    url = redis_database_url()
    one = make("redis", LOCATION=url, KEY_PREFIX="one")
    two = make("redis", LOCATION=url, KEY_PREFIX="two*")  # glob characters are escaped
    try:
        await one.aset("k", 1)
        await two.aset("k", 2)
        assert (await one.aget("k"), await two.aget("k")) == (1, 2)
        await two.aclear()
        assert (await one.aget("k"), await two.aget("k")) == (1, None)
    finally:
        await one.aclose()
        await two.aclose()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"LOCATION": "127.0.0.1:6379"}, "must be a Redis URL such as 'redis://127.0.0.1:6379/0'"),
        ({"LOCATION": "redis://x", "OPTIONS": {"POOL": 3}}, "has unknown keys ['POOL']"),
    ],
)
def test_redis_settings_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message.replace("[", r"\[").replace("]", r"\]")):
        make("redis", **options)


def test_without_the_redis_package_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "framework\[redis\]"'):
        make("redis", LOCATION="redis://127.0.0.1:6379/0")


def test_the_database_backend_takes_no_location() -> None:
    with pytest.raises(ImproperlyConfigured, match="'LOCATION'\\] must be empty"):
        make("database", LOCATION="analytics")


async def test_dummy_keeps_nothing() -> None:
    cache = make("dummy")
    await cache.aset("k", 1)
    assert await cache.aget("k", DEFAULT) is DEFAULT
    assert await cache.aadd("k", 1) is True
    with pytest.raises(ValueError):
        await cache.aincr("k")
    assert (await cache.ahit("w", 60))[0] == 1
    assert (await cache.ahit("w", 60))[0] == 1


def test_a_dotted_path_names_a_custom_backend() -> None:
    class Custom(type(make("dummy"))):  # type: ignore[misc]
        pass

    sys.modules[__name__].Custom = Custom  # type: ignore[attr-defined]
    config = load_cache_configs({"default": {"BACKEND": f"{__name__}.Custom"}})["default"]
    assert isinstance(create_cache(config), Custom)
    not_a_cache = CacheConfig("default", "framework.cache.config.CacheConfig")
    with pytest.raises(ImproperlyConfigured, match="is not a cache backend"):
        create_cache(not_a_cache)


def test_an_unknown_alias_suggests_a_close_one() -> None:
    with settings.override(CACHES={"default": {}, "pages": {"BACKEND": "locmem"}}):
        with pytest.raises(ImproperlyConfigured, match="Did you mean 'pages'"):
            caches["page"]
        assert caches["pages"].config.short_name == "locmem"
        assert BACKENDS["locmem"] == caches["default"].config.backend


async def test_sync_methods_refuse_to_run_inside_an_event_loop() -> None:
    with pytest.raises(RuntimeError, match=r"await cache.aget\(...\)"):
        caches["default"].get("k")
