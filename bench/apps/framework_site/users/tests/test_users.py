"""The benchmark app answers like every other contender."""

from framework.apps import apps


def test_app_is_installed():
    assert apps.get_app_config("users").verbose_name == "Users"
