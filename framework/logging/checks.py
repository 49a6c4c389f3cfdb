"""Checks on the logging settings: a known level and format, a LOGGING that applies."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, register

__all__ = ["check_logging_settings"]


@register("logging")
def check_logging_settings(app_configs: Any = None) -> list[CheckMessage]:
    """Report a LOG_LEVEL, LOG_FORMAT or LOGGING the logging configuration refuses."""
    from framework.conf import settings
    from framework.exceptions import ImproperlyConfigured
    from framework.logging.config import logging_config

    try:
        logging_config(settings)
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                "LOG_LEVEL: DEBUG, INFO, WARNING, ERROR or CRITICAL; LOG_FORMAT: text or json; "
                "LOGGING: a logging.config.dictConfig dictionary.",
                "logging.E001",
            )
        ]
    return []
