"""Turn strings from the environment or a ``.env`` file into the type a setting expects.

The expected type is the type of the value the setting already has (from the settings module
or the framework defaults), so ``DEBUG=yes`` becomes ``True`` and ``ALLOWED_HOSTS=a,b``
becomes ``["a", "b"]`` without any declaration.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["NAMED_CASTS", "cast_bool", "cast_like", "cast_to", "cast_url", "check_cast_name"]

TRUE_WORDS = frozenset({"true", "1", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "n", "f", ""})


def cast_bool(raw: str) -> bool:
    """Return the boolean a human meant by *raw* (``"yes"``, ``"off"``…); refuse anything else."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{raw!r} is not a boolean (use true/false, 1/0, yes/no or on/off)")


def _cast_list(raw: str) -> list[Any]:
    text = raw.strip()
    if text.startswith("["):
        value = json.loads(text)
        if not isinstance(value, list):
            raise ValueError(f"{raw!r} is not a JSON list")
        return value
    return [item.strip() for item in text.split(",") if item.strip()]


def _cast_dict(raw: str) -> dict[str, Any]:
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError(f"{raw!r} is not a JSON object")
    return value


def _cast_int(raw: str) -> int:
    # Allow 10_000_000 the way Python source does, but not floats.
    return int(raw.strip())


def _caster_for(kind: type) -> Callable[[str], Any]:
    if issubclass(kind, bool):
        return cast_bool
    if issubclass(kind, int):
        return _cast_int
    if issubclass(kind, float):
        return lambda raw: float(raw.strip())
    if issubclass(kind, (list, tuple, set, frozenset)):
        return lambda raw: kind(_cast_list(raw))
    if issubclass(kind, dict):
        return _cast_dict
    if issubclass(kind, PurePath):
        return lambda raw: Path(raw.strip())
    return str


def cast_url(raw: str) -> str:
    """Return *raw* stripped if it is an absolute URL (``scheme://…``), else raise ValueError."""
    from urllib.parse import urlsplit

    value = raw.strip()
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path) or "://" not in value:
        raise ValueError(f"{raw!r} is not a URL such as 'https://example.com/path'")
    return value


#: Casts named by a string: ``settings.get("API_URL", cast="url")``.
NAMED_CASTS: dict[str, Callable[[str], Any]] = {
    "bool": cast_bool,
    "int": _cast_int,
    "float": lambda raw: float(raw.strip()),
    "list": _cast_list,
    "dict": _cast_dict,
    "path": lambda raw: Path(raw.strip()),
    "str": str,
    "url": cast_url,
}


def check_cast_name(name: str, key: str) -> None:
    """Refuse a cast *name* that ``NAMED_CASTS`` does not know, listing those it does."""
    if name not in NAMED_CASTS:
        raise ImproperlyConfigured(
            f"cast={name!r} for setting {key} is not a known cast; use a type, a callable or "
            f"one of: {', '.join(sorted(NAMED_CASTS))}."
        )


def cast_to(raw: str, kind: type | str | Callable[[str], Any], key: str, source: str) -> Any:
    """Cast *raw* with *kind* (a type, a callable or a name in ``NAMED_CASTS``).

    An unknown name is refused at the call, naming the known ones; a value that does not
    cast names *key* and *source*.
    """
    if isinstance(kind, str):
        check_cast_name(kind, key)
        caster = NAMED_CASTS[kind]
    else:
        caster = _caster_for(kind) if isinstance(kind, type) else kind
    try:
        return caster(raw)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        type_name = kind if isinstance(kind, str) else getattr(kind, "__name__", repr(kind))
        raise ImproperlyConfigured(
            f"Setting {key} from {source} cannot be read as {type_name}: {exc}."
        ) from exc


def cast_like(raw: str, like: Any, key: str, source: str) -> Any:
    """Cast *raw* to the type of *like*; a ``None`` or string *like* keeps the string."""
    if like is None or isinstance(like, str):
        return raw
    return cast_to(raw, type(like), key, source)
