"""A spy on password hashing: which costly computations ran, told without a clock.

Tests that used to time a request ("an unknown user takes as long as a wrong password", "a
megabyte password is refused before hashing") ask the spy instead: every hash and every
verification passlib computes is recorded with the settings of the hash involved (scheme and
cost), so equal work and no work are facts, whatever the machine's load.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

__all__ = ["HashSpy", "hash_settings", "spy_on_hashing"]


def hash_settings(hashed: str) -> str:
    """Return the scheme and cost part of a modular-crypt hash (salt and digest left out).

    ``$argon2id$v=19$m=16384,t=2,p=4$<salt>$<digest>`` → ``$argon2id$v=19$m=16384,t=2,p=4``.
    """
    return hashed.rsplit("$", 2)[0]


@dataclass
class HashSpy:
    """What passlib computed while the spy was on: ``("hash" | "verify", settings)`` pairs."""

    calls: list[tuple[str, str]] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, settings: str) -> None:
        with self._lock:
            self.calls.append((kind, settings))
            self.threads.append(threading.current_thread())

    def clear(self) -> None:
        """Forget what was recorded so far."""
        with self._lock:
            self.calls.clear()
            self.threads.clear()


def spy_on_hashing(monkeypatch: pytest.MonkeyPatch) -> HashSpy:
    """Record every ``CryptContext`` hash and verification until the test ends."""
    from passlib.context import CryptContext

    spy = HashSpy()
    real_hash = CryptContext.hash
    real_verify = CryptContext.verify
    real_verify_and_update = CryptContext.verify_and_update

    def hash_(self: CryptContext, secret: Any, *args: Any, **kwargs: Any) -> Any:
        hashed = real_hash(self, secret, *args, **kwargs)
        spy.record("hash", hash_settings(hashed))
        return hashed

    def verify(self: CryptContext, secret: Any, hashed: Any, *args: Any, **kwargs: Any) -> Any:
        spy.record("verify", hash_settings(str(hashed)))
        return real_verify(self, secret, hashed, *args, **kwargs)

    def verify_and_update(
        self: CryptContext, secret: Any, hashed: Any, *args: Any, **kwargs: Any
    ) -> Any:
        spy.record("verify", hash_settings(str(hashed)))
        return real_verify_and_update(self, secret, hashed, *args, **kwargs)

    monkeypatch.setattr(CryptContext, "hash", hash_)
    monkeypatch.setattr(CryptContext, "verify", verify)
    monkeypatch.setattr(CryptContext, "verify_and_update", verify_and_update)
    return spy
