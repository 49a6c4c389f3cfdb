"""The fast JSON encoder writes exactly the bytes of the documented form (the json module's).

A corpus of values where encoders disagree: non-ASCII and control characters, integers past
64 bits, floats at every exponent, datetimes with and without offsets, decimals, UUIDs,
enums, sets, dataclasses, pydantic models nested in lists, non-string keys. For each,
``json_bytes`` must give the reference's bytes, or raise the reference's error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import json
import math
import random
import uuid
from pathlib import PurePosixPath
from typing import Any

import pytest
from pydantic import BaseModel

from framework.web.encoding import json_bytes, reference_json_bytes
from framework.web.responses import JSONResponse, to_response

KOLKATA = dt.timezone(dt.timedelta(hours=5, minutes=30))
ODD_OFFSET = dt.timezone(dt.timedelta(hours=-3, minutes=-7, seconds=-5))


class Colour(enum.Enum):
    RED = "red"
    NAN = math.nan


class Level(enum.IntEnum):
    HIGH = 3


class Word(enum.StrEnum):
    HELLO = "héllo"


@dataclasses.dataclass
class Point:
    x: float
    y: float
    label: str | None = None


class Tag(BaseModel):
    name: str
    weight: float


class Post(BaseModel):
    title: str
    published: dt.datetime
    price: decimal.Decimal
    tags: list[Tag]
    note: str | None = None


def _floats() -> list[float]:
    """Floats at every decimal exponent from 1e-320 to 1e308, with random mantissas."""
    chosen = random.Random(20)
    values = [0.0, -0.0, 0.1, 0.2 + 0.1, 1 / 3, 5e-324, 2.2250738585072014e-308]
    values.append(1.7976931348623157e308)
    for exponent in range(-320, 309):
        values.append(float(f"1e{exponent}"))
        values.append(chosen.uniform(1, 10) * 10.0**exponent if exponent < 308 else 1.5e308)
        values.append(-chosen.uniform(1, 10) * 10.0**exponent if exponent < 308 else -1.5e308)
    return values


STRINGS = [
    "",
    "plain",
    "héllo wörld",
    "日本語のテキスト",
    "emoji \U0001f600 and \U0001f1eb\U0001f1f7",
    'quotes " and back\\slash and /slash',
    "".join(chr(code) for code in range(0x20)),
    "\x7f delete, \u0085 next line, \u00a0 nbsp",
    "\u2028 line and \u2029 paragraph separators",
    "<script>alert('x')</script> & entities",
    "\ufeff byte order mark, \ufffd replacement",
    "null",
    "NaN and Infinity as words",
    "the-0 e-0 1e-07",
]

INTEGERS = [0, -1, 1, 2**31, 2**53 + 1, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**63) - 1]
INTEGERS += [10**30, -(10**40), 7**200, True, False]

MOMENTS: list[Any] = [
    dt.datetime(2024, 2, 29, 23, 59, 59),
    dt.datetime(2024, 2, 29, 23, 59, 59, 1),
    dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2024, 1, 1, 12, 30, 15, 250000, tzinfo=KOLKATA),
    dt.datetime(1999, 12, 31, 23, 0, tzinfo=ODD_OFFSET),
    dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    dt.date(2024, 2, 29),
    dt.time(0, 0),
    dt.time(13, 45, 30, 123456),
    dt.time(8, 0, tzinfo=KOLKATA),
]

OTHERS: list[Any] = [
    None,
    decimal.Decimal("1.10"),
    decimal.Decimal("-0.000000000000000000001"),
    decimal.Decimal("1E+400"),
    decimal.Decimal("NaN"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    PurePosixPath("/srv/files/ünïcode.txt"),
    Colour.RED,
    Level.HIGH,
    Word.HELLO,
    {3, 1, 2},
    frozenset({"a"}),
    (1, "two", 3.0),
    Point(1.5, -2.25),
    Point(1e-07, 1e16, "ε"),
    Tag(name="ü", weight=0.5),
    Post(
        title="Grüße",
        published=dt.datetime(2024, 5, 1, 8, 0, tzinfo=KOLKATA),
        price=decimal.Decimal("19.90"),
        tags=[Tag(name="a", weight=1e-05), Tag(name="b", weight=2.0)],
    ),
]

NESTED: list[Any] = [
    {"users": [{"id": n, "name": f"User {n}", "email": None, "score": n / 7} for n in range(20)]},
    [[[[{"deep": [1, [2, [3, [4.5e-06]]]]}]]]],
    {"mixed": [*STRINGS[:5], *INTEGERS[:8], *MOMENTS[:4], *OTHERS[1:8]]},
    {"big": 2**70, "list": [2**64, -(2**65)], "fine": 1},
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    {"a": {"b": {"c": None}}, "d": [None, None]},
    [Post(title="t", published=dt.datetime(2020, 1, 1), price=decimal.Decimal(0), tags=[])] * 3,
]

CORPUS: list[Any] = [*STRINGS, *INTEGERS, *_floats(), *MOMENTS, *OTHERS, *NESTED]


def _outcome(encode: Any, value: Any) -> tuple[str, Any]:
    try:
        return "bytes", encode(value)
    except Exception as exc:  # the error must be the reference's, type and message
        return type(exc).__name__, str(exc)


def test_every_value_of_the_corpus_encodes_to_the_reference_bytes() -> None:
    different = [
        (value, _outcome(reference_json_bytes, value), _outcome(json_bytes, value))
        for value in CORPUS
        if _outcome(reference_json_bytes, value) != _outcome(json_bytes, value)
    ]
    assert different == []
    assert len(CORPUS) > 1900  # every exponent of the float range is in it


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        math.inf,
        -math.inf,
        [1.0, math.nan],
        {"a": None, "b": {"c": [None, -math.inf]}},
        Point(math.nan, 1.0),
        Tag(name="x", weight=math.inf),
        Colour.NAN,
        {"rows": [{"v": None}, {"v": math.nan}]},
    ],
    ids=repr,
)
def test_nan_and_infinity_are_refused_as_the_reference_refuses_them(value: Any) -> None:
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        reference_json_bytes(value)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        json_bytes(value)


@pytest.mark.parametrize(
    "value",
    [b"bytes", object(), {"key": {1, 2, b"x"}}, {("tuple", "key"): 1}, "lone \ud800 surrogate"],
    ids=repr,
)
def test_values_json_cannot_hold_raise_the_reference_error(value: Any) -> None:
    assert _outcome(json_bytes, value)[0] != "bytes"
    assert _outcome(json_bytes, value) == _outcome(reference_json_bytes, value)


def test_responses_and_error_bodies_are_written_by_the_fast_encoder() -> None:
    value = {"when": dt.datetime(2024, 1, 1, tzinfo=KOLKATA), "big": 2**64, "name": "Ünï"}
    assert JSONResponse(value).body == reference_json_bytes(value)
    assert to_response([value]).body == reference_json_bytes([value])
    assert json.loads(JSONResponse(value).body)["when"] == "2024-01-01T00:00:00+05:30"
