"""pytest plugin (entry point ``pytest11``): point tests at the project's settings.

Set the settings module with the ``framework_settings_module`` ini option (generated
projects do), the ``--framework-settings`` option or ``FRAMEWORK_SETTINGS_MODULE``; the
project is then set up once before tests are collected.
"""

from __future__ import annotations

import os

import pytest

from framework.testing.database import db, db_setup

__all__ = ["db", "db_setup", "pytest_addoption", "pytest_configure"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the settings options."""
    group = parser.getgroup("framework")
    group.addoption(
        "--framework-settings",
        dest="framework_settings",
        default=None,
        help="Settings module of the project under test.",
    )
    parser.addini(
        "framework_settings_module",
        "Settings module of the project under test (FRAMEWORK_SETTINGS_MODULE).",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Select the settings module and set the project up before collection."""
    from framework.conf import ENVIRONMENT_VARIABLE

    module = (
        config.getoption("framework_settings")
        or os.environ.get(ENVIRONMENT_VARIABLE)
        or config.getini("framework_settings_module")
    )
    if not module:
        return
    os.environ[ENVIRONMENT_VARIABLE] = module
    from framework.apps.bootstrap import setup

    setup()
