"""One behaviour for every backend: locmem, Redis, and the database on SQLite and PostgreSQL.

Each test runs once per backend on a real server (``backend`` fixture). Expiry is observed
by waiting for the entry to go (with a generous deadline), never by sleeping a fixed time.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import pytest

from framework.cache import DEFAULT, BaseCache

pytestmark = pytest.mark.postgres

VALUES = [
    {"nested": [1, 2.5, "three", None, True]},
    ["a", "b"],
    "text ✓",
    b"\x00\xffbytes",
    3.25,
    True,
    False,
    None,
    0,
    -42,
    2**62,
]


async def wait_until_missing(backend: BaseCache, key: str, deadline: float = 30.0) -> None:
    """Wait until *key* has no live entry (its timeout passed); fail after *deadline* s."""
    end = time.monotonic() + deadline
    while await backend.aget(key, DEFAULT) is not DEFAULT:
        assert time.monotonic() < end, f"{key!r} did not expire within {deadline} s"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(
    "value", VALUES, ids=[type(v).__name__ + str(i) for i, v in enumerate(VALUES)]
)
async def test_a_value_comes_back_as_it_was_stored(backend: BaseCache, value: Any) -> None:
    await backend.aset("k", value)
    got = await backend.aget("k", DEFAULT)
    assert got == value and type(got) is type(value)


async def test_a_missing_key_gives_the_default(backend: BaseCache) -> None:
    assert await backend.aget("absent") is None
    assert await backend.aget("absent", "fallback") == "fallback"
    assert not await backend.ahas_key("absent")


async def test_values_are_copies_not_shared_objects(backend: BaseCache) -> None:
    value = {"items": [1]}
    await backend.aset("k", value)
    value["items"].append(2)
    assert await backend.aget("k") == {"items": [1]}


async def test_add_stores_only_when_absent(backend: BaseCache) -> None:
    assert await backend.aadd("k", "first") is True
    assert await backend.aadd("k", "second") is False
    assert await backend.aget("k") == "first"


async def test_add_replaces_an_expired_entry(backend: BaseCache) -> None:
    await backend.aset("k", "old", timeout=0.05)
    await wait_until_missing(backend, "k")
    assert await backend.aadd("k", "new") is True
    assert await backend.aget("k") == "new"


async def test_incr_and_decr_change_an_integer_in_place(backend: BaseCache) -> None:
    await backend.aset("n", 10, timeout=100)
    assert await backend.aincr("n") == 11
    assert await backend.aincr("n", 5) == 16
    assert await backend.adecr("n", 20) == -4
    assert await backend.aget("n") == -4
    remaining = await backend.attl("n")
    assert remaining is not None and 0 < remaining <= 100


async def test_incr_of_a_missing_key_is_a_value_error(backend: BaseCache) -> None:
    with pytest.raises(ValueError, match="no integer under 'absent'"):
        await backend.aincr("absent")
    assert await backend.aget("absent") is None


async def test_incr_of_a_value_that_is_not_an_integer_is_a_value_error(backend: BaseCache) -> None:
    await backend.aset("text", "abc")
    with pytest.raises(ValueError):
        await backend.aincr("text")
    assert await backend.aget("text") == "abc"


async def test_delete_says_whether_there_was_an_entry(backend: BaseCache) -> None:
    await backend.aset("k", 1)
    assert await backend.adelete("k") is True
    assert await backend.adelete("k") is False
    assert await backend.aget("k") is None


async def test_many_keys_at_once(backend: BaseCache) -> None:
    assert await backend.aset_many({"a": 1, "b": "two", "c": [3]}) == []
    assert await backend.aget_many(["a", "b", "c", "missing"]) == {"a": 1, "b": "two", "c": [3]}
    await backend.adelete_many(["a", "b"])
    assert await backend.aget_many(["a", "b", "c"]) == {"c": [3]}
    assert await backend.aget_many([]) == {}


async def test_ttl_tells_the_time_left(backend: BaseCache) -> None:
    await backend.aset("timed", "v", timeout=60)
    await backend.aset("forever", "v", timeout=None)
    remaining = await backend.attl("timed")
    assert remaining is not None and 0 < remaining <= 60
    assert await backend.attl("forever") == math.inf
    assert await backend.attl("absent") is None


async def test_the_alias_timeout_is_the_default(backend: BaseCache) -> None:
    await backend.aset("k", "v")
    remaining = await backend.attl("k")
    assert remaining is not None and 0 < remaining <= backend.default_timeout


async def test_entries_expire(backend: BaseCache) -> None:
    await backend.aset("k", "v", timeout=0.05)
    await wait_until_missing(backend, "k")
    assert await backend.attl("k") is None


async def test_a_timeout_of_zero_or_less_deletes(backend: BaseCache) -> None:
    await backend.aset("k", "v")
    await backend.aset("k", "new", timeout=0)
    assert await backend.aget("k") is None
    assert await backend.aadd("k", "v", timeout=-1) is False
    assert await backend.aget("k") is None


async def test_versions_are_separate_entries(backend: BaseCache) -> None:
    await backend.aset("k", "v1")
    await backend.aset("k", "v2", version=2)
    assert await backend.aget("k") == "v1"
    assert await backend.aget("k", version=2) == "v2"
    await backend.adelete("k", version=2)
    assert await backend.aget("k") == "v1"


async def test_hit_counts_in_a_fixed_window_and_starts_a_new_one(backend: BaseCache) -> None:
    count, expires = await backend.ahit("window", timeout=0.2)
    assert count == 1 and time.time() < expires <= time.time() + 0.2 + 1
    count, later = await backend.ahit("window", timeout=0.2, delta=2)
    assert count == 3 and abs(later - expires) < 0.05
    await wait_until_missing(backend, "window")
    count, _ = await backend.ahit("window", timeout=60)
    assert count == 1


async def test_clear_empties_the_cache(backend: BaseCache) -> None:
    await backend.aset_many({"a": 1, "b": 2})
    await backend.aclear()
    assert await backend.aget_many(["a", "b"]) == {}


async def test_get_or_set(backend: BaseCache) -> None:
    calls: list[int] = []

    async def compute() -> str:
        calls.append(1)
        return "computed"

    assert await backend.aget_or_set("k", compute) == "computed"
    assert await backend.aget_or_set("k", compute) == "computed"
    assert calls == [1]


async def test_keys_must_be_strings_of_bounded_length(backend: BaseCache) -> None:
    with pytest.raises(TypeError, match="Cache keys are strings; got int 5"):
        await backend.aget(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="the limit is 250"):
        await backend.aset("x" * 250, 1)
    await backend.aset("x" * 200, 1)
    assert await backend.aget("x" * 200) == 1
