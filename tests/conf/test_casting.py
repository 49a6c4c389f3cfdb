"""Casting strings from the environment to the type of a setting's default."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.conf.casting import cast_bool, cast_like, cast_to
from framework.exceptions import ImproperlyConfigured


@pytest.mark.parametrize("word", ["true", "1", "yes", "on", "TRUE", " Yes ", "y", "t"])
def test_true_words(word: str) -> None:
    assert cast_bool(word) is True


@pytest.mark.parametrize("word", ["false", "0", "no", "off", "", "Off", "n", "f"])
def test_false_words(word: str) -> None:
    assert cast_bool(word) is False


def test_bool_refuses_other_words() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        cast_like("maybe", False, "DEBUG", "the environment")
    assert str(info.value) == (
        "Setting DEBUG from the environment cannot be read as bool: 'maybe' is not a boolean "
        "(use true/false, 1/0, yes/no or on/off)."
    )


def test_int() -> None:
    assert cast_like(" 42 ", 10, "PORT", ".env") == 42


def test_int_refuses_float_text() -> None:
    with pytest.raises(
        ImproperlyConfigured, match=r"^Setting PORT from \.env cannot be read as int"
    ):
        cast_like("4.2", 10, "PORT", ".env")


def test_float_accepts_int_text() -> None:
    assert cast_like("3", 1.5, "RATIO", "env") == 3.0


def test_list_from_commas() -> None:
    assert cast_like("a.com, b.com,,", [], "ALLOWED_HOSTS", "env") == ["a.com", "b.com"]


def test_list_from_json() -> None:
    assert cast_like('["a", 1]', [], "X", "env") == ["a", 1]


def test_empty_list() -> None:
    assert cast_like("", ["x"], "X", "env") == []


def test_tuple_keeps_tuple() -> None:
    assert cast_like("a,b", ("z",), "X", "env") == ("a", "b")


def test_dict_from_json() -> None:
    assert cast_like('{"default": "sqlite://"}', {}, "DATABASES", "env") == {"default": "sqlite://"}


def test_dict_refuses_json_list() -> None:
    with pytest.raises(ImproperlyConfigured, match="is not a JSON object"):
        cast_like("[1]", {}, "DATABASES", "env")


def test_dict_refuses_bad_json() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^Setting DATABASES from env cannot be read"):
        cast_like("{oops", {}, "DATABASES", "env")


def test_path() -> None:
    assert cast_like("/srv/static", Path("x"), "STATIC_ROOT", "env") == Path("/srv/static")


def test_none_and_str_defaults_keep_text() -> None:
    assert cast_like("007", None, "X", "env") == "007"
    assert cast_like("007", "", "X", "env") == "007"


def test_cast_to_callable() -> None:
    assert cast_to("a|b", lambda raw: raw.split("|"), "X", "env") == ["a", "b"]
