"""Password hashing: a passlib ``CryptContext`` from settings, used off the event loop.

The first of ``PASSWORD_SCHEMES`` hashes new passwords (argon2 by default); the others are
only verified, and a hash in an older scheme — or made with weaker options than
``PASSWORD_SCHEME_OPTIONS`` now ask for — is reported for upgrade when its password is
verified, so hashes improve as users log in. Hashing is deliberately slow, so the async
functions run it in a worker thread: a login never stalls the other requests.

Passwords longer than ``PASSWORD_MAX_LENGTH`` bytes (4096, which is also passlib's own
ceiling) are refused before any hashing: hashing a megabyte would let one request burn
seconds of CPU.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from framework.exceptions import FrameworkError, ImproperlyConfigured

if TYPE_CHECKING:
    from passlib.context import CryptContext

__all__ = [
    "PASSLIB_CEILING",
    "UNUSABLE_PASSWORD_PREFIX",
    "PasswordHasher",
    "PasswordTooLongError",
    "get_hasher",
    "hash_password",
    "is_password_usable",
    "make_unusable_password",
    "verify_password",
]

#: The longest secret passlib hashes (its MAX_PASSWORD_SIZE); no setting goes beyond it.
PASSLIB_CEILING = 4096
#: Hashes starting with this never verify (accounts that log in by token or not at all).
UNUSABLE_PASSWORD_PREFIX = "!"


class PasswordTooLongError(FrameworkError, ValueError):
    """A password is longer than PASSWORD_MAX_LENGTH bytes; it is refused, never hashed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"The password is too long: the limit is {limit} bytes.")


def make_unusable_password() -> str:
    """Return a value for the password column that no password matches."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def is_password_usable(hashed: str | None) -> bool:
    """Return whether *hashed* can match a password (not empty, not marked unusable)."""
    return bool(hashed) and not str(hashed).startswith(UNUSABLE_PASSWORD_PREFIX)


class PasswordHasher:
    """Hash and verify passwords with one ``CryptContext`` (built on first use)."""

    def __init__(
        self,
        schemes: Sequence[str],
        options: Mapping[str, Mapping[str, Any]] | None = None,
        max_length: int = 4096,
    ) -> None:
        if not schemes:
            raise ImproperlyConfigured(
                "PASSWORD_SCHEMES is empty; list at least one passlib scheme, e.g. ['argon2']."
            )
        self.schemes = list(schemes)
        self.options = {scheme: dict(values) for scheme, values in (options or {}).items()}
        # passlib refuses longer secrets itself; 0 (or more) means that ceiling.
        limit = int(max_length or 0)
        self.max_length = min(limit, PASSLIB_CEILING) if limit > 0 else PASSLIB_CEILING
        self._context: CryptContext | None = None
        self._dummy: str | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> PasswordHasher:
        """Build the hasher that PASSWORD_SCHEMES, PASSWORD_SCHEME_OPTIONS and the limit ask for."""
        return cls(
            settings.PASSWORD_SCHEMES,
            settings.PASSWORD_SCHEME_OPTIONS,
            settings.PASSWORD_MAX_LENGTH,
        )

    @property
    def context(self) -> CryptContext:
        """Return the passlib context; every scheme but the first is deprecated."""
        if self._context is None:
            from passlib.context import CryptContext

            unknown = [scheme for scheme in self.options if scheme not in self.schemes]
            if unknown:
                raise ImproperlyConfigured(
                    f"PASSWORD_SCHEME_OPTIONS names {unknown[0]!r}, which is not in "
                    f"PASSWORD_SCHEMES {self.schemes!r}."
                )
            keywords = {
                f"{scheme}__{name}": value
                for scheme, values in self.options.items()
                for name, value in values.items()
            }
            try:
                self._context = CryptContext(schemes=self.schemes, deprecated="auto", **keywords)
            except (KeyError, ValueError, TypeError) as exc:
                raise ImproperlyConfigured(
                    f"PASSWORD_SCHEMES/PASSWORD_SCHEME_OPTIONS are not a valid passlib "
                    f"configuration: {exc}"
                ) from exc
        return self._context

    def check_length(self, password: str) -> None:
        """Raise :class:`PasswordTooLongError` when *password* is over the byte limit."""
        if len(password.encode("utf-8", "surrogatepass")) > self.max_length:
            raise PasswordTooLongError(self.max_length)

    def hash(self, password: str) -> str:
        """Return the hash of *password* in the preferred scheme (blocking: use a thread)."""
        self.check_length(password)
        return str(self.context.hash(password))

    def verify(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        """Return ``(matches, new_hash)``; *new_hash* is set when the stored one is outdated.

        An unusable or unknown hash never matches, but costs as much as a real check, so the
        time taken does not tell whether the account exists or has a password.
        """
        self.check_length(password)
        if not is_password_usable(hashed) or self.context.identify(hashed) is None:
            self.context.verify(password, self.dummy_hash())
            return False, None
        matched, new_hash = self.context.verify_and_update(password, hashed)
        return bool(matched), new_hash

    def dummy_hash(self) -> str:
        """Return a hash of a random password, for checks that must cost what a real one does."""
        if self._dummy is None:
            self._dummy = str(self.context.hash(secrets.token_urlsafe(16)))
        return self._dummy

    def needs_update(self, hashed: str) -> bool:
        """Return whether *hashed* uses a deprecated scheme or weaker options."""
        return is_password_usable(hashed) and bool(self.context.needs_update(hashed))


_hashers: dict[tuple[Any, ...], PasswordHasher] = {}


def get_hasher() -> PasswordHasher:
    """Return the hasher of the current settings (one per configuration, reused)."""
    from framework.conf import settings

    options = settings.PASSWORD_SCHEME_OPTIONS or {}
    key = (
        tuple(settings.PASSWORD_SCHEMES),
        repr(sorted((scheme, sorted(dict(values).items())) for scheme, values in options.items())),
        settings.PASSWORD_MAX_LENGTH,
    )
    hasher = _hashers.get(key)
    if hasher is None:
        hasher = _hashers[key] = PasswordHasher.from_settings(settings)
    return hasher


async def hash_password(password: str) -> str:
    """Return the hash of *password*, computed in a worker thread."""
    hasher = get_hasher()
    hasher.check_length(password)
    return await anyio.to_thread.run_sync(hasher.hash, password)


async def verify_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    """Return ``(matches, new_hash)`` for *password* against *hashed*, in a worker thread.

    Store *new_hash* when it is not None: the old hash used a deprecated scheme or options.
    """
    hasher = get_hasher()
    hasher.check_length(password)
    return await anyio.to_thread.run_sync(hasher.verify, password, hashed)
