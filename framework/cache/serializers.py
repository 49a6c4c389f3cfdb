"""How cached values become bytes: pickle (any Python object) or JSON (data only).

Integers are stored as plain decimal digits by both, so a backend can add to a counter in
place (Redis ``INCRBY``, an ``UPDATE … SET counter = counter + 1``) and every backend reads
back the same value. Choose with ``OPTIONS={"SERIALIZER": "json"}``: JSON cannot run code
when it is read, which matters when other programs can write to a shared Redis.
"""

from __future__ import annotations

import json
import pickle
from typing import Any, Protocol

from framework.exceptions import ImproperlyConfigured

__all__ = ["JSONSerializer", "PickleSerializer", "Serializer", "get_serializer"]


class Serializer(Protocol):
    """Turn values into bytes and back (``int`` stays ``int``: counters)."""

    def dumps(self, value: Any) -> bytes | int:
        """Return *value* as bytes, or the value itself when it is an ``int``."""
        ...

    def loads(self, data: bytes | int) -> Any:
        """Return the value *data* stands for."""
        ...


def _as_int(data: bytes | int) -> int | None:
    if isinstance(data, int):
        return data
    if data[:1].isdigit() or data[:1] == b"-":
        try:
            return int(data)
        except ValueError:
            return None
    return None


class PickleSerializer:
    """Store any picklable object (the default, as in Django)."""

    protocol = pickle.HIGHEST_PROTOCOL

    def dumps(self, value: Any) -> bytes | int:
        """Pickle *value*; ``int`` (not ``bool``) stays as it is."""
        if type(value) is int:
            return value
        return pickle.dumps(value, self.protocol)

    def loads(self, data: bytes | int) -> Any:
        """Unpickle *data* (a pickle never starts with a digit, so counters read as ints)."""
        number = _as_int(data)
        if number is not None:
            return number
        assert isinstance(data, bytes)
        return pickle.loads(data)


class JSONSerializer:
    """Store JSON data only (dict, list, str, numbers, bools, None): nothing runs on load."""

    def dumps(self, value: Any) -> bytes | int:
        """Encode *value* as compact UTF-8 JSON; ``int`` stays as it is."""
        if type(value) is int:
            return value
        return b"j" + json.dumps(value, separators=(",", ":")).encode()

    def loads(self, data: bytes | int) -> Any:
        """Decode *data*."""
        number = _as_int(data)
        if number is not None:
            return number
        assert isinstance(data, bytes)
        return json.loads(data[1:])


_SERIALIZERS: dict[str, type[PickleSerializer] | type[JSONSerializer]] = {
    "pickle": PickleSerializer,
    "json": JSONSerializer,
}


def get_serializer(alias: str, name: Any) -> Serializer:
    """Return the serializer ``OPTIONS["SERIALIZER"]`` names (``"pickle"`` or ``"json"``)."""
    if name is None:
        return PickleSerializer()
    if not isinstance(name, str) or name not in _SERIALIZERS:
        raise ImproperlyConfigured(
            f"CACHES[{alias!r}]['OPTIONS']['SERIALIZER'] must be 'pickle' or 'json'; got {name!r}."
        )
    return _SERIALIZERS[name]()
