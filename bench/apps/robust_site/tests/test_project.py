"""The robustness project loads."""

from framework.apps import apps


def test_apps_are_ready():
    assert apps.ready
