"""Password hashing with libpass: schemes, upgrades, the length limit, the event loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

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
from tests.support.hashing import spy_on_hashing

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


def test_one_megabyte_password_is_refused_before_hashing(monkeypatch) -> None:
    dummy = hasher().dummy_hash()
    spy = spy_on_hashing(monkeypatch)
    with pytest.raises(PasswordTooLongError):
        hasher().verify("x" * 1024 * 1024, dummy)
    assert spy.calls == []


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


async def test_hashing_does_not_block_the_event_loop(settings, monkeypatch) -> None:
    # While a hash runs, it asks the event loop to run a callback and waits for it: a loop
    # blocked by the hash never can, and the wait gives up (a generous deadline).
    settings.PASSWORD_SCHEME_OPTIONS = CHEAP
    loop = asyncio.get_running_loop()
    waited: list[bool] = []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def loop_runs_meanwhile() -> bool:
        ran = threading.Event()
        loop.call_soon_threadsafe(ran.set)
        return ran.wait(timeout=30)

    def hash_meanwhile(self: PasswordHasher, password: str) -> str:
        waited.append(loop_runs_meanwhile())
        return real_hash(self, password)

    def verify_meanwhile(self: PasswordHasher, password: str, hashed: str | None) -> Any:
        waited.append(loop_runs_meanwhile())
        return real_verify(self, password, hashed)

    monkeypatch.setattr(PasswordHasher, "hash", hash_meanwhile)
    monkeypatch.setattr(PasswordHasher, "verify", verify_meanwhile)
    hashed = await hash_password("s3cret-words")
    matched, _ = await verify_password("s3cret-words", hashed)
    assert matched
    assert waited == [True, True]
