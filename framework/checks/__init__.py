"""System checks: configuration problems found before they bite, with ids and hints.

Register your own with ``@register("mytag")`` (for instance from ``AppConfig.ready()``);
``manage.py check`` runs them all, and ``runserver``/``serve`` refuse to start on errors.
"""

from __future__ import annotations

from framework.checks.messages import (
    CRITICAL,
    DEBUG,
    ERROR,
    INFO,
    WARNING,
    CheckMessage,
    Critical,
    Error,
    Info,
    Warning,
)
from framework.checks.registry import CheckRegistry
from framework.checks.registry import registry as _registry

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "INFO",
    "WARNING",
    "CheckMessage",
    "CheckRegistry",
    "Critical",
    "Error",
    "Info",
    "Warning",
    "register",
    "run_checks",
]

register = _registry.register
run_checks = _registry.run_checks
