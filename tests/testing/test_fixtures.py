"""``SettingsFixture``: assignments override settings until restored."""

from __future__ import annotations

import pytest

from framework.conf import settings
from framework.testing import SettingsFixture


def test_assignments_are_undone_in_reverse() -> None:
    fixture = SettingsFixture()
    fixture.DEBUG = True
    fixture.MAX_BODY_SIZE = 5
    fixture.DEBUG = False
    assert (settings.DEBUG, settings.MAX_BODY_SIZE) == (False, 5)
    with fixture.override(MAX_BODY_SIZE=7):
        assert fixture.MAX_BODY_SIZE == 7
    fixture.restore()
    assert (settings.DEBUG, settings.MAX_BODY_SIZE) == (False, 10 * 1024 * 1024)


def test_settings_cannot_be_deleted() -> None:
    with pytest.raises(AttributeError) as error:
        del SettingsFixture().DEBUG
    assert str(error.value) == "Settings cannot be deleted; assign DEBUG a value instead."


def test_the_settings_fixture(settings: SettingsFixture) -> None:
    settings.SECRET_KEY = "from-the-fixture"
    from framework.conf import settings as project_settings

    assert project_settings.SECRET_KEY == "from-the-fixture"
