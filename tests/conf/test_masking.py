"""Secrets are hidden when settings are shown."""

from __future__ import annotations

from framework.conf.masking import MASK, is_secret_key, mask_setting


def test_secret_names() -> None:
    for key in ["SECRET_KEY", "API_TOKEN", "DB_PASSWORD", "STRIPE_KEY", "AUTH_HEADER"]:
        assert is_secret_key(key), key
    for key in ["DEBUG", "ALLOWED_HOSTS", "PASSWORD_SCHEMES", "DATABASES"]:
        assert not is_secret_key(key), key


def test_secret_values_are_masked_but_empty_stays_visible() -> None:
    assert mask_setting("SECRET_KEY", "abc") == MASK
    assert mask_setting("SECRET_KEY", "") == ""


def test_url_passwords_are_masked_inside_structures() -> None:
    value = {
        "default": "postgresql+asyncpg://app:hunter2@db.internal:5432/site",
        "logs": {"URL": "sqlite:///logs.db"},
    }
    assert mask_setting("DATABASES", value) == {
        "default": f"postgresql+asyncpg://app:{MASK}@db.internal:5432/site",
        "logs": {"URL": "sqlite:///logs.db"},
    }


def test_url_without_password_is_unchanged() -> None:
    assert mask_setting("DATABASE_URL", "postgresql://app@db/site") == "postgresql://app@db/site"
