"""JSON bytes for responses: orjson's speed with the json module's exact output.

Every JSON body the framework writes (dict and list returns, ``@output`` for marshmallow,
error bodies) follows one documented form: compact (``,`` and ``:``), UTF-8 with non-ASCII
characters as they are, ``NaN`` and infinities refused (``ValueError``: JSON has no such
values), integers of any size, datetimes, dates and times in ISO 8601 with their offset
(``datetime.isoformat()``), UUIDs, decimals and paths as strings, enums as their value,
sets and tuples as lists, dataclasses and pydantic models as objects (``json_default``).

:func:`reference_json_bytes` is that form written by the standard ``json`` module.
:func:`json_bytes` writes the same bytes with orjson, several times faster, and hands the
value to the reference wherever orjson would write something else: integers beyond 64 bits,
keys that are not strings, anything orjson refuses (the reference then raises the same
error it always did), a ``null`` that may stand for a ``NaN`` (orjson writes those as
``null``; a probe with pydantic-core tells them apart), and floats below 1e-4
(orjson writes ``1e-7`` and ``0.00001`` where the json module writes ``1e-07`` and
``1e-05``). ``tests/web/test_encoding.py`` proves the bytes identical over a corpus of such
values.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import re
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import orjson

__all__ = ["json_bytes", "json_default", "reference_json_bytes"]

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
#: Floats orjson writes in another form than the json module: a one-digit negative exponent
#: (``1e-7``, not ``1e-07``) and values from 1e-6 to 1e-4 (``0.00001``, not ``1e-05``).
_OTHER_FLOAT_FORM = re.compile(rb"\de-\d(?!\d)|0\.0000\d")


def json_default(value: Any) -> Any:
    """Return a JSON-friendly form of *value* (``json.dumps(default=...)``); TypeError if none."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal | PurePath):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serializable; convert it to a "
        "dict, list, str or number before returning it."
    )


def reference_json_bytes(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """Return *value* as JSON in the documented form, written by the ``json`` module."""
    return json.dumps(
        value,
        ensure_ascii=False,
        allow_nan=False,
        separators=(",", ":"),
        default=default or json_default,
    ).encode("utf-8")


def json_bytes(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """Return *value* as JSON in the documented form (the reference's bytes, faster).

    *default* converts what JSON has no type for (``json_default`` when None).
    """
    convert = default or json_default
    try:
        encoded = orjson.dumps(value, default=convert, option=_OPTIONS)
    except orjson.JSONEncodeError:  # big ints, non-string keys, refusals: the reference decides
        return reference_json_bytes(value, convert)
    # bytes.find, not "in": "in" first tries its operand as an integer and builds (then
    # drops) a TypeError, which made these tests cost more than orjson's whole encoding.
    if encoded.find(b"null") != -1:  # perhaps a NaN: only such bodies pay for the probe
        return _probed(value, convert)
    if _other_float_form(encoded):
        return reference_json_bytes(value, convert)
    return encoded


def _probed(value: Any, convert: Callable[[Any], Any]) -> bytes:
    """Return :func:`json_bytes` of a *value* whose JSON holds ``null``: NaNs go to the reference.

    Encoded again, keeping what *convert* made of models and dataclasses, for the probe.
    """
    converted: list[Any] = []

    def converting(obj: Any) -> Any:
        result = convert(obj)
        if isinstance(result, dict | list):
            converted.append(result)
        return result

    encoded = orjson.dumps(value, default=converting, option=_OPTIONS)
    if _may_hold_non_finite([value, converted], convert) or _other_float_form(encoded):
        return reference_json_bytes(value, convert)
    return encoded


def _other_float_form(encoded: bytes) -> bool:
    """Return whether *encoded* holds a float orjson writes otherwise than the json module."""
    has_candidate = encoded.find(b"e-") != -1 or encoded.find(b".0000") != -1
    return has_candidate and _OTHER_FLOAT_FORM.search(encoded) is not None


def _may_hold_non_finite(value: Any, convert: Callable[[Any], Any]) -> bool:
    """Return whether *value* may hold a NaN or an infinity (orjson wrote them as ``null``).

    pydantic-core writes them as ``NaN`` and ``Infinity`` when asked, except inside a
    pydantic model, where the model's own setting wins: the probe also reads the models'
    converted dicts (*value* is the value and those dicts).
    """
    import pydantic_core  # only for bodies with a null: the rest never load it here

    try:
        probe = pydantic_core.to_json(value, inf_nan_mode="constants", fallback=convert)
    except Exception:  # anything the probe cannot read: let the reference decide
        return True
    return b"NaN" in probe or b"Infinity" in probe
