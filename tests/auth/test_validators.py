"""Django's four password validators, configured through PASSWORD_VALIDATORS."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from framework.auth.validators import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    NumericPasswordValidator,
    PasswordValidationError,
    UserAttributeSimilarityValidator,
    get_password_validators,
    password_help_texts,
    validate_password,
)
from framework.exceptions import ImproperlyConfigured


def messages(password: str, user=None, validators=None) -> list[str]:
    try:
        validate_password(password, user, validators)
    except PasswordValidationError as exc:
        return exc.messages
    return []


def test_a_good_password_passes_the_defaults() -> None:
    assert messages("plum-orchard-velvet-42", {"username": "alice"}) == []


def test_every_problem_is_reported_at_once() -> None:
    assert messages("123") == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]


def test_minimum_length_over_at_and_disabled() -> None:
    validator = MinimumLengthValidator(min_length=10)
    assert messages("x" * 9, validators=[validator]) == [
        "This password is too short. It must contain at least 10 characters."
    ]
    assert messages("x" * 10, validators=[validator]) == []
    assert messages("", validators=[MinimumLengthValidator(min_length=0)]) == []
    assert (
        MinimumLengthValidator(1).help_text() == "Your password must contain at least 1 character."
    )


def test_similarity_to_username_and_email_parts() -> None:
    validator = UserAttributeSimilarityValidator()
    user = {"username": "jsmith", "email": "john.smith@example.com"}
    assert messages("jsmith1", user, [validator]) == [
        "The password is too similar to the username."
    ]
    assert messages("smith!!", {"email": "john.smith@example.com"}, [validator]) == [
        "The password is too similar to the email."
    ]
    assert messages("violet-sunrise-77", user, [validator]) == []
    assert messages("jsmith1", None, [validator]) == []


def test_similarity_reads_object_attributes() -> None:
    class Person:
        username = "margaret"
        first_name = None

    assert messages("margaret", Person(), [UserAttributeSimilarityValidator()]) == [
        "The password is too similar to the username."
    ]


def test_common_passwords_from_the_shipped_list_and_a_custom_one(tmp_path: Path) -> None:
    validator = CommonPasswordValidator()
    assert messages("PASSWORD", validators=[validator]) == ["This password is too common."]
    assert messages(" letmein ", validators=[validator]) == ["This password is too common."]
    assert len(validator.passwords) > 3000
    custom = tmp_path / "list.txt.gz"
    custom.write_bytes(gzip.compress(b"hunter2\nopensesame\n"))
    mine = CommonPasswordValidator(custom)
    assert messages("OpenSesame", validators=[mine]) == ["This password is too common."]
    assert messages("password", validators=[mine]) == []


def test_numeric_passwords() -> None:
    assert messages("20240101", validators=[NumericPasswordValidator()]) == [
        "This password is entirely numeric."
    ]
    assert messages("2024-01-01", validators=[NumericPasswordValidator()]) == []


def test_settings_choose_the_validators(settings) -> None:
    settings.PASSWORD_VALIDATORS = [
        {"NAME": "framework.auth.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 3}}
    ]
    assert messages("123") == []
    assert messages("12") == ["This password is too short. It must contain at least 3 characters."]
    settings.PASSWORD_VALIDATORS = []
    assert messages("1") == []
    assert password_help_texts() == []


def test_bad_validator_settings_name_the_setting() -> None:
    with pytest.raises(ImproperlyConfigured) as shape:
        get_password_validators(["framework.auth.validators.MinimumLengthValidator"])
    assert str(shape.value).startswith("PASSWORD_VALIDATORS entries are {'NAME': ...")
    with pytest.raises(ImproperlyConfigured) as options:
        get_password_validators(
            [{"NAME": "framework.auth.validators.NumericPasswordValidator", "OPTIONS": {"x": 1}}]
        )
    assert str(options.value).startswith(
        "PASSWORD_VALIDATORS entry 'framework.auth.validators.NumericPasswordValidator' has "
        "invalid OPTIONS:"
    )
