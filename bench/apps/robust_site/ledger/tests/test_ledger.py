"""The robustness app loads."""

from framework.apps import apps


def test_app_is_installed():
    assert apps.get_app_config("ledger").label == "ledger"
