"""Password hashing with libpass: schemes, upgrades, the length limit, the event loop."""

from __future__ import annotations

import asyncio
import time

import pytest
from passlib.hash import bcrypt, pbkdf2_sha256

from framework.auth.passwords import (
    PasswordHasher,
    PasswordTooLongError,
    get_hasher,
    hash_password,
    is_password_usable,
    make_unusable_password,
    verify_password,
)
from framework.exceptions import ImproperlyConfigured

CHEAP = {"argon2": {"memory_cost": 1024, "time_cost": 1, "parallelism": 1}}


def hasher(**options) -> PasswordHasher:
    return PasswordHasher(["argon2", "bcrypt", "pbkdf2_sha256"], CHEAP, **options)


def test_new_passwords_are_hashed_with_argon2() -> None:
    hashed = hasher().hash("s3cret-words")
    assert hashed.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert hasher().verify("s3cret-words", hashed) == (True, None)
    assert hasher().verify("wrong", hashed) == (False, None)


@pytest.mark.parametrize("legacy", [bcrypt, pbkdf2_sha256], ids=["bcrypt", "pbkdf2_sha256"])
def test_older_schemes_verify_and_are_upgraded(legacy) -> None:
    old = legacy.hash("s3cret-words")
    matched, new_hash = hasher().verify("s3cret-words", old)
    assert matched
    assert new_hash is not None and new_hash.startswith("$argon2id$")
    assert hasher().verify("wrong", old) == (False, None)


def test_weaker_argon2_options_are_upgraded() -> None:
    weak = PasswordHasher(["argon2"], {"argon2": {"memory_cost": 512, "time_cost": 1}}).hash("pw")
    matched, new_hash = hasher().verify("pw", weak)
    assert matched and new_hash is not None and "m=1024" in new_hash


def test_unusable_and_unknown_hashes_never_match() -> None:
    unusable = make_unusable_password()
    assert not is_password_usable(unusable) and not is_password_usable("")
    assert hasher().verify("", unusable) == (False, None)
    assert hasher().verify("anything", "not-a-hash") == (False, None)


def test_password_over_the_limit_is_refused() -> None:
    with pytest.raises(PasswordTooLongError) as refused:
        hasher().hash("é" * 2049)  # 4098 bytes
    assert str(refused.value) == "The password is too long: the limit is 4096 bytes."
    with pytest.raises(PasswordTooLongError):
        hasher().verify("x" * 4097, hasher().hash("short"))


def test_password_at_the_limit_is_accepted() -> None:
    password = "x" * 4096
    assert hasher().verify(password, hasher().hash(password)) == (True, None)


def test_a_lower_limit_applies_and_zero_means_the_ceiling() -> None:
    with pytest.raises(PasswordTooLongError) as lower:
        hasher(max_length=64).hash("x" * 65)
    assert str(lower.value) == "The password is too long: the limit is 64 bytes."
    # passlib hashes no more than 4096 bytes: "no limit" and "more" still refuse cleanly.
    for limit in (0, 10_000):
        unlimited = hasher(max_length=limit)
        assert unlimited.verify("x" * 4096, unlimited.hash("x" * 4096)) == (True, None)
        with pytest.raises(PasswordTooLongError):
            unlimited.hash("x" * 4097)


def test_one_megabyte_password_is_refused_before_hashing() -> None:
    start = time.perf_counter()
    with pytest.raises(PasswordTooLongError):
        hasher().verify("x" * 1024 * 1024, hasher().dummy_hash())
    assert time.perf_counter() - start < 0.1


def test_misconfiguration_names_the_settings() -> None:
    with pytest.raises(ImproperlyConfigured) as empty:
        PasswordHasher([])
    assert str(empty.value) == (
        "PASSWORD_SCHEMES is empty; list at least one passlib scheme, e.g. ['argon2']."
    )
    stray = PasswordHasher(["argon2"], {"bcrypt": {"rounds": 4}})
    with pytest.raises(ImproperlyConfigured) as options:
        stray.hash("x")
    assert str(options.value) == (
        "PASSWORD_SCHEME_OPTIONS names 'bcrypt', which is not in PASSWORD_SCHEMES ['argon2']."
    )


def test_settings_choose_the_hasher(settings) -> None:
    settings.PASSWORD_SCHEMES = ["pbkdf2_sha256"]
    settings.PASSWORD_SCHEME_OPTIONS = {"pbkdf2_sha256": {"rounds": 1000}}
    assert get_hasher().hash("pw").startswith("$pbkdf2-sha256$1000$")
    settings.PASSWORD_MAX_LENGTH = 10
    with pytest.raises(PasswordTooLongError):
        get_hasher().hash("x" * 11)


async def test_hashing_does_not_block_the_event_loop(settings) -> None:
    # The default (strong) argon2 settings: about a quarter of a second per hash.
    settings.PASSWORD_SCHEME_OPTIONS = {}
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    start = time.perf_counter()
    hashed = await hash_password("s3cret-words")
    matched, _ = await verify_password("s3cret-words", hashed)
    elapsed = time.perf_counter() - start
    task.cancel()
    assert matched
    # A blocked loop would tick about once; a free one ticks all along.
    assert ticks >= elapsed / 0.005 / 4, (ticks, elapsed)
