"""Logging: settings-driven configuration, request ids on every line, secrets masked.

::

    LOG_LEVEL = "INFO"        # the root level
    LOG_FORMAT = "json"       # or "text"
    LOGGING = {"loggers": {"sqlalchemy.engine": {"level": "INFO"}}}   # merged over defaults

Every line logged while a request is handled carries its id (``X-Request-ID``, echoed in
the response); ``get_request_id()`` returns it to your code.
"""

from __future__ import annotations

from framework.logging.config import (
    configure_logging,
    default_logging,
    ensure_logging,
    leave_logging_alone,
    logging_config,
)
from framework.logging.context import REQUEST_ID_HEADER, get_request_id
from framework.logging.filters import RequestIdFilter, SecretsFilter, mask_secrets
from framework.logging.formatters import JSONFormatter, TextFormatter

__all__ = [
    "REQUEST_ID_HEADER",
    "JSONFormatter",
    "RequestIdFilter",
    "SecretsFilter",
    "TextFormatter",
    "configure_logging",
    "default_logging",
    "ensure_logging",
    "get_request_id",
    "leave_logging_alone",
    "logging_config",
    "mask_secrets",
]
