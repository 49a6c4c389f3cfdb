"""Installed apps: ``from framework.apps import apps, AppConfig``."""

from __future__ import annotations

from framework.apps.config import AppConfig
from framework.apps.registry import Apps

__all__ = ["AppConfig", "Apps", "apps"]

#: The registry of the running project.
apps = Apps()
