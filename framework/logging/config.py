"""The logging configuration: the framework's defaults with the project's LOGGING over them.

Defaults: one ``console`` handler on standard error, formatted by LOG_FORMAT (``text`` or
``json``), attached to the root logger at LOG_LEVEL, so the framework's, uvicorn's
(access lines included) and the project's own loggers all print the same way. LOGGING is a
:func:`logging.config.dictConfig` dictionary merged over them, section by section:
``formatters``, ``filters``, ``handlers`` and ``loggers`` entries are added or replaced by
name, ``root`` is replaced whole. Every handler gets the request-id and secrets filters.

``framework.setup()`` applies it once per process; ``runserver`` and ``serve`` hand it to
uvicorn, which applies it in every worker before the app is imported. Under pytest the
plugin leaves logging to pytest.
"""

from __future__ import annotations

import copy
import logging
import logging.config
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = [
    "LEVELS",
    "configure_logging",
    "default_logging",
    "ensure_logging",
    "leave_logging_alone",
    "logging_config",
]

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("text", "json")
_SECTIONS = ("filters", "formatters", "handlers", "loggers")
_OWN_FILTERS = ["request_id", "secrets"]
#: Libraries that log routine steps at INFO (each migration's context, each HTTP call, each
#: file change): WARNING unless LOGGING says otherwise.
QUIET_LOGGERS = ("alembic", "httpx", "httpcore", "watchfiles")
_state = {"configured": False, "left_alone": False}


def _level(value: Any) -> str:
    level = str(value or "INFO").upper()
    if level not in LEVELS:
        raise ImproperlyConfigured(f"LOG_LEVEL {value!r} is not one of {', '.join(LEVELS)}.")
    return level


def _format(value: Any) -> str:
    name = str(value or "text").lower()
    if name not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT {value!r} is not 'text' or 'json'.")
    return name


def default_logging(level: str = "INFO", fmt: str = "text") -> dict[str, Any]:
    """Return the framework's own configuration for *level* and *fmt*."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "framework.logging.RequestIdFilter"},
            "secrets": {"()": "framework.logging.SecretsFilter"},
        },
        "formatters": {
            "text": {"()": "framework.logging.TextFormatter"},
            "json": {"()": "framework.logging.JSONFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": fmt,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # uvicorn's loggers print through the root handler, access lines included.
            **{
                name: {"handlers": [], "propagate": True, "level": level}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
            },
            **{name: {"level": "WARNING"} for name in QUIET_LOGGERS},
        },
    }


def logging_config(settings: Any = None) -> dict[str, Any]:
    """Return the dictConfig dictionary for *settings* (the project's by default)."""
    if settings is None:
        from framework.conf import settings
    config = default_logging(_level(settings.LOG_LEVEL), _format(settings.LOG_FORMAT))
    extra = settings.LOGGING or {}
    if not isinstance(extra, dict):
        raise ImproperlyConfigured(
            f"LOGGING must be a dictConfig dictionary, not {type(extra).__name__}."
        )
    extra = copy.deepcopy(extra)
    for section in _SECTIONS:
        config[section].update(extra.pop(section, None) or {})
    config.update(extra)
    for handler in config["handlers"].values():
        own = [name for name in _OWN_FILTERS if name not in handler.get("filters", [])]
        handler["filters"] = [*own, *handler.get("filters", [])]
    return config


def configure_logging(settings: Any = None) -> None:
    """Apply :func:`logging_config` now."""
    logging.config.dictConfig(logging_config(settings))
    _state["configured"] = True


def ensure_logging() -> None:
    """Apply the configuration once per process (unless :func:`leave_logging_alone`).

    A server that configured uvicorn's loggers before importing the app keeps its choices:
    ``uvicorn --no-access-log`` stays without access lines and ``--log-level`` keeps the
    level of uvicorn's loggers (the defaults would turn both back to LOG_LEVEL).
    """
    if not _state["configured"] and not _state["left_alone"]:
        chosen = _server_choices()
        configure_logging()
        _restore(chosen)


_SERVER_LOGGERS = ("uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def _server_choices() -> dict[str, tuple[int, bool]]:
    """Return the level and ``propagate`` uvicorn gave its loggers, for those it configured."""
    existing = logging.Logger.manager.loggerDict
    chosen: dict[str, tuple[int, bool]] = {}
    for name in _SERVER_LOGGERS:
        found = existing.get(name)
        if isinstance(found, logging.Logger) and found.level != logging.NOTSET:
            chosen[name] = (found.level, found.propagate or bool(found.handlers))
    return chosen


def _restore(chosen: dict[str, tuple[int, bool]]) -> None:
    for name, (level, enabled) in chosen.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not enabled:  # --no-access-log: no handlers, not propagated
            logger.handlers = []
            logger.propagate = False


def leave_logging_alone() -> None:
    """Never configure logging from :func:`ensure_logging` (pytest owns it in tests)."""
    _state["left_alone"] = True
