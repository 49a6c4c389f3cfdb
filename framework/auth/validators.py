"""Password validators: Django's four, configured by the PASSWORD_VALIDATORS setting.

Each entry of PASSWORD_VALIDATORS is ``{"NAME": "<import string>", "OPTIONS": {...}}``; a
validator is any object with ``validate(password, user=None)`` that raises
:class:`PasswordValidationError`, and ``help_text()``. :func:`validate_password` runs every
validator and reports all the problems at once, so a user fixes them in one go.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from framework.exceptions import FrameworkError, ImproperlyConfigured

__all__ = [
    "CommonPasswordValidator",
    "MinimumLengthValidator",
    "NumericPasswordValidator",
    "PasswordValidationError",
    "PasswordValidator",
    "UserAttributeSimilarityValidator",
    "get_password_validators",
    "password_help_texts",
    "validate_password",
]

DEFAULT_PASSWORD_LIST = Path(__file__).resolve().parent / "common-passwords.txt.gz"


class PasswordValidationError(FrameworkError, ValueError):
    """A password failed one or more validators; ``messages`` lists every reason."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


class PasswordValidator(Protocol):
    """What PASSWORD_VALIDATORS entries build: a check and a sentence describing it."""

    def validate(self, password: str, user: Any = None) -> None:
        """Raise :class:`PasswordValidationError` if *password* is not acceptable."""

    def help_text(self) -> str:
        """Return the rule as a sentence for forms and prompts."""


class MinimumLengthValidator:
    """Refuse passwords shorter than *min_length* characters."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = int(min_length)

    def validate(self, password: str, user: Any = None) -> None:
        """Raise when *password* is too short."""
        if len(password) < self.min_length:
            unit = "character" if self.min_length == 1 else "characters"
            raise PasswordValidationError(
                [f"This password is too short. It must contain at least {self.min_length} {unit}."]
            )

    def help_text(self) -> str:
        """Describe the rule."""
        unit = "character" if self.min_length == 1 else "characters"
        return f"Your password must contain at least {self.min_length} {unit}."


class UserAttributeSimilarityValidator:
    """Refuse passwords too similar to the user's username, email or names."""

    DEFAULT_USER_ATTRIBUTES = ("username", "first_name", "last_name", "email")

    def __init__(
        self,
        user_attributes: Sequence[str] = DEFAULT_USER_ATTRIBUTES,
        max_similarity: float = 0.7,
    ) -> None:
        if max_similarity < 0.1:
            raise ImproperlyConfigured(
                f"max_similarity must be at least 0.1; got {max_similarity!r}."
            )
        self.user_attributes = tuple(user_attributes)
        self.max_similarity = float(max_similarity)

    def validate(self, password: str, user: Any = None) -> None:
        """Raise when *password* resembles an attribute of *user* (or a part of one)."""
        if user is None:
            return
        lowered = password.lower()
        for name in self.user_attributes:
            value = user.get(name) if isinstance(user, Mapping) else getattr(user, name, None)
            if not value or not isinstance(value, str):
                continue
            parts = [*re.split(r"\W+", value), value]
            for part in parts:
                if not part:
                    continue
                matcher = SequenceMatcher(a=lowered, b=part.lower())
                if matcher.quick_ratio() >= self.max_similarity:
                    label = name.replace("_", " ")
                    raise PasswordValidationError([f"The password is too similar to the {label}."])

    def help_text(self) -> str:
        """Describe the rule."""
        return "Your password can't be too similar to your other personal information."


class CommonPasswordValidator:
    """Refuse passwords found in a list of common ones (gzipped or plain, one a line).

    The default list is the Openwall Project's ``password.lst`` (public domain), lower-cased;
    pass *password_list_path* for a longer one.
    """

    def __init__(self, password_list_path: str | Path = DEFAULT_PASSWORD_LIST) -> None:
        self.password_list_path = Path(password_list_path)

    @cached_property
    def passwords(self) -> frozenset[str]:
        """Return the common passwords (read on first use: building the validator is free)."""
        path = self.password_list_path
        try:
            if path.suffix == ".gz":
                with gzip.open(path, "rt", encoding="utf-8") as stream:
                    lines = stream.read().splitlines()
            else:
                lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"CommonPasswordValidator cannot read its password list {str(path)!r}: {exc}"
            ) from exc
        return frozenset(
            line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
        )

    def validate(self, password: str, user: Any = None) -> None:
        """Raise when *password* is a common one."""
        if password.lower().strip() in self.passwords:
            raise PasswordValidationError(["This password is too common."])

    def help_text(self) -> str:
        """Describe the rule."""
        return "Your password can't be a commonly used password."


class NumericPasswordValidator:
    """Refuse passwords made only of digits."""

    def validate(self, password: str, user: Any = None) -> None:
        """Raise when *password* is entirely numeric."""
        if password.isdigit():
            raise PasswordValidationError(["This password is entirely numeric."])

    def help_text(self) -> str:
        """Describe the rule."""
        return "Your password can't be entirely numeric."


_cache: dict[str, list[PasswordValidator]] = {}


def get_password_validators(
    config: Iterable[Mapping[str, Any]] | None = None,
) -> list[PasswordValidator]:
    """Build the validators that *config* (default: PASSWORD_VALIDATORS) lists."""
    from framework.module_loading import import_string

    if config is None:
        from framework.conf import settings

        config = settings.PASSWORD_VALIDATORS
    entries = list(config or [])
    key = repr(entries)
    if key in _cache:
        return _cache[key]
    validators: list[PasswordValidator] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or "NAME" not in entry:
            raise ImproperlyConfigured(
                f"PASSWORD_VALIDATORS entries are {{'NAME': ..., 'OPTIONS': {{...}}}}; "
                f"got {entry!r}."
            )
        factory = import_string(entry["NAME"], setting="PASSWORD_VALIDATORS")
        try:
            validators.append(factory(**dict(entry.get("OPTIONS") or {})))
        except TypeError as exc:
            raise ImproperlyConfigured(
                f"PASSWORD_VALIDATORS entry {entry['NAME']!r} has invalid OPTIONS: {exc}"
            ) from exc
    _cache[key] = validators
    return validators


def validate_password(
    password: str,
    user: Any = None,
    validators: Sequence[PasswordValidator] | None = None,
) -> None:
    """Raise :class:`PasswordValidationError` listing every rule *password* breaks.

    *user* (an object or a mapping with ``username``, ``email``…) lets the similarity
    validator compare the password with the user's own details.
    """
    messages: list[str] = []
    for validator in get_password_validators() if validators is None else validators:
        try:
            validator.validate(password, user)
        except PasswordValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise PasswordValidationError(messages)


def password_help_texts(validators: Sequence[PasswordValidator] | None = None) -> list[str]:
    """Return the rules of the validators, one sentence each."""
    chosen = get_password_validators() if validators is None else validators
    return [validator.help_text() for validator in chosen]
